// Sign-in form (local accounts). An OIDC authenticator would show a single "Sign in" button here.
import { ApiError, api } from './api.js';
import { clear, h } from './dom.js';

export function mount(main, ctx) {
  const error = h('p.error', { role: 'alert', id: 'login-error' });
  const username = h('input', {
    name: 'username',
    id: 'username',
    autocomplete: 'username',
    required: true,
    autofocus: true,
  });
  const password = h('input', {
    name: 'password',
    id: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button.btn.primary', { type: 'submit', id: 'login-submit' }, 'Sign in');
  const form = h(
    'form.card.login',
    {
      onsubmit: async (e) => {
        e.preventDefault();
        error.textContent = '';
        submit.disabled = true;
        try {
          const session = await api('/api/login', {
            method: 'POST',
            body: { username: username.value, password: password.value },
          });
          ctx.setSession(session);
          ctx.navigate('#/');
        } catch (err) {
          error.textContent =
            err instanceof ApiError && err.code === 'LOGIN_FAILED'
              ? 'User name or password not recognised.'
              : err.message;
          password.value = '';
          password.focus();
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h1', {}, 'Sign in'),
    h('p.muted', {}, 'Officer review · CBSA and CBIC'),
    h('label', { for: 'username' }, 'User name', username),
    h('label', { for: 'password' }, 'Password', password),
    error,
    h('div.row.end', {}, submit),
  );
  clear(main, form);
  username.focus();
  return {};
}
