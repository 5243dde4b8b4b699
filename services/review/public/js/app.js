// Officer review app: session bootstrap, hash routing, navigation by role, global shortcuts.
// Views are modules with mount(main, ctx) → { onKey?(key) → handled, unmount?() }.
import { ApiError, api, setCsrf } from './api.js';
import { clear, h, stateView } from './dom.js';

const routes = {
  login: () => import('./login.js'),
  queue: () => import('./queue.js'),
  case: () => import('./case.js'),
  dashboard: () => import('./dashboard.js'),
  admin: () => import('./admin.js'),
  share: () => import('./share.js'),
  shares: () => import('./shares.js'),
};

const main = document.getElementById('main');
const ctx = {
  session: null,
  /** The last queue page shown (ids in order), so the case view can step through it with j/k. */
  queue: { ids: [], hash: '#/queue' },
  can: (p) => ctx.session?.permissions?.includes(p) ?? false,
  /** Partner sharing runs for my agency here (liaison flow, outcomes of received cases). */
  sharing: () => ctx.session?.sharing === true,
  navigate: (hash) => {
    if (location.hash === hash) render();
    else location.hash = hash;
  },
  setSession,
  signOut,
  openDisposition: null,
};
let current = null;
let renderSeq = 0;

function landing() {
  if (!ctx.session) return '#/login';
  if (ctx.can('queue.read')) return '#/queue';
  if (ctx.can('dashboard.read')) return '#/dashboard';
  if (ctx.can('users.admin')) return '#/admin';
  return '#/login';
}

function setSession(session) {
  ctx.session = session?.authenticated ? session : null;
  setCsrf(session?.csrfToken);
  renderChrome();
}

async function signOut() {
  try {
    await api('/api/logout', { method: 'POST' });
  } catch {
    // Signed out locally either way.
  }
  const anon = await api('/api/session').catch(() => null);
  setSession(anon);
  ctx.navigate('#/login');
}

function renderChrome() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('whoami');
  const s = ctx.session;
  const route = location.hash.split(/[/?]/)[1] || '';
  const link = (hash, label, name) =>
    h(
      'a',
      {
        href: hash,
        'aria-current':
          route === name || (name === 'queue' && route === 'case') || (name === 'shares' && route === 'share')
            ? 'page'
            : null,
      },
      label,
    );
  clear(
    nav,
    s && ctx.can('queue.read') ? link('#/queue', 'Queue', 'queue') : null,
    s && ctx.can('sharing') && ctx.sharing() ? link('#/shares', 'Shared cases', 'shares') : null,
    s && ctx.can('dashboard.read') ? link('#/dashboard', 'Dashboard', 'dashboard') : null,
    s && ctx.can('users.admin') ? link('#/admin', 'Users', 'admin') : null,
  );
  clear(
    who,
    s
      ? [
          h('span', { title: s.user.username }, s.user.displayName),
          h('span.agency', { title: `agency ${s.user.agency}, role ${s.user.role}` }, s.user.agency),
          h('span.muted', {}, s.user.role.replace('_', ' ')),
          h('button', { type: 'button', onclick: signOut }, 'Sign out'),
        ]
      : [],
  );
}

async function render() {
  const seq = ++renderSeq;
  const [, name = '', ...rest] = location.hash.split('/');
  const routeName = name.split('?')[0];
  if (!ctx.session && routeName !== 'login') return ctx.navigate('#/login');
  if (ctx.session && (routeName === '' || routeName === 'login' || !routes[routeName]))
    return ctx.navigate(landing());
  renderChrome();
  current?.unmount?.();
  current = null;
  main.setAttribute('aria-busy', 'true');
  clear(main, h('p.state.loading', {}, 'Loading…'));
  try {
    const view = await routes[routeName]();
    if (seq !== renderSeq) return;
    const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
    current = await view.mount(main, ctx, {
      id: decodeURIComponent(rest.join('/').split('?')[0] ?? ''),
      params,
    });
  } catch (err) {
    if (seq !== renderSeq) return;
    if (err instanceof ApiError && err.status === 401) {
      setSession(await api('/api/session').catch(() => null));
      return ctx.navigate('#/login');
    }
    clear(
      main,
      stateView('error', 'Something went wrong', err.message, h('button.btn', { onclick: render }, 'Retry')),
    );
  } finally {
    if (seq === renderSeq) main.setAttribute('aria-busy', 'false');
  }
}

// Global shortcuts; views handle the rest through onKey.
let pendingG = false;
document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  const typing = t instanceof HTMLElement && (t.matches('input, textarea, select') || t.isContentEditable);
  if (document.querySelector('dialog[open]')) return; // dialogs handle their own keys (Esc closes)
  if (typing) {
    if (e.key === 'Escape') t.blur();
    return;
  }
  if (!ctx.session) return;
  if (pendingG) {
    pendingG = false;
    if (e.key === 'q' && ctx.can('queue.read')) return ctx.navigate(ctx.queue.hash);
    if (e.key === 'd' && ctx.can('dashboard.read')) return ctx.navigate('#/dashboard');
    if (e.key === 's' && ctx.can('sharing') && ctx.sharing()) return ctx.navigate('#/shares');
    return;
  }
  if (e.key === '?') {
    e.preventDefault();
    document.getElementById('help').showModal();
    return;
  }
  if (e.key === 'g') {
    pendingG = true;
    setTimeout(() => (pendingG = false), 1200);
    return;
  }
  if (current?.onKey?.(e.key, e)) e.preventDefault();
});

window.addEventListener('hashchange', render);

(async function start() {
  try {
    setSession(await api('/api/session'));
  } catch (err) {
    clear(
      main,
      stateView(
        'error',
        'The review server cannot be reached',
        err.message,
        h('button.btn', { onclick: () => location.reload() }, 'Retry'),
      ),
    );
    main.setAttribute('aria-busy', 'false');
    return;
  }
  render();
})();
