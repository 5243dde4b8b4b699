// User administration for an agency's administrator: list accounts, create, change role, disable,
// reset a password.
import { api } from './api.js';
import { clear, fmtTime, h, toast } from './dom.js';

const ROLES = ['officer', 'supervisor', 'liaison', 'data_scientist', 'admin'];

export async function mount(main, ctx) {
  const agency = ctx.session.user.agency;
  const list = h('tbody');
  const error = h('p.error', { role: 'alert' });
  const form = h(
    'form.card',
    {
      id: 'user-form',
      onsubmit: async (e) => {
        e.preventDefault();
        error.textContent = '';
        const data = new FormData(form);
        const body = {
          username: String(data.get('username')).trim().toLowerCase(),
          displayName: String(data.get('displayName')).trim(),
          role: data.get('role'),
          agency,
          disabled: data.get('disabled') === 'on',
        };
        if (data.get('password')) body.password = String(data.get('password'));
        try {
          await api('/api/users', { method: 'POST', body });
          toast(`Saved ${body.username}`);
          form.reset();
          await load();
        } catch (err) {
          error.textContent = err.message;
        }
      },
    },
    h('h2', {}, `Create or change a ${agency} account`),
    h(
      'div.row',
      {},
      h(
        'label',
        {},
        'User name',
        h('input', { name: 'username', required: true, pattern: '[a-z0-9][a-z0-9._-]{1,62}' }),
      ),
      h('label', {}, 'Display name', h('input', { name: 'displayName', required: true })),
    ),
    h(
      'div.row',
      {},
      h(
        'label',
        {},
        'Role',
        h(
          'select',
          { name: 'role' },
          ROLES.map((r) => h('option', { value: r }, r)),
        ),
      ),
      h(
        'label',
        {},
        'Password (12+ characters; empty keeps the current one)',
        h('input', { name: 'password', type: 'password', minlength: 12, autocomplete: 'new-password' }),
      ),
    ),
    h(
      'div.checks',
      {},
      h('label', {}, h('input', { type: 'checkbox', name: 'disabled' }), 'Disabled (signs the user out)'),
    ),
    error,
    h('div.row.end', {}, h('button.btn.primary', { type: 'submit' }, 'Save account')),
  );
  const fill = (u) => {
    form.elements.username.value = u.username;
    form.elements.displayName.value = u.displayName;
    form.elements.role.value = u.role;
    form.elements.disabled.checked = u.disabled;
    form.elements.password.value = '';
    form.elements.displayName.focus();
  };
  async function load() {
    const { users } = await api('/api/users');
    clear(
      list,
      users.map((u) =>
        h(
          'tr',
          {},
          h('td.mono', {}, u.username),
          h('td', {}, u.displayName),
          h('td', {}, u.role),
          h('td', {}, u.disabled ? 'disabled' : 'active'),
          h('td', {}, `${fmtTime(u.updatedAt)} by ${u.updatedBy}`),
          h('td', {}, h('button.btn', { type: 'button', onclick: () => fill(u) }, 'Edit')),
        ),
      ),
    );
  }
  clear(
    main,
    h('div.case-head', {}, h('h1', {}, `Users · ${agency}`)),
    h(
      'div.grid2',
      {},
      h(
        'section.card',
        {},
        h('h2', {}, 'Accounts'),
        h(
          'table.plain',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['User', 'Name', 'Role', 'State', 'Changed', ''].map((c) => h('th', {}, c)),
            ),
          ),
          list,
        ),
      ),
      form,
    ),
  );
  await load();
  return {};
}
