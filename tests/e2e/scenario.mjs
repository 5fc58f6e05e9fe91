// The business scenario through the web app, in Debian's chromium driven by
// playwright-core: two users trade a friends-only project and a demand, the
// admin watches the cluster. A screenshot of every page goes to
// $PETRADE_E2E_ARTIFACTS. Exits non-zero with the failing step on any error.
//
//   PETRADE_URL=http://127.0.0.1:8680 PETRADE_ADMIN_PASSWORD_FILE=run/e2e/admin.password node tests/e2e/scenario.mjs
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const BASE = (process.env.PETRADE_URL || 'http://127.0.0.1:8680').replace(/\/$/, '');
const ADMIN_PASSWORD_FILE = process.env.PETRADE_ADMIN_PASSWORD_FILE || 'run/e2e/admin.password';
const SECRETS_FILE = process.env.PETRADE_SECRETS_FILE || 'run/e2e/secrets.json';
const ARTIFACTS = process.env.PETRADE_E2E_ARTIFACTS || 'build/e2e-artifacts';
const CHAIN_WAIT = 120_000;   // a write: signed, mined and indexed
const tag = Math.random().toString(36).slice(2, 6);
const ALICE = { name: `alice-${tag}`, password: 'correct horse alice' };
const BOB = { name: `bob-${tag}`, password: 'correct horse bob' };
const FILE = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 0xff));
const TITLE = `Series A of Acme ${tag}`;

fs.mkdirSync(ARTIFACTS, { recursive: true });
for (const f of fs.readdirSync(ARTIFACTS))   // the previous run's screenshots and download
  if (/^\d\d-.+\.png$|^downloaded-/.test(f)) fs.rmSync(path.join(ARTIFACTS, f));
const shots = [];
const pageErrors = [];
const pages = [];   // [label, page], for a screenshot of each when a step fails
let current = 'start';
const started = Date.now();

class Failure extends Error {}
function check(ok, message) {
  if (!ok) throw new Failure(message);
}

async function shot(page, name) {
  const file = path.join(ARTIFACTS, `${String(shots.length + 1).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  shots.push(file);
}

async function step(name, fn) {
  current = name;
  const t = Date.now();
  await fn();
  console.log(`ok   ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}

const byTest = (page, id) => page.locator(`[data-testid="${id}"]`);

/** Waits for a form's status line to settle; fails with its text if it is an error. */
async function settled(page, name, timeout = CHAIN_WAIT) {
  const line = byTest(page, `${name}-status`);
  await line.and(page.locator('[data-state=ok], [data-state=error]')).waitFor({ timeout });
  const state = await line.getAttribute('data-state');
  check(state === 'ok', `${name}: ${await line.textContent()}`);
  return line.textContent();
}

async function go(page, hash) {
  await page.goto(`${BASE}/#${hash}`);
  await page.locator('main h1').first().waitFor();
  await page.locator('main [aria-busy=true]').first().waitFor({ state: 'detached', timeout: 30_000 }).catch(() => {});
}

async function newUser(browser, label) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${label}: ${e.message}`));
  pages.push([label, page]);
  return page;
}

// What must never reach the platform's log: run.sh scans it for these.
const secrets = { passwords: [ALICE.password, BOB.password], tokens: [] };
async function keepToken(page) {
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('petrade.session') || 'null')?.token);
  if (token) secrets.tokens.push(token);
}

async function signUp(page, user, screenshot) {
  await go(page, '/signup');
  await page.fill('#signup-username', user.name);
  await page.fill('#signup-password', user.password);
  await page.fill('#signup-confirm', user.password);
  if (screenshot) await shot(page, 'signup');
  await page.click('[data-testid=signup-submit]');
  await page.waitForURL(/#\/wallet$/, { timeout: 60_000 });
  await byTest(page, 'signed-in-as').filter({ hasText: user.name }).waitFor();
  await keepToken(page);
}

async function balance(page) {
  await go(page, '/wallet');
  const box = byTest(page, 'balance');
  await box.locator('[data-testid=balance-amount]').waitFor();
  return box.getAttribute('data-balance');
}

async function topUp(page, amount, screenshot) {
  await go(page, '/wallet');
  await page.fill('#topup-amount', String(amount));
  await page.click('[data-testid=topup-submit]');
  await settled(page, 'topup');
  if (screenshot) await shot(page, 'wallet');
}

async function noHorizontalScroll(page, what) {
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  check(scroll <= client, `${what} scrolls sideways at ${client} px: content is ${scroll} px wide`);
}

async function main() {
  const adminPassword = fs.readFileSync(ADMIN_PASSWORD_FILE, 'utf8').trim();
  secrets.passwords.push(adminPassword);
  const browser = await chromium.launch({
    executablePath: process.env.PETRADE_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const alice = await newUser(browser, 'alice');
    const bob = await newUser(browser, 'bob');
    let projectId, demandId, evaluationRound;

    await step('alice and bob sign up', async () => {
      await signUp(alice, ALICE, true);
      await signUp(bob, BOB, false);
    });

    await step('bob logs out and logs in again by keyboard only', async () => {
      await bob.click('[data-testid=logout]');
      await byTest(bob, 'nav-login').waitFor();
      await go(bob, '/login');
      await shot(bob, 'login');
      // Start from the top of the page and Tab through the navigation to the form.
      await bob.evaluate(() => document.activeElement?.blur());
      let tabs = 0;
      while (!(await bob.evaluate(() => document.activeElement?.id === 'login-username'))) {
        check(++tabs <= 15, 'Tab never reached the username field of the login form');
        await bob.keyboard.press('Tab');
      }
      check(tabs > 1, 'the navigation links were not in the Tab order before the form');
      await bob.keyboard.type(BOB.name);
      await bob.keyboard.press('Tab');
      check(await bob.evaluate(() => document.activeElement?.id === 'login-password'), 'Tab from the username did not reach the password');
      await bob.keyboard.type(BOB.password);
      await bob.keyboard.press('Enter');
      await byTest(bob, 'signed-in-as').filter({ hasText: BOB.name }).waitFor();
      await keepToken(bob);
    });

    await step('both top up (a zero amount is refused first)', async () => {
      await go(alice, '/wallet');
      await alice.fill('#topup-amount', '0');
      await alice.click('[data-testid=topup-submit]');
      await alice.locator('#topup-amount-error').filter({ hasText: 'at least 1' }).waitFor();
      await topUp(alice, 1000, true);
      await topUp(bob, 500, false);
      check((await balance(alice)) === '1000', 'alice should have 1000 after her top-up');
      check((await balance(bob)) === '500', 'bob should have 500 after his top-up');
    });

    await step('alice publishes a friends-only project with a file', async () => {
      await go(alice, '/projects/new');
      await alice.fill('#project-title', TITLE);
      await alice.fill('#project-summary', 'Ten percent of Acme Robotics at a pre-money of two million.');
      await alice.fill('#project-price', '300');
      await alice.fill('#project-keywords', 'robotics, series-a');
      await alice.check('[data-testid=visibility-friends]');
      await alice.setInputFiles('#project-file', { name: 'acme-deck.pdf', mimeType: 'application/pdf', buffer: FILE });
      await shot(alice, 'project-new');
      await alice.click('[data-testid=project-submit]');
      await settled(alice, 'project');
      await alice.click('[data-testid=see-my-projects]');
      const card = byTest(alice, 'project-card').filter({ hasText: TITLE });
      await card.waitFor();
      projectId = await card.getAttribute('data-id');
      await shot(alice, 'projects-mine');
    });

    await step('bob cannot see the friends-only project', async () => {
      await go(bob, '/projects');
      await byTest(bob, 'project-list').locator('[data-testid=project-card], [data-testid=no-projects]').first().waitFor();
      check((await bob.locator(`[data-testid=project-card][data-id="${projectId}"]`).count()) === 0, 'bob, a stranger, sees alice\'s friends-only project in the list');
      await go(bob, `/projects/${projectId}`);
      await byTest(bob, 'load-error').filter({ hasText: /no project/i }).waitFor();
    });

    await step('alice sends bob a friend request', async () => {
      await go(alice, '/contacts');
      await alice.fill('#user-query', BOB.name);
      await alice.keyboard.press('Enter');
      await alice.click(`[data-testid="add-${BOB.name}"]`);
      await settled(alice, 'contacts', 30_000);
      await alice.locator(`[data-testid=outgoing-request][data-username="${BOB.name}"]`).waitFor();
    });

    await step('bob accepts', async () => {
      await go(bob, '/contacts');
      await bob.locator(`[data-testid=incoming-request][data-username="${ALICE.name}"]`).waitFor();
      await shot(bob, 'contacts-request');
      await bob.click(`[data-testid="accept-${ALICE.name}"]`);
      await settled(bob, 'contacts', 30_000);
      await bob.locator(`[data-testid=friend][data-username="${ALICE.name}"]`).waitFor();
      await shot(bob, 'contacts');
    });

    await step('bob sees the project, cannot download it, buys it and downloads it', async () => {
      await go(bob, '/projects');
      await bob.locator(`[data-testid=project-card][data-id="${projectId}"]`).waitFor();
      await shot(bob, 'projects');
      await bob.click(`[data-testid=project-card][data-id="${projectId}"] h2 a`);
      await byTest(bob, 'project-access').waitFor();
      check((await byTest(bob, 'project-access').getAttribute('data-access')) === 'false', 'bob has access before buying');
      await bob.click('[data-testid=download]');
      const refusal = byTest(bob, 'project-action-status');
      await refusal.and(bob.locator('[data-state=error]')).waitFor();
      check(/buy/i.test(await refusal.textContent()), `the refused download should say to buy first, not "${await refusal.textContent()}"`);
      await shot(bob, 'project-download-refused');
      await bob.click('[data-testid=buy]');
      await byTest(bob, 'project-access').and(bob.locator('[data-access=true]')).waitFor({ timeout: CHAIN_WAIT });
      const [download] = await Promise.all([bob.waitForEvent('download'), bob.click('[data-testid=download]')]);
      const saved = path.join(ARTIFACTS, 'downloaded-acme-deck.pdf');
      await download.saveAs(saved);
      check(download.suggestedFilename() === 'acme-deck.pdf', `downloaded file is named ${download.suggestedFilename()}`);
      check(Buffer.compare(fs.readFileSync(saved), FILE) === 0, 'the downloaded file differs from the one alice uploaded');
      await shot(bob, 'project-bought');
    });

    await step('bob\'s demand form refuses bad input, then publishes', async () => {
      await go(bob, '/demands/new');
      await byTest(bob, 'demand-balance').filter({ hasText: 'balance' }).waitFor();
      const past = await bob.evaluate(() => {
        const d = new Date(Date.now() - 86400_000);
        const p = (n) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
      });
      await bob.fill('#demand-description', 'abcd');
      await bob.fill('#demand-details', 'Ticket 50k to 200k, Europe only, B2B');
      await bob.fill('#demand-expiry', past);
      await bob.fill('#demand-bounty', '100');
      await bob.click('[data-testid=demand-submit]');
      for (const [id, text] of [['description', /at least 5/], ['keywords', /at least one keyword/i], ['expiry', /future/]]) {
        const err = bob.locator(`#demand-${id}-error`);
        await err.waitFor();
        check(text.test(await err.textContent()), `demand ${id} message is "${await err.textContent()}"`);
      }
      await byTest(bob, 'demand-status').and(bob.locator('[data-state=error]')).waitFor();
      await shot(bob, 'demand-validation');
      const later = await bob.evaluate(() => {
        const d = new Date(Date.now() + 3600_000);
        const p = (n) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
      });
      await bob.fill('#demand-description', 'Looking for a fintech seed deal');
      await bob.check('[data-testid=kw-fintech]');
      await bob.check('[data-testid=kw-seed]');
      await bob.fill('#demand-expiry', later);
      await bob.click('[data-testid=demand-submit]');
      await settled(bob, 'demand');
      await bob.click('[data-testid=see-my-demands]');
      const card = byTest(bob, 'demand-card').filter({ hasText: 'Looking for a fintech seed deal' }).first();
      await card.waitFor();
      demandId = await card.getAttribute('data-id');
    });

    await step('alice answers the demand', async () => {
      await go(alice, '/demands');
      await alice.locator(`[data-testid=demand-card][data-id="${demandId}"]`).waitFor();
      await shot(alice, 'demands');
      await alice.click(`[data-testid=demand-card][data-id="${demandId}"] h2 a`);
      await alice.fill('#answer-text', 'Fintech seed: Payly, 120k ticket, Berlin');
      await shot(alice, 'demand-answer');
      await alice.click('[data-testid=answer-submit]');
      await alice.locator(`[data-testid=answer][data-answerer="${ALICE.name}"]`).waitFor({ timeout: CHAIN_WAIT });
    });

    await step('bob awards alice\'s answer', async () => {
      await go(bob, `/demands/${demandId}`);
      await bob.locator(`[data-testid=answer][data-answerer="${ALICE.name}"]`).waitFor();
      await bob.click('[data-testid=award-0]');
      await byTest(bob, 'demand-state').filter({ hasText: 'awarded' }).waitFor({ timeout: CHAIN_WAIT });
      await shot(bob, 'demand-awarded');
    });

    await step('both bills show the right entries and match the balances', async () => {
      const expect = [
        [alice, 'alice', '1400', { 'top-up': 1, sale: 1, bounty: 1 }],
        [bob, 'bob', '100', { 'top-up': 1, purchase: 1, escrow: 1 }],
      ];
      for (const [page, who, want, kinds] of expect) {
        const until = Date.now() + 60_000;
        for (;;) {
          await go(page, '/bill');
          await byTest(page, 'bill-check').waitFor();
          const bal = await byTest(page, 'bill-balance').getAttribute('data-balance');
          const total = await byTest(page, 'bill-total').getAttribute('data-total');
          if (bal === want && total === want) break;
          check(Date.now() < until, `${who}'s bill sums to ${total} and the balance is ${bal}; expected both ${want}`);
          await page.waitForTimeout(1000);   // the indexer is behind: look again
        }
        const got = await page.locator('[data-testid=bill-entry]').evaluateAll((rows) => rows.map((r) => r.dataset.kind));
        for (const [kind, n] of Object.entries(kinds))
          check(got.filter((k) => k === kind).length === n, `${who}'s bill should have ${n} ${kind} entr${n === 1 ? 'y' : 'ies'}; it has ${got.join(', ')}`);
        await shot(page, `bill-${who}`);
      }
    });

    await step('the pages fit a 375 px phone without sideways scrolling', async () => {
      await bob.setViewportSize({ width: 375, height: 812 });
      for (const [hash, name] of [['/projects', 'projects'], [`/projects/${projectId}`, 'project'], [`/demands/${demandId}`, 'demand'], ['/bill', 'bill'], ['/wallet', 'wallet']]) {
        await go(bob, hash);
        await noHorizontalScroll(bob, `#${hash}`);
        await shot(bob, `phone-${name}`);
      }
      await bob.click('.menu-toggle');
      await byTest(bob, 'nav-contacts').waitFor();
      await noHorizontalScroll(bob, 'the open menu');
      await shot(bob, 'phone-menu');
    });

    await step('alice logs out', async () => {
      await alice.click('[data-testid=logout]');
      await byTest(alice, 'nav-login').waitFor();
      await alice.waitForURL(/#\/login/);
    });

    await step('the admin sees the nodes on the state plane', async () => {
      const admin = await newUser(browser, 'admin');
      await go(admin, '/login');
      await admin.fill('#login-username', 'admin');
      await admin.fill('#login-password', adminPassword);
      await admin.click('[data-testid=login-submit]');
      await admin.waitForURL(/#\/admin/);
      await keepToken(admin);
      await byTest(admin, 'plane-node').first().waitFor({ timeout: 30_000 });
      await byTest(admin, 'feed-mode').and(admin.locator('[data-mode=stream]')).filter({ hasText: 'live' }).waitFor({ timeout: 15_000 });
      const first = await byTest(admin, 'updated').textContent();
      await admin.waitForFunction((t) => document.querySelector('[data-testid=updated]').textContent !== t, first, { timeout: 10_000 });
      const nodes = await byTest(admin, 'plane-node').count();
      const rows = await byTest(admin, 'node-row').count();
      check(nodes >= 1 && nodes === rows, `the plane shows ${nodes} nodes and the table ${rows}`);
      check(await byTest(admin, 'centroid').count() === 1, 'the centroid G is not drawn');
      const zones = await byTest(admin, 'plane-node').evaluateAll((g) => g.map((n) => n.dataset.zone));
      check(zones.every((z) => ['I', 'II', 'III'].includes(z)), `unexpected zones ${zones}`);
      // A few samples on the charts, then the picture.
      await admin.waitForFunction(() => (document.querySelector('[data-testid=lbh-chart] polyline')?.getAttribute('points') || '').split(' ').length >= 4, null, { timeout: 15_000 });
      await shot(admin, 'dashboard');
      // The elastic pool (on, bounded at 3 nodes): its figures and what it waits for.
      await byTest(admin, 'pool-figures').waitFor({ timeout: 15_000 });
      check((await byTest(admin, 'pool-waiting').textContent()).trim().length > 1, 'the pool says nothing about what it waits for');
      // Node operations from the table: the last node cordoned (watched, no
      // new tasks), then back in rotation.
      const lastRow = byTest(admin, 'node-row').last();
      const lastName = await lastRow.getAttribute('data-name');
      const row = admin.locator(`[data-testid=node-row][data-name="${lastName}"]`);
      await row.locator('[data-testid=node-cordon]').click();
      await byTest(admin, 'node-op-status').and(admin.locator('[data-state=ok]')).waitFor({ timeout: 15_000 });
      await row.locator('[data-testid=node-repair]').filter({ hasText: 'cordoned' }).waitFor({ timeout: 15_000 });
      await shot(admin, 'dashboard-cordoned');
      await row.locator('[data-testid=node-uncordon]').click();
      await row.locator('[data-testid=node-cordon]').waitFor({ timeout: 15_000 });
      check(!(await row.locator('[data-testid=node-repair]').textContent()).includes('cordoned'), `${lastName} is still cordoned`);
      // Gateway management: the metrics group switched off answers 503, then comes back.
      await byTest(admin, 'nav-gateway').click();
      await admin.waitForURL(/#\/gateway$/);
      const metricsRow = admin.locator('[data-testid=group-row][data-group=metrics]');
      await metricsRow.waitFor({ timeout: 15_000 });
      await byTest(admin, 'route-row').first().waitFor({ timeout: 15_000 });
      await metricsRow.locator('[data-testid=group-toggle]').click();
      await metricsRow.filter({ hasText: 'off (503)' }).waitFor({ timeout: 15_000 });
      const offStatus = await admin.evaluate(async () => (await fetch('/metrics')).status);
      check(offStatus === 503, `/metrics answered ${offStatus} while its group was off`);
      await shot(admin, 'gateway');
      await metricsRow.locator('[data-testid=group-toggle]').click();
      await metricsRow.filter({ hasNotText: 'off (503)' }).waitFor({ timeout: 15_000 });
      const onStatus = await admin.evaluate(async () => (await fetch('/metrics')).status);
      check(onStatus === 200, `/metrics answered ${onStatus} once its group was back on`);
      // The evaluation rounds (seed 001): the list loads, with the admin's form to open one.
      await byTest(admin, 'nav-evaluations').click();
      await admin.waitForURL(/#\/evaluations$/);
      await byTest(admin, 'evaluation-list').and(admin.locator(':not([aria-busy])')).waitFor({ timeout: 30_000 });
      check(await byTest(admin, 'load-error').count() === 0, `the evaluations: ${await byTest(admin, 'load-error').first().textContent().catch(() => '')}`);
      check(await byTest(admin, 'evaluation-row').count() + await byTest(admin, 'no-evaluations').count() > 0, 'the evaluation list shows neither rounds nor "no rounds"');
      await byTest(admin, 'round-submit').waitFor();
      await shot(admin, 'evaluations');
      // A round over two of the platform's own services, bob its only rater.
      await byTest(admin, 'subject-gateway').check();
      await byTest(admin, 'subject-actor:project').check();
      await admin.fill('#round-closes', '60');
      await admin.fill('#round-raters', BOB.name);
      await byTest(admin, 'round-submit').click();
      const opened = byTest(admin, 'opened-round-link');
      await opened.waitFor({ timeout: 60_000 });
      evaluationRound = Number((await opened.getAttribute('href')).split('/').pop());
      check(Number.isInteger(evaluationRound) && evaluationRound >= 1, `opened round ${evaluationRound}`);
      await admin.context().close();
    });

    await step('bob rates the services, sees the ranking and checks his scores against the chain', async () => {
      await bob.setViewportSize({ width: 1280, height: 900 });
      await go(bob, `/evaluations/${evaluationRound}`);
      await byTest(bob, 'score-grid').waitFor({ timeout: 30_000 });
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 6; j++)
          await byTest(bob, `score-${i}-${j}`).fill(String(i === 0 ? 9 - j : 3 + j));
      await byTest(bob, 'rate-submit').click();
      await byTest(bob, 'ranking-row').first().waitFor({ timeout: 60_000 });
      check(await byTest(bob, 'ranking-row').count() === 2, 'the ranking does not list both subjects');
      check(await byTest(bob, 'score-grid').count() === 0, 'the rate form is still offered after submitting');
      await shot(bob, 'evaluation');
      await byTest(bob, `verify-${BOB.name}`).click();
      await byTest(bob, 'verify-match').waitFor({ timeout: 30_000 });
      const verdict = await byTest(bob, 'verify-match').textContent();
      check(verdict.includes('✓'), `bob's scores do not match the chain: ${verdict}`);
    });

    await step('an unknown page says so', async () => {
      const visitor = await newUser(browser, 'visitor');
      await go(visitor, '/nowhere');
      await visitor.locator('h1', { hasText: 'Page not found' }).waitFor();
      await shot(visitor, 'not-found');
    });

    check(pageErrors.length === 0, `JavaScript errors in the pages:\n  ${pageErrors.join('\n  ')}`);
  } catch (err) {
    for (const [label, page] of pages) await shot(page, `failure-${label}`).catch(() => {});
    throw err;
  } finally {
    await browser.close().catch(() => {});
    fs.writeFileSync(SECRETS_FILE, JSON.stringify(secrets));
  }
}

try {
  await main();
  console.log(`e2e scenario passed in ${((Date.now() - started) / 1000).toFixed(1)} s; ${shots.length} screenshots in ${ARTIFACTS}:`);
  for (const s of shots) console.log(`  ${s}`);
} catch (err) {
  console.error(`FAIL ${current}: ${err instanceof Failure ? err.message : err.stack || err}`);
  console.error(`e2e scenario failed after ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots so far in ${ARTIFACTS}`);
  process.exitCode = 1;
}
