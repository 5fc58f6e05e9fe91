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
