// The shell: header and navigation, hash routing (#/path?query), page
// lifecycle, and sign-in guards.
import './style.css';
import { h } from './dom.js';
import { api, session, describe } from './api.js';
import login from './pages/login.js';
import signup from './pages/signup.js';
import projects from './pages/projects.js';
import projectNew from './pages/project-new.js';
import project from './pages/project.js';
import demands from './pages/demands.js';
import demandNew from './pages/demand-new.js';
import demand from './pages/demand.js';
import evaluations from './pages/evaluations.js';
import evaluation from './pages/evaluation.js';
import contacts from './pages/contacts.js';
import wallet from './pages/wallet.js';
import bill from './pages/bill.js';
import dashboard from './pages/dashboard.js';
import gateway from './pages/gateway.js';

// [pattern, page, who may see it: 'any' | 'user' | 'admin' | 'guest']
const routes = [
  ['/login', login, 'guest'],
  ['/signup', signup, 'guest'],
  ['/projects', projects, 'any'],
  ['/projects/new', projectNew, 'user'],
  ['/projects/:id', project, 'any'],
  ['/demands', demands, 'any'],
  ['/demands/new', demandNew, 'user'],
  ['/demands/:id', demand, 'any'],
  ['/evaluations', evaluations, 'any'],
  ['/evaluations/:round', evaluation, 'any'],
  ['/contacts', contacts, 'user'],
  ['/wallet', wallet, 'user'],
  ['/bill', bill, 'user'],
  ['/admin', dashboard, 'admin'],
  ['/gateway', gateway, 'admin'],
];

const links = [
  ['/projects', 'Projects', 'any'],
  ['/demands', 'Demands', 'any'],
  ['/evaluations', 'Evaluations', 'any'],
  ['/contacts', 'Contacts', 'user'],
  ['/wallet', 'Wallet', 'user'],
  ['/bill', 'Bill', 'user'],
  ['/admin', 'Operations', 'admin'],
  ['/gateway', 'Gateway', 'admin'],
];

export function navigate(path) {
  if (location.hash === `#${path}`) render();
  else location.hash = path;
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/projects';
  const [path, qs] = raw.split('?');
  return { path: path || '/', params: new URLSearchParams(qs || '') };
}

function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const [pattern, page, who] of routes) {
    const want = pattern.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const args = {};
    if (want.every((w, i) => (w.startsWith(':') ? ((args[w.slice(1)] = decodeURIComponent(parts[i])), true) : w === parts[i])))
      return { page, who, args };
  }
  return null;
}

const allowed = (who, s) => who === 'any' || (who === 'guest' ? !s : who === 'admin' ? s?.role === 'admin' : !!s);

const nav = h('nav', { id: 'nav', 'aria-label': 'Main' });
const menu = h('button', { class: 'menu-toggle', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'nav' }, 'Menu');
const main = h('main', { id: 'main', tabindex: '-1' });
let leave = [];

function renderNav(path) {
  const s = session.get();
  const items = links.filter(([, , who]) => allowed(who, s)).map(([href, label]) =>
    h('a', { href: `#${href}`, 'aria-current': path.startsWith(href) ? 'page' : null, 'data-testid': `nav-${label.toLowerCase()}` }, label));
  const account = s
    ? [h('span', { class: 'who', 'data-testid': 'signed-in-as' }, s.username, s.role === 'admin' ? ' (admin)' : ''),
       h('button', { type: 'button', class: 'link', 'data-testid': 'logout', onClick: logout }, 'Log out')]
    : [h('a', { href: '#/login', 'data-testid': 'nav-login', 'aria-current': path === '/login' ? 'page' : null }, 'Log in'),
       h('a', { href: '#/signup', class: 'button small', 'data-testid': 'nav-signup', 'aria-current': path === '/signup' ? 'page' : null }, 'Sign up')];
  nav.replaceChildren(h('div', { class: 'nav-links' }, items), h('div', { class: 'nav-account' }, account));
}

async function logout() {
  try {
    await api('POST', '/api/auth/logout');
  } catch (err) {
    console.warn('logout:', describe(err));
  }
  session.clear();
  navigate('/login');
}

async function render() {
  leave.forEach((f) => f());
  leave = [];
  const { path, params } = parseHash();
  const s = session.get();
  renderNav(path);
  document.body.classList.remove('menu-open');
  menu.setAttribute('aria-expanded', 'false');
  if (path === '/') return navigate('/projects');
  const m = match(path);
  if (!m) {
    main.replaceChildren(h('h1', { tabindex: '-1' }, 'Page not found'), h('p', null, h('a', { href: '#/projects' }, 'Go to the projects')));
  } else if (!allowed(m.who, s)) {
    if (m.who === 'guest') return navigate('/projects');
    if (!s) return navigate(`/login?next=${encodeURIComponent(path)}`);
    main.replaceChildren(h('h1', { tabindex: '-1' }, 'Not allowed'), h('p', null, 'This page is for operators (admin accounts).'));
  } else {
    let alive = true;
    leave.push(() => (alive = false));
    main.replaceChildren();
    const ctx = { args: m.args, params, main, session: s, navigate, alive: () => alive, onLeave: (f) => leave.push(f) };
    document.title = 'petrade';
    try {
      await m.page(ctx);
    } catch (err) {
      main.append(h('p', { class: 'status', 'data-state': 'error', role: 'alert' }, describe(err)));
    }
  }
  const title = main.querySelector('h1');
  if (title) document.title = `${title.textContent} · petrade`;
  if (document.activeElement === document.body || !main.contains(document.activeElement)) title?.focus({ preventScroll: true });
}

menu.addEventListener('click', () => {
  const open = document.body.classList.toggle('menu-open');
  menu.setAttribute('aria-expanded', String(open));
});
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || !document.body.classList.contains('menu-open')) return;
  document.body.classList.remove('menu-open');
  menu.setAttribute('aria-expanded', 'false');
  menu.focus();
});

document.getElementById('root').append(
  h('a', { class: 'skip', href: '#main', onClick: (e) => { e.preventDefault(); main.focus(); } }, 'Skip to content'),
  h('header', { class: 'topbar' }, h('div', { class: 'bar' }, h('a', { class: 'brand', href: '#/projects' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, 'P'), 'petrade'), menu, nav)),
  main,
  h('footer', { class: 'footer' }, 'petrade · private equity settled on a private Ethereum network'),
);

session.onChange((s) => {
  const { path } = parseHash();
  renderNav(path);
  // Signed out (logout, or the server no longer knows the session): leave pages that need one.
  const m = match(path);
  if (!s && m && (m.who === 'user' || m.who === 'admin')) navigate(`/login?next=${encodeURIComponent(path)}`);
});
window.addEventListener('hashchange', render);
render();
