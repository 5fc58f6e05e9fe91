// Browse and search demands (open, awarded, refunded); "Mine" lists what I
// published and answered. Expiries are on the chain's clock.
import { h, field, load, pageHeader, keywordsList, tokens } from '../dom.js';
import { get, query } from '../api.js';

const PAGE = 20;
let chainOffset = null;   // chain time minus wall time, seconds

function noteChainTime(t) {
  if (typeof t === 'number') chainOffset = t - Date.now() / 1000;
}

/** Now on the chain's clock (seconds), asking the server once if unknown. */
export async function chainNow() {
  if (chainOffset == null) noteChainTime((await get('/api/demands?limit=1')).chain_time);
  return Date.now() / 1000 + (chainOffset ?? 0);
}

export function expiresText(expiry, now) {
  const d = Math.round(expiry - now);
  const span = (s) => (s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : s < 172800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86400)} days`);
  return d > 0 ? `expires in ${span(d)}` : `expired ${span(-d)} ago`;
}

export function demandCard(d, now) {
  return h('article', { class: 'card item', 'data-testid': 'demand-card', 'data-id': d.id, 'data-state': d.state },
    h('div', { class: 'item-head' },
      h('h2', null, h('a', { href: `#/demands/${d.id}` }, d.description || `Demand ${d.id}`)),
      h('span', { class: 'price' }, tokens(d.bounty))),
    h('p', { class: 'summary' }, d.details),
    h('div', { class: 'meta' },
      h('span', null, 'by ', h('strong', null, d.owner_name || 'unknown')),
      h('span', { class: `badge state-${d.state}` }, d.state),
      h('span', null, `${d.answers ?? 0} answer${d.answers === 1 ? '' : 's'}`),
      d.state === 'open' ? h('span', null, expiresText(d.expiry, now)) : null),
    keywordsList(d.keywords));
}

export default function demands({ main, params, session, navigate }) {
  const view = params.get('view') === 'mine' && session ? 'mine' : 'board';
  const q = h('input', { type: 'search', value: params.get('query') || '', placeholder: 'Description or details' });
  const kw = h('input', { type: 'text', value: params.get('keyword') || '', autocapitalize: 'none', placeholder: 'e.g. seed' });
  const state = h('select', null, ['', 'open', 'awarded', 'refunded'].map((s) =>
    h('option', { value: s, selected: (params.get('state') || '') === s }, s || 'any')));
  const offset = Number(params.get('offset') || 0);
  const search = h('form', { class: 'search card', role: 'search', 'aria-label': 'Search demands', 'data-testid': 'demand-search' },
    field('demand-query', 'Search', q), field('demand-keyword', 'Keyword', kw), field('demand-state', 'State', state),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search')));
  search.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(`/demands${query({ query: q.value.trim(), keyword: kw.value.trim().toLowerCase(), state: state.value })}`);
  });
  const tabs = session ? h('nav', { class: 'tabs', 'aria-label': 'Demand views' },
    h('a', { href: '#/demands', 'aria-current': view === 'board' ? 'page' : null }, 'All demands'),
    h('a', { href: '#/demands?view=mine', 'aria-current': view === 'mine' ? 'page' : null, 'data-testid': 'tab-my-demands' }, 'Mine')) : null;
  const list = h('section', { 'aria-label': 'Demands', 'data-testid': 'demand-list' });
  main.append(pageHeader('Demands', session ? h('a', { class: 'button', href: '#/demands/new', 'data-testid': 'publish-demand-link' }, 'Publish a demand') : null),
    tabs, view === 'board' ? search : null, list);

  if (view === 'mine') {
    load(list, async () => {
      const [r, now] = await Promise.all([get('/api/demands/mine'), chainNow()]);
      const part = (title, items, empty) => [h('h2', { class: 'section-title' }, title),
        items.length ? h('div', { class: 'grid' }, items.map((d) => demandCard(d, now))) : h('p', { class: 'muted' }, empty)];
      return [...part('Published', r.published, 'You have not published a demand yet.'), ...part('Answered', r.answered, 'You have not answered a demand yet.')];
    });
    return;
  }
  load(list, async () => {
    const r = await get(`/api/demands${query({ query: params.get('query'), keyword: params.get('keyword'), state: params.get('state'), limit: PAGE, offset })}`);
    noteChainTime(r.chain_time);
    if (!r.demands.length) return h('p', { class: 'muted', 'data-testid': 'no-demands' }, 'No demands match.');
    const more = (to, label) => h('a', { class: 'button secondary', href: `#/demands${query({ query: params.get('query'), keyword: params.get('keyword'), state: params.get('state'), offset: to })}` }, label);
    return [h('p', { class: 'muted' }, `${r.total} demand${r.total === 1 ? '' : 's'}`),
      h('div', { class: 'grid' }, r.demands.map((d) => demandCard(d, r.chain_time))),
      h('div', { class: 'pager' }, offset > 0 ? more(Math.max(0, offset - PAGE), 'Previous') : null, offset + PAGE < r.total ? more(offset + PAGE, 'Next') : null)];
  });
}
