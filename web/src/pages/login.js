// Log in: username and password, then back to where the user was going.
import { h, field, bindForm, pageHeader } from '../dom.js';
import { api, session } from '../api.js';

export default function login({ main, params, navigate }) {
  const username = h('input', { type: 'text', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true });
  const password = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'login-title' },
    field('login-username', 'Username', username),
    field('login-password', 'Password', password),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'login-submit' }, 'Log in')));
  bindForm(form, {
    name: 'login',
    pending: 'Signing in…',
    validate: () => {
      const e = {};
      if (!username.value.trim()) e['login-username'] = 'Enter your username.';
      if (!password.value) e['login-password'] = 'Enter your password.';
      return e;
    },
    submit: async () => {
      const s = await api('POST', '/api/auth/login', { body: { username: username.value.trim(), password: password.value } });
      session.set({ token: s.token, username: s.username, role: s.role, expires_at: s.expires_at });
      navigate(params.get('next') || (s.role === 'admin' ? '/admin' : '/projects'));
      return `Signed in as ${s.username}.`;
    },
  });
  const head = pageHeader('Log in');
  head.querySelector('h1').id = 'login-title';
  main.append(head, form, h('p', { class: 'center muted' }, 'New here? ', h('a', { href: '#/signup' }, 'Create an account')));
  username.focus();
}
