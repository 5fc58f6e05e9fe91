// node --test web/src/ : the form rules without a browser.
import test from 'node:test';
import assert from 'node:assert/strict';
import { demandProblems, keywordList, amountProblem, usernameProblem, projectProblems } from './validate.js';

const now = Date.parse('2030-01-01T12:00:00');
const good = {
  description: 'Looking for a seed deal',
  details: 'Europe only, B2B',
  keywords: ['fintech'],
  expiry: '2030-01-02T12:00',
  bounty: '10',
  balance: '100',
};

test('a good demand passes', () => {
  assert.deepEqual(demandProblems(good, now), {});
});

test('every fig. 5.2 rule is checked at once', () => {
  const e = demandProblems({ ...good, description: 'abcd', details: 'x'.repeat(101), keywords: [], expiry: '2029-12-31T12:00', bounty: '0' }, now);
  assert.deepEqual(Object.keys(e).sort(), ['demand-bounty', 'demand-description', 'demand-details', 'demand-expiry', 'demand-keywords']);
});

test('the bounty may not exceed the balance', () => {
  assert.match(demandProblems({ ...good, bounty: '101' }, now)['demand-bounty'], /balance/);
  assert.equal(amountProblem('Bounty', '100', '100'), null);
});

test('characters are counted as a person sees them', () => {
  assert.deepEqual(demandProblems({ ...good, description: '寻找种子轮' }, now), {});
});

test('keywords are lower-cased and deduplicated', () => {
  assert.deepEqual(keywordList(['Seed'], 'seed, FinTech ,, '), ['seed', 'fintech']);
  assert.match(demandProblems({ ...good, keywords: keywordList('a,b,c,d,e,f,g,h,i,j,k') }, now)['demand-keywords'], /at most 10/);
});

test('usernames follow the server rules', () => {
  assert.equal(usernameProblem('alice'), null);
  assert.ok(usernameProblem('Al'));
  assert.ok(usernameProblem('1abc'));
  assert.ok(usernameProblem('ali ce'));
});

test('a project needs a non-empty file', () => {
  const p = { title: 'Acme', summary: 'Ten percent', price: '5', keywords: ['x'], file: { size: 0 } };
  assert.deepEqual(Object.keys(projectProblems(p)), ['project-file']);
});

test('the state plane zooms in steps of 1, 2.5 and 5', async () => {
  const { niceCeiling } = await import('./charts.js');
  assert.equal(niceCeiling(0.001, 0.05), 0.05);
  assert.equal(niceCeiling(0.07, 0.05), 0.1);
  assert.equal(niceCeiling(0.3, 0.05), 0.5);
  assert.equal(niceCeiling(0.9, 0.05), 1);
  assert.equal(niceCeiling(3, 0.05), 1);
});

// Evaluations (seed 001)
const TABLE1 = `1 2 3 3 5 5
1/2 1 2 2 3 3
1/3 1/2 1 1 2 2
1/3 1/2 1 1 2 2
1/5 1/3 1/2 1/2 1 1
1/5 1/3 1/2 1/2 1 1`;

test('scores: a complete grid of whole numbers 1..10 passes', async () => {
  const { scoreProblems, scoreGrid } = await import('./validate.js');
  const cells = [['1', '10', ' 7 '], ['5', '5', '5']];
  assert.deepEqual(scoreProblems(cells, ['gateway', 'worker'], ['a', 'b', 'c']), {});
  assert.deepEqual(scoreGrid(cells), [[1, 10, 7], [5, 5, 5]]);
});

test('scores: empty, out-of-range and fractional cells are each marked', async () => {
  const { scoreProblems } = await import('./validate.js');
  const e = scoreProblems([['', '11', '0'], ['2.5', '-1', 'x']], ['gateway', 'worker'], ['a', 'b', 'c']);
  assert.deepEqual(Object.keys(e).sort(), ['rate-grid', 'score-0-0', 'score-0-1', 'score-0-2', 'score-1-0', 'score-1-1', 'score-1-2']);
  assert.match(e['rate-grid'], /1 empty/);
  assert.match(e['rate-grid'], /5 not a whole number/);
  assert.match(e['rate-grid'], /gateway \/ b is "11"/);
  assert.equal(Object.keys(e).at(-1), 'rate-grid');   // the first bad cell gets the focus
});

test('scores: a grid of the wrong shape is incomplete', async () => {
  const { scoreProblems } = await import('./validate.js');
  assert.deepEqual(Object.keys(scoreProblems([['1', '2']], ['s1', 's2'], ['a', 'b'])), ['rate-grid']);
  assert.deepEqual(Object.keys(scoreProblems([['1', '2'], ['3']], ['s1', 's2'], ['a', 'b'])), ['rate-grid']);
});

test('closes in: one minute to 30 days', async () => {
  const { closesInSeconds, closesInProblem } = await import('./validate.js');
  assert.equal(closesInSeconds('90', 60), 5400);
  assert.equal(closesInSeconds('1.5', 3600), 5400);
  assert.ok(Number.isNaN(closesInSeconds('', 60)));
  assert.ok(Number.isNaN(closesInSeconds('-5', 60)));
  assert.ok(Number.isNaN(closesInSeconds('1e3', 60)));
  assert.equal(closesInProblem(60), null);
  assert.equal(closesInProblem(30 * 86400), null);
  assert.match(closesInProblem(59), /at least a minute/);
  assert.match(closesInProblem(30 * 86400 + 1), /30 days/);
  assert.match(closesInProblem(NaN), /number/);
});

test('judgment: the seed\'s Table 1 parses and passes, in text or JSON', async () => {
  const { parseMatrix, judgmentProblem } = await import('./validate.js');
  const m = parseMatrix(TABLE1);
  assert.equal(m.length, 6);
  assert.equal(m[2][0], 1 / 3);
  assert.equal(judgmentProblem(m, 6), null);
  assert.equal(judgmentProblem(parseMatrix('[[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]]'), 3), null);
  assert.equal(judgmentProblem(parseMatrix('1, 7; 0.143, 1'), 2), null);   // 1/7 to three decimals is within 0.005
});

test('judgment: not square, wrong size, non-positive, diagonal and non-reciprocal entries are named', async () => {
  const { parseMatrix, judgmentProblem } = await import('./validate.js');
  assert.match(judgmentProblem(parseMatrix(''), 2), /empty/);
  assert.match(judgmentProblem(parseMatrix('1 2 3\n1/2 1'), 2), /square: row 1 has 3 entries, expected 2/);
  assert.match(judgmentProblem(parseMatrix('1 2\n1/2 1'), 3), /2×2 but there are 3 dimensions/);
  assert.match(judgmentProblem(parseMatrix('1 0\n1 1'), 2), /\(1,2\) must be a positive number/);
  assert.match(judgmentProblem(parseMatrix('1 -2\n-1/2 1'), 2), /\(1,2\) must be a positive/);
  assert.match(judgmentProblem(parseMatrix('1 two\n1/2 1'), 2), /\(1,2\) must be a positive/);
  assert.match(judgmentProblem(parseMatrix('2 2\n1/2 1'), 2), /\(1,1\) is on the diagonal/);
  assert.match(judgmentProblem(parseMatrix('1 1 4\n1 1 1\n0.5 1 1'), 3), /\(1,3\) = 4 and \(3,1\) = 0.5 are not reciprocal: their product is 2/);
  assert.match(judgmentProblem(parseMatrix('1 7\n0.15 1'), 2), /not reciprocal/);   // 1.05 is off by more than 0.005
});

test('opening a round: the defaults pass; every field is checked', async () => {
  const { roundProblems, nameList, DEFAULT_DIMENSIONS } = await import('./validate.js');
  const ok = { subjects: nameList(['gateway'], 'worker, node:node0'), dimensions: DEFAULT_DIMENSIONS, closesIn: 3600, raters: nameList('alice, bob'), judgment: '' };
  assert.deepEqual(ok.subjects, ['gateway', 'worker', 'node:node0']);
  assert.deepEqual(roundProblems(ok), {});
  assert.deepEqual(roundProblems({ ...ok, judgment: TABLE1 }), {});
  const e = roundProblems({ subjects: ['a', 'a'], dimensions: [], closesIn: 10, raters: ['Alice'], judgment: '1' });
  assert.deepEqual(Object.keys(e).sort(), ['round-closes', 'round-dimensions', 'round-judgment', 'round-raters', 'round-subjects']);
  assert.match(e['round-subjects'], /listed twice/);
  assert.match(roundProblems({ ...ok, subjects: ['x'.repeat(32)] })['round-subjects'], /31 bytes/);
  assert.deepEqual(roundProblems({ ...ok, subjects: ['x'.repeat(31)] }), {});
  assert.match(roundProblems({ ...ok, subjects: ['节点'.repeat(6)] })['round-subjects'], /31 bytes/);   // 36 bytes in UTF-8
  assert.match(roundProblems({ ...ok, raters: ['bob', 'bob'] })['round-raters'], /twice/);
  assert.match(roundProblems({ ...ok, dimensions: ['speed', 'cost'] })['round-judgment'], /give a 2×2 matrix/);
  assert.deepEqual(roundProblems({ ...ok, dimensions: ['speed', 'cost'], judgment: '1 3\n1/3 1' }), {});
  assert.match(roundProblems({ ...ok, judgment: '1 3\n1/3 1' })['round-judgment'], /2×2 but there are 6/);
});
