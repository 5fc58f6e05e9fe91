// Sign up: a new user account (the platform makes its key and enrols it on
// chain), then signs in at once.
import { h, field, bindForm, pageHeader } from '../dom.js';
import { api, session, waitTask } from '../api.js';
import { usernameProblem, passwordProblem } from '../validate.js';

export default function signup({ main, navigate }) {
  const username = h('input', { type: 'text', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true });
  const password = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const confirm = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const form = h('form', { class: 'card narrow', 'aria-label': 'Sign up' },
    field('signup-username', 'Username', username, '3–32 characters: a-z, 0-9, _ . -, starting with a letter.'),
    field('signup-password', 'Password', password, 'At least 8 characters.'),
    field('signup-confirm', 'Repeat the password', confirm),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'signup-submit' }, 'Create account')));
  bindForm(form, {
    name: 'signup',
    pending: 'Creating your account and its key…',
    validate: () => {
      const e = {};
      const u = usernameProblem(username.value.trim());
      if (u) e['signup-username'] = u;
      const p = passwordProblem(password.value);
      if (p) e['signup-password'] = p;
      else if (confirm.value !== password.value) e['signup-confirm'] = 'The passwords do not match.';
      return e;
    },
    submit: async (progress) => {
      const body = { username: username.value.trim(), password: password.value };
      const made = await api('POST', '/api/auth/register', { body });
      progress('Account created; signing in…');
      const s = await api('POST', '/api/auth/login', { body });
      session.set({ token: s.token, username: s.username, role: s.role, expires_at: s.expires_at });
      // Top-ups are refused until the account is whitelisted on chain.
      for (const t of made?.enrollment?.tasks ?? []) await waitTask(t.task, progress);
      navigate('/wallet');
      return made?.enrollment_error ? `Account created, but enrolment failed: ${made.enrollment_error.message}` : 'Account created.';
    },
  });
  main.append(pageHeader('Create an account'), form,
    h('p', { class: 'center muted' }, 'Already have an account? ', h('a', { href: '#/login' }, 'Log in')));
  username.focus();
}
