// Evaluation rounds (seed 001 §2.3): raters score subjects on dimensions,
// the scores land on chain, and the ranking weighs the dimensions by AHP
// and entropy. Everyone sees the rounds; an admin opens new ones here.
import { h, field, group, bindForm, load, pageHeader } from '../dom.js';
import { get, write } from '../api.js';
import { DEFAULT_DIMENSIONS, nameList, closesInSeconds, roundProblems, parseMatrix } from '../validate.js';
import { chainNow } from './demands.js';

/** The seed's Table 1, as typed into the judgment box. */
export const TABLE1_TEXT = ['1 2 3 3 5 5', '1/2 1 2 2 3 3', '1/3 1/2 1 1 2 2', '1/3 1/2 1 1 2 2', '1/5 1/3 1/2 1/2 1 1', '1/5 1/3 1/2 1/2 1 1'].join('\n');

const UNITS = [['60', 'minutes'], ['3600', 'hours'], ['86400', 'days']];

function span(s) {
  return s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : s < 172800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86400)} days`;
}

/** A round's state on the chain's clock: open (takes scores), ended (past its time, not closed yet) or closed. */
export function roundState(r, now) {
  if (r.closed) return { state: 'closed', text: 'closed' };
  if (typeof r.closes_at !== 'number') return r.open === false ? { state: 'ended', text: 'no longer takes scores' } : { state: 'open', text: 'open' };
  const d = Math.round(r.closes_at - now);
  return d > 0 ? { state: 'open', text: `open, closes in ${span(d)}` } : { state: 'ended', text: `scoring ended ${span(-d)} ago` };
}

export function closesAt(r) {
  return typeof r.closes_at === 'number' ? new Date(r.closes_at * 1000).toLocaleString() : '–';
}

/** The server's clock when it answers, else ours (the list must not fail over it). */
export const safeNow = () => chainNow().catch(() => Date.now() / 1000);

function roundTable(rounds, now) {
  const cols = ['Round', 'Subjects', 'Dimensions', 'Closes', 'State', 'Scored'];
  const list = (xs) => (Array.isArray(xs) && xs.length ? xs.join(', ') : '–');
  const rows = rounds.map((r) => {
    const st = roundState(r, now);
    return h('tr', { 'data-testid': 'evaluation-row', 'data-round': r.round, 'data-state': st.state },
      h('th', { scope: 'row', 'data-label': cols[0] }, h('a', { href: `#/evaluations/${r.round}`, 'data-testid': `evaluation-link-${r.round}` }, `Round ${r.round}`)),
      h('td', { 'data-label': cols[1] }, list(r.subjects)),
      h('td', { 'data-label': cols[2] }, list(r.dimensions)),
      h('td', { 'data-label': cols[3] }, closesAt(r)),
      h('td', { 'data-label': cols[4] }, h('span', { class: `badge round-${st.state}` }, st.text)),
      h('td', { 'data-label': cols[5], class: 'num' }, `${r.submissions ?? 0} / ${r.raters ?? '?'}`));
  });
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Evaluation rounds' },
    h('table', { class: 'stack', 'data-testid': 'evaluation-table' },
      h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', null, rows)));
}

function openRoundForm(onOpened) {
  const choices = h('div', { class: 'choices', 'data-testid': 'subject-choices' }, h('span', { class: 'muted' }, 'Loading the subjects…'));
  const other = h('input', { type: 'text', id: 'round-subjects-other', autocapitalize: 'none', spellcheck: 'false', placeholder: 'other subjects, comma separated' });
  const dimensions = h('input', { type: 'text', value: DEFAULT_DIMENSIONS.join(', '), autocapitalize: 'none', spellcheck: 'false' });
  const amount = h('input', { type: 'number', min: 1, step: 'any', inputmode: 'decimal', value: '60' });
  const unit = h('select', null, UNITS.map(([v, label]) => h('option', { value: v, selected: v === '60' }, label)));
  const raters = h('input', { type: 'text', autocapitalize: 'none', spellcheck: 'false', placeholder: 'alice, bob' });
  const judgment = h('textarea', { rows: 6, spellcheck: 'false', class: 'mono', placeholder: TABLE1_TEXT });
  const fillTable1 = h('button', { type: 'button', class: 'small secondary', 'data-testid': 'judgment-table1', onClick: () => {
    judgment.value = TABLE1_TEXT;
    judgment.focus();
  } }, "Fill in the seed's Table 1");
  const form = h('form', { class: 'card', 'aria-label': 'Open an evaluation round' },
    h('h2', { class: 'section-title' }, 'Open a round'),
    group('round-subjects', 'Subjects (1 to 32)', [choices,
      h('div', { class: 'field inline' }, h('label', { for: 'round-subjects-other' }, 'Other'), other)],
    'What the raters score: nodes, services or actors. At most 31 bytes each.'),
    field('round-dimensions', 'Dimensions', dimensions, 'Comma separated, 1 to 15, in the order of the judgment rows. Default: the seed\'s six.'),
    h('div', { class: 'pair' },
      field('round-closes', 'Closes in', amount, 'From 1 minute to 30 days.'),
      field('round-closes-unit', 'Unit', unit)),
    field('round-raters', 'Raters', raters, 'Usernames, comma separated. Only they can submit scores.'),
    field('round-judgment', 'Judgment matrix (optional)', judgment,
      'AHP pairwise judgment on Saaty\'s 1–9 scale: one row per line, entries separated by spaces or commas, fractions like 1/3 allowed. Empty: the seed\'s Table 1 (for six dimensions).'),
    h('div', { class: 'actions' }, fillTable1),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'round-submit' }, 'Open round')));

  const values = () => ({
    subjects: nameList([...form.querySelectorAll('input[name=subject]:checked')].map((b) => b.value), other.value),
    dimensions: nameList(dimensions.value),
    closesIn: closesInSeconds(amount.value, Number(unit.value)),
    raters: nameList(raters.value).map((r) => r.toLowerCase()),
    judgment: judgment.value,
  });
  bindForm(form, {
    name: 'round',
    pending: 'Opening the round…',
    validate: () => roundProblems(values()),
    submit: async (progress) => {
      const v = values();
      const body = { subjects: v.subjects, dimensions: v.dimensions, closes_in_s: v.closesIn, raters: v.raters };
      if (v.judgment.trim()) body.judgment = parseMatrix(v.judgment);
      const t = await write('POST', '/api/admin/evaluations', body, progress);
      onOpened();
      const round = t?.accepted?.round ?? t?.round;
      return [`Round opened${t?.block != null ? ` in block ${t.block}` : ''} for ${v.raters.length} rater${v.raters.length === 1 ? '' : 's'}. `,
        round != null ? h('a', { href: `#/evaluations/${round}`, 'data-testid': 'opened-round-link' }, `See round ${round}`) : null];
    },
  });

  load(choices, async () => {
    const r = await get('/api/evaluations/subjects');
    const names = Array.isArray(r?.subjects) ? r.subjects : [];
    if (!names.length) return h('span', { class: 'muted' }, 'No known subjects: type them below.');
    return names.map((s) => h('label', { class: 'choice' },
      h('input', { type: 'checkbox', name: 'subject', value: s, 'data-testid': `subject-${s}` }), ` ${s}`));
  });
  return form;
}

export default function evaluations({ main, session, alive }) {
  const list = h('section', { class: 'round-list', 'aria-label': 'Rounds', 'data-testid': 'evaluation-list' });
  const refresh = () => load(list, async () => {
    const r = await get('/api/evaluations');
    const now = typeof r?.chain_time === 'number' ? r.chain_time : await safeNow();
    const rounds = (Array.isArray(r?.rounds) ? r.rounds : []).slice().sort((a, b) => (b.round ?? 0) - (a.round ?? 0));
    if (!rounds.length) return h('p', { class: 'muted', 'data-testid': 'no-evaluations' }, 'No evaluation rounds yet.');
    return [h('p', { class: 'muted' }, `${rounds.length} round${rounds.length === 1 ? '' : 's'}, newest first`), roundTable(rounds, now)];
  });
  main.append(
    pageHeader('Evaluations'),
    h('p', { class: 'muted' }, 'Raters score each subject from 1 to 10 on every dimension; the scores are stored on chain. ',
      'Dimensions are weighted by the experts\' AHP judgment, corrected by how much the scores spread (entropy), and the subjects ranked by their weighted score.'),
    list,
    session?.role === 'admin' ? openRoundForm(() => alive() && refresh()) : null);
  return refresh();
}
