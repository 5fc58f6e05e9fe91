// Publish a demand (thesis fig. 5.2): description and details of 5–100
// characters, 1–10 keywords, an expiry in the future and a bounty of at
// least 1 and at most the balance, escrowed by the DemandBoard contract.
import { h, field, group, bindForm, pageHeader, tokens, load } from '../dom.js';
import { get, write } from '../api.js';
import { keywordList, demandProblems, secondsUntil } from '../validate.js';

const SUGGESTED = ['fintech', 'seed', 'series-a', 'growth', 'robotics', 'biotech', 'healthcare', 'energy', 'saas', 'consumer'];

export function localInput(date) {
  const p = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}`;
}

export default function demandNew({ main }) {
  let balance = null;
  const description = h('input', { type: 'text', placeholder: 'One sentence: what are you looking for?' });
  const details = h('textarea', { rows: 3, placeholder: 'Background, conditions, ticket size…' });
  const boxes = SUGGESTED.map((k) => h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: 'keyword', value: k, 'data-testid': `kw-${k}` }), ` ${k}`));
  const other = h('input', { type: 'text', id: 'demand-keywords-other', autocapitalize: 'none', placeholder: 'other keywords, comma separated' });
  const expiry = h('input', { type: 'datetime-local', value: localInput(new Date(Date.now() + 7 * 86400_000)), min: localInput(new Date(Date.now() + 60_000)) });
  const bounty = h('input', { type: 'number', min: 1, step: 1, inputmode: 'numeric' });
  const balanceLine = h('div', { class: 'muted', 'data-testid': 'demand-balance' });
  const form = h('form', { class: 'card', 'aria-label': 'Publish a demand' },
    field('demand-description', 'Description', description, 'At least 5, at most 100 characters (required).'),
    field('demand-details', 'Details', details, 'At least 5, at most 100 characters.'),
    group('demand-keywords', 'Keywords (choose 1 to 10)', [...boxes,
      h('div', { class: 'field inline' }, h('label', { for: 'demand-keywords-other' }, 'Other'), other)]),
    field('demand-expiry', 'Expires at', expiry, 'Answers are accepted until then; an unawarded bounty is refunded afterwards.'),
    field('demand-bounty', 'Bounty (PET tokens)', bounty, 'Held in escrow until you award an answer.'),
    balanceLine,
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'demand-submit' }, 'Publish demand')));
  const values = () => ({
    description: description.value,
    details: details.value,
    keywords: keywordList([...form.querySelectorAll('input[name=keyword]:checked')].map((b) => b.value), other.value),
    expiry: expiry.value,
    bounty: bounty.value.trim(),
    balance,
  });
  bindForm(form, {
    name: 'demand',
    validate: () => demandProblems(values()),
    submit: async (progress) => {
      const v = values();
      const body = { description: v.description, details: v.details, keywords: v.keywords, bounty: v.bounty, expires_in: secondsUntil(v.expiry) };
      const t = await write('POST', '/api/demands', body, progress);
      form.reset();
      expiry.value = localInput(new Date(Date.now() + 7 * 86400_000));
      loadBalance();
      return [`Published in block ${t.block}; ${tokens(v.bounty)} held in escrow. `, h('a', { href: '#/demands?view=mine', 'data-testid': 'see-my-demands' }, 'See your demands')];
    },
  });
  const loadBalance = () => load(balanceLine, async () => {
    balance = (await get('/api/token/balance')).balance;
    return `Your balance: ${tokens(balance)}`;
  });
  loadBalance();
  main.append(pageHeader('Publish a demand'), form);
}
