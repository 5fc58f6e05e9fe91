// One project: its summary and on-chain record; buy it, download its file
// (seller and buyers only), or delist it (seller).
import { h, load, pageHeader, keywordsList, tokens, shortHex, status, setStatus } from '../dom.js';
import { get, write, describe, saveBase64 } from '../api.js';

/** Runs fn with the button disabled, narrating in `line`. */
export async function act(button, line, pending, fn) {
  button.disabled = true;
  setStatus(line, 'pending', pending);
  try {
    setStatus(line, 'ok', await fn((t) => setStatus(line, 'pending', t)));
    return true;
  } catch (err) {
    setStatus(line, 'error', describe(err));
    return false;
  } finally {
    button.disabled = false;
  }
}

const row = (label, value, testid) => [h('dt', null, label), h('dd', { 'data-testid': testid }, value)];

export default function project({ main, args, session, alive }) {
  const id = args.id;
  const body = h('div');
  const line = status('project-action');
  main.append(body);

  const show = () => load(body, async () => {
    const p = await get(`/api/projects/${encodeURIComponent(id)}`);
    const own = session && p.seller_name === session.username;
    const buttons = [];
    if (!session) buttons.push(h('a', { class: 'button', href: `#/login?next=${encodeURIComponent(`/projects/${id}`)}` }, 'Log in to buy'));
    if (session && !own && !p.access && p.listed) {
      const buy = h('button', { type: 'button', 'data-testid': 'buy', onClick: async () => {
        if (await act(buy, line, 'Buying…', async (progress) => {
          const t = await write('POST', `/api/projects/${p.id}/buy`, undefined, progress);
          return `Bought for ${tokens(p.price)} in block ${t.block}.`;
        }) && alive()) show();
      } }, `Buy for ${tokens(p.price)}`);
      buttons.push(buy);
    }
    if (session) {
      const dl = h('button', { type: 'button', class: own || p.access ? '' : 'secondary', 'data-testid': 'download', onClick: () =>
        act(dl, line, 'Downloading…', async () => {
          const f = await get(`/api/projects/${p.id}/file`);
          saveBase64(f.file_name, f.content_base64);
          return `Downloaded ${f.file_name}.`;
        }) }, 'Download file');
      buttons.push(dl);
    }
    if (own && p.listed) {
      const delist = h('button', { type: 'button', class: 'danger', 'data-testid': 'delist', onClick: async () => {
        if (!confirm(`Take "${p.title}" off the market? Buyers keep their file.`)) return;
        if (await act(delist, line, 'Delisting…', async (progress) => {
          await write('POST', `/api/projects/${p.id}/delist`, undefined, progress);
          return 'Delisted.';
        }) && alive()) show();
      } }, 'Delist');
      buttons.push(delist);
    }
    const access = own ? 'You published this project.' : p.access ? 'You bought this project: the file is yours to download.'
      : session ? 'Buy this project to download its file.' : null;
    return [
      pageHeader(p.title || `Project ${p.id}`, h('span', { class: 'price big', 'data-testid': 'project-price' }, tokens(p.price))),
      h('div', { class: 'columns' },
        h('section', { class: 'card', 'aria-label': 'Summary' },
          h('p', { class: 'summary', 'data-testid': 'project-summary' }, p.summary),
          keywordsList(p.keywords),
          access ? h('p', { class: 'muted', 'data-testid': 'project-access', 'data-access': String(!!(own || p.access)) }, access) : null,
          h('div', { class: 'actions' }, buttons), line),
        h('section', { class: 'card', 'aria-label': 'Record' },
          h('h2', { class: 'section-title' }, 'On chain'),
          h('dl', { class: 'facts' },
            row('Project', `#${p.id}`),
            row('Seller', p.seller_name || shortHex(p.seller), 'project-seller'),
            row('Seller address', h('code', { title: p.seller }, shortHex(p.seller))),
            row('Visibility', p.visibility === 'friends' ? 'friends only' : p.visibility, 'project-visibility'),
            row('Listed', p.listed ? 'yes' : 'no (delisted)'),
            row('File', `${p.file_name || 'file'} (${(p.file_size ?? 0).toLocaleString()} bytes)`),
            row('Content hash', h('code', { title: p.content_hash }, shortHex(p.content_hash))),
            row('Buyers', String(p.buyers ?? 0), 'project-buyers'),
            row('Views', String(p.views ?? 0)),
            row('Downloads', String(p.downloads ?? 0))))),
      h('p', null, h('a', { href: '#/projects' }, '← All projects')),
    ];
  }, `Project #${id}`);
  return show();
}
