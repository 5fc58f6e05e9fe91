// One evaluation round: what is scored and until when, the rate form for a
// rater who has not submitted, the weights (AHP, entropy, combined), the
// mean scores and the ranking, and each rater's sheet checked against the
// chain. An admin can close the round.
import { h, bindForm, load, pageHeader, shortHex, status, setStatus } from '../dom.js';
import { get, write, describe } from '../api.js';
import { scoreProblems, scoreGrid, MIN_SCORE, MAX_SCORE } from '../validate.js';
import { roundState, closesAt, safeNow } from './evaluations.js';
import { act } from './project.js';

const arr = (x) => (Array.isArray(x) ? x : []);
const fmt = (x, d = 4) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–');
const facts = (rows) => h('dl', { class: 'facts' }, rows.filter(Boolean).map(([label, value, testid]) =>
  [h('dt', null, label), h('dd', { 'data-testid': testid }, value)]));

/** A table with a header row; rows are [rowHeader, ...cells]; numeric cells align right. */
function table(caption, cols, rows, testid, rowTestid) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'stack', 'data-testid': testid },
      h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, rows.map(([head, ...cells]) => h('tr', { 'data-testid': rowTestid },
        h('th', { scope: 'row', 'data-label': cols[0] }, head),
        cells.map((c, i) => h('td', { 'data-label': cols[i + 1], class: typeof c === 'string' && /^[–\d.-]/.test(c) ? 'num' : null }, c)))))));
}

/** Subjects × dimensions numbers (means or one rater's scores). */
function gridTable(caption, subjects, dimensions, grid, testid, digits) {
  return table(caption, ['Subject', ...dimensions], subjects.map((s, i) =>
    [s, ...dimensions.map((_, j) => fmt(arr(grid[i])[j], digits))]), testid);
}

function weightsSection(r, dimensions) {
  const w = r.weights || {};
  const at = (key, j) => fmt(arr(w[key])[j]);
  const consistent = typeof w.cr === 'number' ? (w.cr < 0.1
    ? h('span', { class: 'badge ok' }, 'consistent (CR < 0.10)')
    : h('span', { class: 'badge neg' }, 'inconsistent (CR ≥ 0.10)')) : null;
  return h('section', { class: 'card', 'aria-labelledby': 'weights-title' },
    h('h2', { class: 'section-title', id: 'weights-title' }, 'Weights'),
    h('p', { class: 'muted' }, 'AHP from the experts\' judgment matrix; entropy e and utility d = 1 − e from the spread of the mean scores; combined ∝ AHP × d.'),
    facts([
      ['λmax', fmt(w.lambda_max), 'lambda-max'],
      ['CI', fmt(w.ci), 'ci'],
      ['CR', [fmt(w.cr), ' ', consistent], 'cr'],
    ]),
    table('Weights per dimension', ['Dimension', 'AHP', 'Entropy e', 'Utility d', 'Entropy weight', 'Combined'],
      dimensions.map((d, j) => [d, at('ahp', j), at('entropy_e', j), at('entropy_d', j), at('entropy', j), at('combined', j)]),
      'weights-table', 'weight-row'));
}

function rateForm(r, subjects, dimensions, done) {
  const inputs = subjects.map((s, i) => dimensions.map((d, j) => h('input', {
    type: 'number', min: MIN_SCORE, max: MAX_SCORE, step: 1, inputmode: 'numeric', id: `score-${i}-${j}`, name: `score-${i}-${j}`,
    'aria-label': `${s}, ${d} (${MIN_SCORE}–${MAX_SCORE})`, 'aria-describedby': 'rate-grid-error', 'data-testid': `score-${i}-${j}`,
  })));
  const grid = h('div', { class: 'table-wrap' }, h('table', { class: 'score-grid', 'data-testid': 'score-grid' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Subject'), dimensions.map((d) => h('th', { scope: 'col' }, d)))),
    h('tbody', null, subjects.map((s, i) => h('tr', null, h('th', { scope: 'row' }, s), inputs[i].map((input) => h('td', null, input)))))));
  const form = h('form', { class: 'card wide', 'aria-label': 'Your scores' },
    h('h2', { class: 'section-title' }, 'Your scores'),
    h('fieldset', { class: 'field group', id: 'rate-grid', 'aria-describedby': 'rate-grid-error' },
      h('legend', null, `Score every subject on every dimension (${MIN_SCORE} worst – ${MAX_SCORE} best)`),
      h('p', { class: 'hint' }, 'Whole numbers only. You can submit once; the scores are stored on chain for good.'),
      grid,
      h('p', { class: 'field-error', id: 'rate-grid-error', 'data-testid': 'rate-grid-error', hidden: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'rate-submit' }, 'Submit scores')));
  const cells = () => inputs.map((row) => row.map((input) => input.value));
  bindForm(form, {
    name: 'rate',
    pending: 'Sending your scores…',
    validate: () => scoreProblems(cells(), subjects, dimensions),
    submit: async (progress) => {
      const t = await write('POST', `/api/evaluations/${encodeURIComponent(r.round)}/scores`, { scores: scoreGrid(cells()) }, progress);
      const text = `Scores recorded${t?.block != null ? ` in block ${t.block}` : ''}.`;
      done(text);
      return text;
    },
  });
  return form;
}

/** The rater's sheet as the chain holds it, and whether storage and the event agree. */
function verification(v, subjects, dimensions) {
  const chain = arr(v?.chain_scores ?? v?.scores);
  const event = v?.event || null;
  // Nothing stored and no event: nothing to compare, whatever the flag says.
  let matches = typeof v?.matches === 'boolean' && (chain.length || event) ? v.matches : null;
  if (matches == null && chain.length && event?.scores) matches = JSON.stringify(chain) === JSON.stringify(event.scores);
  const verdict = matches == null
    ? h('p', { class: 'status', 'data-testid': 'verify-match', 'data-matches': 'unknown' }, 'Nothing to compare yet.')
    : h('p', { class: 'status', 'data-state': matches ? 'ok' : 'error', 'data-testid': 'verify-match', 'data-matches': String(matches) },
      matches ? '✓ Matches: the stored scores equal the ScoresSubmitted event.' : '✗ Does not match: the stored scores differ from the event.');
  return [
    h('h3', { class: 'chart-title' }, 'Scores stored on chain'),
    chain.length ? gridTable('Chain scores', subjects, dimensions, chain, 'chain-scores', 0) : h('p', { class: 'muted' }, v?.submitted === false ? 'No scores submitted yet.' : 'No scores on chain.'),
    h('h3', { class: 'chart-title' }, 'Event'),
    event ? facts([
      ['Block', event.block ?? '–', 'verify-block'],
      ['Transaction', event.tx ? h('code', null, event.tx) : '–', 'verify-tx'],
    ]) : h('p', { class: 'muted', 'data-testid': 'verify-no-event' }, 'No ScoresSubmitted event found.'),
    verdict,
  ];
}

function raterList(r, raters, subjects, dimensions) {
  if (!raters.length) return h('p', { class: 'muted' }, 'No raters.');
  return h('ul', { class: 'rows', 'data-testid': 'raters' }, raters.map((x, k) => {
    const name = x.user || shortHex(x.address) || `rater ${k + 1}`;
    const result = h('div', { class: 'verify-result', id: `verify-result-${k}`, 'data-testid': 'verify-result', 'aria-live': 'polite', hidden: true });
    const verify = h('button', { type: 'button', class: 'small secondary', 'data-testid': `verify-${x.user || k}`, 'aria-controls': result.id,
      disabled: !x.address, onClick: async () => {
        verify.disabled = true;
        result.hidden = false;
        result.replaceChildren(h('p', { class: 'muted' }, 'Reading the chain…'));
        try {
          const v = await get(`/api/evaluations/${encodeURIComponent(r.round)}/raters/${encodeURIComponent(x.address)}`);
          result.replaceChildren(...verification(v, subjects, dimensions));
        } catch (err) {
          result.replaceChildren(h('p', { class: 'status', 'data-state': 'error', role: 'alert' }, describe(err)));
        } finally {
          verify.disabled = false;
        }
      } }, 'Verify');
    return h('li', { class: 'row rater', 'data-testid': 'rater', 'data-user': x.user || '' },
      h('span', { class: 'name' }, name),
      x.address ? h('code', { title: x.address }, shortHex(x.address)) : null,
      h('span', { class: `badge ${x.submitted ? 'ok' : ''}`, 'data-testid': 'rater-submitted' }, x.submitted ? 'submitted' : 'not yet'),
      verify, result);
  }));
}

export default function evaluation({ main, args, session, alive }) {
  const id = args.round;
  const body = h('div');
  const line = status('evaluation-action');
  main.append(body);

  const show = () => load(body, async () => {
    const r = await get(`/api/evaluations/${encodeURIComponent(id)}`);
    const now = typeof r?.chain_time === 'number' ? r.chain_time : await safeNow();
    r.round ??= id;
    const subjects = arr(r.subjects);
    const dimensions = arr(r.dimensions);
    const raters = arr(r.raters);
    const raterCount = r.raters_count ?? raters.length;
    const st = roundState(r, now);
    const me = session && raters.find((x) => x.user === session.username);
    const admin = session?.role === 'admin';

    let close = null;
    if (admin && !r.closed) {
      close = h('button', { type: 'button', class: 'danger', 'data-testid': 'close-round', onClick: async () => {
        if (await act(close, line, 'Closing the round…', async (progress) => {
          const t = await write('POST', `/api/admin/evaluations/${encodeURIComponent(r.round)}/close`, undefined, progress);
          return `Round closed${t?.block != null ? ` in block ${t.block}` : ''}.`;
        }) && alive()) show();
      } }, 'Close round');
    }

    let note = null;
    let form = null;
    if (!session) note = h('p', null, h('a', { href: `#/login?next=${encodeURIComponent(`/evaluations/${id}`)}` }, 'Log in'), ' to score if you are a rater.');
    else if (me?.submitted) note = h('p', { class: 'muted', 'data-testid': 'already-rated' }, 'You have submitted your scores for this round.');
    else if (me && st.state !== 'open') note = h('p', { class: 'muted', 'data-testid': 'rating-over' }, 'This round no longer takes scores.');
    else if (me && subjects.length && dimensions.length) form = rateForm(r, subjects, dimensions, (text) => {
      setStatus(line, 'ok', text);
      if (alive()) show();
    });
    else if (!me && !admin) note = h('p', { class: 'muted', 'data-testid': 'not-a-rater' }, 'You are not a rater in this round.');

    const means = arr(r.means ?? r.table);
    const ranking = arr(r.ranking).slice().sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
    const submitted = raters.filter((x) => x.submitted).length;
    return [
      pageHeader(`Evaluation round ${r.round}`, h('span', { class: `badge round-${st.state}`, 'data-testid': 'round-state', 'data-state': st.state }, st.text)),
      h('section', { class: 'card', 'aria-label': 'Round' },
        facts([
          ['Subjects', subjects.join(', ') || '–', 'round-subjects'],
          ['Dimensions', dimensions.join(', ') || '–', 'round-dimensions'],
          ['Closes', closesAt(r), 'round-closes'],
          ['Submitted', `${r.submissions ?? submitted} of ${raterCount} rater${raterCount === 1 ? '' : 's'}`, 'round-submitted'],
        ]),
        close ? h('div', { class: 'actions' }, close) : null),
      line, note, form,
      h('section', { class: 'card', 'aria-labelledby': 'ranking-title' },
        h('h2', { class: 'section-title', id: 'ranking-title' }, 'Ranking'),
        ranking.length
          ? table('Ranking', ['Rank', 'Subject', 'Score'], ranking.map((x) => [String(x.rank ?? '–'), x.subject ?? '–', fmt(x.score, 3)]), 'ranking-table', 'ranking-row')
          : h('p', { class: 'muted', 'data-testid': 'no-ranking' }, 'No ranking yet: it needs submitted scores.')),
      r.weights ? weightsSection(r, dimensions) : null,
      h('section', { class: 'card', 'aria-labelledby': 'means-title' },
        h('h2', { class: 'section-title', id: 'means-title' }, 'Mean scores'),
        means.length ? gridTable('Mean scores', subjects, dimensions, means, 'means-table', 2) : h('p', { class: 'muted', 'data-testid': 'no-means' }, 'No scores yet.')),
      h('section', { class: 'card', 'aria-labelledby': 'raters-title' },
        h('h2', { class: 'section-title', id: 'raters-title' }, `Raters (${raters.length})`),
        h('p', { class: 'muted' }, 'Verify reads a rater\'s sheet from the contract and compares it with the ScoresSubmitted event.'),
        raterList(r, raters, subjects, dimensions)),
      h('p', null, h('a', { href: '#/evaluations' }, '← All rounds')),
    ];
  }, `Evaluation round ${id}`);
  return show();
}
