// One demand: its texts and bounty, the answers, the answer form for other
// users and the award buttons for its owner.
import { h, field, bindForm, load, pageHeader, keywordsList, tokens, shortHex, status, setStatus } from '../dom.js';
import { get, write } from '../api.js';
import { textProblem } from '../validate.js';
import { chainNow, expiresText } from './demands.js';
import { act } from './project.js';

export default function demand({ main, args, session, alive }) {
  const id = args.id;
  const body = h('div');
  const line = status('demand-action');
  main.append(body);

  const answerForm = () => {
    const text = h('textarea', { rows: 4 });
    const form = h('form', { class: 'card', 'aria-label': 'Answer this demand' },
      h('h2', { class: 'section-title' }, 'Your answer'),
      field('answer-text', 'Answer', text, '5–1000 characters. You can answer once.'),
      h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'answer-submit' }, 'Send answer')));
    bindForm(form, {
      name: 'answer',
      validate: () => {
        const p = textProblem('Answer', text.value, 5, 1000);
        return p ? { 'answer-text': p } : {};
      },
      submit: async (progress) => {
        const t = await write('POST', `/api/demands/${id}/answers`, { text: text.value }, progress);
        const done = `Answer recorded in block ${t.block}.`;
        setStatus(line, 'ok', done);
        if (alive()) show();
        return done;
      },
    });
    return form;
  };

  const show = () => load(body, async () => {
    const [d, now] = await Promise.all([get(`/api/demands/${encodeURIComponent(id)}`), chainNow()]);
    const own = session && d.owner_name === session.username;
    const answers = d.answer_list || [];
    const answered = session && answers.some((a) => a.answerer_name === session.username);
    const open = d.state === 'open' && d.expiry > now;
    const items = answers.map((a) => {
      const won = d.state === 'awarded' && a.answerer === d.awarded_to;
      let award = null;
      if (own && d.state === 'open') {
        award = h('button', { type: 'button', class: 'small', 'data-testid': `award-${a.index}`, onClick: async () => {
          if (await act(award, line, 'Awarding…', async (progress) => {
            const t = await write('POST', `/api/demands/${id}/award`, { index: a.index }, progress);
            return `Awarded ${tokens(d.bounty)} to ${a.answerer_name} in block ${t.block}.`;
          }) && alive()) show();
        } }, `Award ${tokens(d.bounty)}`);
      }
      return h('li', { class: `answer card${won ? ' won' : ''}`, 'data-testid': 'answer', 'data-answerer': a.answerer_name },
        h('div', { class: 'item-head' }, h('strong', null, a.answerer_name || shortHex(a.answerer)), won ? h('span', { class: 'badge ok' }, 'awarded') : null),
        a.text_hidden ? h('p', { class: 'muted', 'data-testid': 'answer-hidden' }, 'Only the demand\'s owner reads the answers.') : h('p', null, a.text), award);
    });
    let note = null;
    if (!session) note = h('p', null, h('a', { href: `#/login?next=${encodeURIComponent(`/demands/${id}`)}` }, 'Log in'), ' to answer.');
    else if (own) note = d.state === 'open' ? h('p', { class: 'muted' }, 'This is your demand: award the answer you like best.') : null;
    else if (answered) note = h('p', { class: 'muted', 'data-testid': 'already-answered' }, 'You answered this demand.');
    else if (!open) note = h('p', { class: 'muted' }, 'This demand no longer takes answers.');
    return [
      pageHeader(d.description || `Demand ${d.id}`, h('span', { class: 'price big' }, tokens(d.bounty))),
      h('section', { class: 'card', 'aria-label': 'Demand' },
        h('p', { class: 'summary' }, d.details),
        keywordsList(d.keywords),
        h('div', { class: 'meta' },
          h('span', null, 'by ', h('strong', null, d.owner_name || shortHex(d.owner))),
          h('span', { class: `badge state-${d.state}`, 'data-testid': 'demand-state' }, d.state),
          h('span', null, d.state === 'open' ? expiresText(d.expiry, now) : `demand #${d.id}`))),
      h('h2', { class: 'section-title' }, `Answers (${answers.length})`),
      items.length ? h('ol', { class: 'answers', 'data-testid': 'answers' }, items) : h('p', { class: 'muted' }, 'No answers yet.'),
      line, note,
      session && !own && !answered && open ? answerForm() : null,
      h('p', null, h('a', { href: '#/demands' }, '← All demands')),
    ];
  }, `Demand #${id}`);
  return show();
}
