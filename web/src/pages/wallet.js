// Wallet (thesis fig. 5.5): the PET balance, top-up through the payment
// provider, and transfers to other users.
import { h, field, bindForm, load, pageHeader, tokens } from '../dom.js';
import { get, write } from '../api.js';
import { amountProblem, usernameProblem } from '../validate.js';

const PRESETS = [100, 500, 1000];

export default function wallet({ main, session }) {
  let balance = null;
  const balanceBox = h('div', { class: 'balance', 'data-testid': 'balance', 'aria-live': 'polite' });
  const refresh = () => load(balanceBox, async () => {
    const r = await get('/api/token/balance');
    balance = r.balance;
    balanceBox.dataset.balance = r.balance;
    return [h('span', { class: 'label' }, 'Balance'), h('span', { class: 'amount', 'data-testid': 'balance-amount' }, tokens(r.balance))];
  });

  const amount = h('input', { type: 'number', min: 1, step: 1, inputmode: 'numeric' });
  const presets = PRESETS.map((n) => h('button', { type: 'button', class: 'small secondary', onClick: () => { amount.value = n; amount.focus(); } }, `${n}`));
  const topup = h('form', { class: 'card', 'aria-label': 'Top up' },
    h('h2', { class: 'section-title' }, 'Top up'),
    field('topup-amount', 'Amount (PET tokens)', amount, 'Paid through the platform’s payment provider, then minted to your account on chain.'),
    h('div', { class: 'presets', 'aria-label': 'Quick amounts' }, presets),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'topup-submit' }, 'Top up')));
  bindForm(topup, {
    name: 'topup',
    validate: () => {
      const p = amountProblem('Amount', amount.value.trim());
      return p ? { 'topup-amount': p } : {};
    },
    submit: async (progress) => {
      const n = amount.value.trim();
      const t = await write('POST', '/api/token/topup', { amount: n }, progress);
      topup.reset();
      await refresh();
      return `Added ${tokens(n)} in block ${t.block}.`;
    },
  });

  const to = h('input', { type: 'text', autocapitalize: 'none', spellcheck: 'false', autocomplete: 'off' });
  const sendAmount = h('input', { type: 'number', min: 1, step: 1, inputmode: 'numeric' });
  const transfer = h('form', { class: 'card', 'aria-label': 'Transfer' },
    h('h2', { class: 'section-title' }, 'Transfer'),
    field('transfer-to', 'To (username)', to),
    field('transfer-amount', 'Amount (PET tokens)', sendAmount),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'transfer-submit' }, 'Send')));
  bindForm(transfer, {
    name: 'transfer',
    validate: () => {
      const e = {};
      const name = to.value.trim();
      const u = name === session.username ? 'You cannot send tokens to yourself.' : usernameProblem(name);
      if (u) e['transfer-to'] = u;
      const a = amountProblem('Amount', sendAmount.value.trim(), balance);
      if (a) e['transfer-amount'] = a;
      return e;
    },
    submit: async (progress) => {
      const body = { to: to.value.trim(), amount: sendAmount.value.trim() };
      const t = await write('POST', '/api/token/transfer', body, progress);
      transfer.reset();
      await refresh();
      return `Sent ${tokens(body.amount)} to ${body.to} in block ${t.block}.`;
    },
  });

  main.append(pageHeader('Wallet', h('a', { class: 'button secondary', href: '#/bill' }, 'See your bill')),
    h('section', { class: 'card' }, balanceBox), h('div', { class: 'columns' }, topup, transfer));
  refresh();
}
