// Contacts (thesis fig. 5.4): search users, send, accept and decline friend
// requests, and the friends who see "friends only" projects.
import { h, field, bindForm, load, pageHeader, status } from '../dom.js';
import { api, get, query } from '../api.js';
import { act } from './project.js';

const RELATION = { friend: 'friend', requested: 'request sent', pending: 'asked you', none: '', self: 'you' };

export default function contacts({ main }) {
  const line = status('contacts');
  const results = h('div', { 'data-testid': 'user-results', 'aria-live': 'polite' });
  const lists = h('div', { class: 'columns' });

  const post = (path, body, button, pending, done) => act(button, line, pending, async () => {
    const r = await api('POST', path, { body });
    refresh();
    if (results.dataset.query) search(results.dataset.query);
    return done(r);
  });
  const answer = (name, verb, button) => post(`/api/contacts/requests/${encodeURIComponent(name)}/${verb}`, undefined, button,
    verb === 'accept' ? 'Accepting…' : 'Declining…', () => (verb === 'accept' ? `You and ${name} are now friends.` : `Declined ${name}'s request.`));
  const ask = (name, button) => post('/api/contacts/requests', { to: name }, button, `Asking ${name}…`, (r) =>
    r.relation === 'friend' ? `You and ${name} are now friends.` : `Friend request sent to ${name}.`);

  const userRow = (u) => {
    const cells = [h('span', { class: 'name' }, u.username), u.relation !== 'none' ? h('span', { class: 'badge' }, RELATION[u.relation] ?? u.relation) : null];
    if (u.relation === 'none') {
      const b = h('button', { type: 'button', class: 'small', 'data-testid': `add-${u.username}`, onClick: () => ask(u.username, b) }, 'Add friend');
      cells.push(b);
    } else if (u.relation === 'pending') {
      const b = h('button', { type: 'button', class: 'small', onClick: () => answer(u.username, 'accept', b) }, 'Accept');
      cells.push(b);
    }
    return h('li', { class: 'row', 'data-testid': 'user-row', 'data-username': u.username }, cells);
  };

  const search = (q) => {
    results.dataset.query = q;
    return load(results, async () => {
      const r = await get(`/api/users${query({ query: q, limit: 20 })}`);
      const others = r.users.filter((u) => u.relation !== 'self');
      return others.length ? h('ul', { class: 'rows' }, others.map(userRow)) : h('p', { class: 'muted' }, `No user matches "${q}".`);
    });
  };

  const q = h('input', { type: 'search', autocapitalize: 'none', spellcheck: 'false', placeholder: 'part of a username' });
  const form = h('form', { class: 'card search', role: 'search', 'aria-label': 'Find people' },
    field('user-query', 'Find people', q),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'user-search-submit' }, 'Search')));
  bindForm(form, {
    name: 'user-search',
    validate: () => (q.value.trim() ? {} : { 'user-query': 'Type part of a username.' }),
    submit: async () => {
      await search(q.value.trim());
      return '';
    },
  });

  const refresh = () => load(lists, async () => {
    const [friends, reqs] = await Promise.all([get('/api/contacts'), get('/api/contacts/requests')]);
    const incoming = reqs.incoming.map((name) => {
      const yes = h('button', { type: 'button', class: 'small', 'data-testid': `accept-${name}`, onClick: () => answer(name, 'accept', yes) }, 'Accept');
      const no = h('button', { type: 'button', class: 'small secondary', 'data-testid': `decline-${name}`, onClick: () => answer(name, 'decline', no) }, 'Decline');
      return h('li', { class: 'row', 'data-testid': 'incoming-request', 'data-username': name }, h('span', { class: 'name' }, name), yes, no);
    });
    const simple = (names, testid) => names.map((n) => h('li', { class: 'row', 'data-testid': testid, 'data-username': n }, h('span', { class: 'name' }, n)));
    const box = (title, items, empty, testid) => h('section', { class: 'card', 'aria-label': title, 'data-testid': testid },
      h('h2', { class: 'section-title' }, `${title} (${items.length})`), items.length ? h('ul', { class: 'rows' }, items) : h('p', { class: 'muted' }, empty));
    return [
      box('Friend requests to you', incoming, 'No requests waiting.', 'incoming'),
      box('Friends', simple(friends.friends, 'friend'), 'No friends yet: find people above.', 'friends'),
      box('Requests you sent', simple(reqs.outgoing, 'outgoing-request'), 'None pending.', 'outgoing'),
    ];
  });

  main.append(pageHeader('Contacts'), form, results, line, lists);
  refresh();
}
