// Browse and search projects; "Mine" lists what I published and bought.
import { h, field, load, pageHeader, keywordsList, tokens } from '../dom.js';
import { get, query } from '../api.js';

const PAGE = 20;

export function projectCard(p, me) {
  const own = me && p.seller_name === me;
  return h('article', { class: 'card item', 'data-testid': 'project-card', 'data-id': p.id, 'data-title': p.title },
    h('div', { class: 'item-head' },
      h('h2', null, h('a', { href: `#/projects/${p.id}` }, p.title || `Project ${p.id}`)),
      h('span', { class: 'price' }, tokens(p.price))),
    h('p', { class: 'summary' }, p.summary),
    h('div', { class: 'meta' },
      h('span', null, 'by ', h('strong', null, p.seller_name || 'unknown')),
      h('span', { class: `badge vis-${p.visibility}` }, p.visibility === 'friends' ? 'friends only' : p.visibility),
      !p.listed ? h('span', { class: 'badge' }, 'delisted') : null,
      own ? h('span', { class: 'badge ok' }, 'yours') : p.access ? h('span', { class: 'badge ok' }, 'bought') : null),
    keywordsList(p.keywords));
}

export default function projects({ main, params, session, navigate }) {
  const view = params.get('view') === 'mine' && session ? 'mine' : 'market';
  const q = h('input', { type: 'search', value: params.get('query') || '', placeholder: 'Title or summary' });
  const kw = h('input', { type: 'text', value: params.get('keyword') || '', placeholder: 'e.g. fintech', autocapitalize: 'none' });
  const offset = Number(params.get('offset') || 0);
  const search = h('form', { class: 'search card', role: 'search', 'aria-label': 'Search projects', 'data-testid': 'project-search' },
    field('project-query', 'Search', q), field('project-keyword', 'Keyword', kw),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search')));
  search.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(`/projects${query({ query: q.value.trim(), keyword: kw.value.trim().toLowerCase() })}`);
  });
  const tabs = session ? h('nav', { class: 'tabs', 'aria-label': 'Project views' },
    h('a', { href: '#/projects', 'aria-current': view === 'market' ? 'page' : null }, 'Marketplace'),
    h('a', { href: '#/projects?view=mine', 'aria-current': view === 'mine' ? 'page' : null, 'data-testid': 'tab-my-projects' }, 'Mine')) : null;
  const list = h('section', { 'aria-label': 'Projects', 'data-testid': 'project-list' });
  main.append(pageHeader('Projects', session ? h('a', { class: 'button', href: '#/projects/new', 'data-testid': 'publish-project-link' }, 'Publish a project') : null),
    tabs, view === 'market' ? search : null, list);

  if (view === 'mine') {
    load(list, async () => {
      const r = await get('/api/projects/mine');
      const part = (title, items, empty) => [h('h2', { class: 'section-title' }, title),
        items.length ? h('div', { class: 'grid' }, items.map((p) => projectCard(p, session.username))) : h('p', { class: 'muted' }, empty)];
      return [...part('Published', r.published, 'You have not published a project yet.'), ...part('Bought', r.bought, 'You have not bought a project yet.')];
    });
    return;
  }
  load(list, async () => {
    const r = await get(`/api/projects${query({ query: params.get('query'), keyword: params.get('keyword'), limit: PAGE, offset })}`);
    if (!r.projects.length) return h('p', { class: 'muted', 'data-testid': 'no-projects' }, 'No projects match.');
    const more = (to, label) => h('a', { class: 'button secondary', href: `#/projects${query({ query: params.get('query'), keyword: params.get('keyword'), offset: to })}` }, label);
    return [h('p', { class: 'muted' }, `${r.total} project${r.total === 1 ? '' : 's'}`),
      h('div', { class: 'grid' }, r.projects.map((p) => projectCard(p, session?.username))),
      h('div', { class: 'pager' }, offset > 0 ? more(Math.max(0, offset - PAGE), 'Previous') : null, offset + PAGE < r.total ? more(offset + PAGE, 'Next') : null)];
  });
}
