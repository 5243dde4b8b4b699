// DOM helpers. Every piece of data becomes a text node (never innerHTML), so case data cannot
// inject markup; the only markup inserted is the server's SVG charts, parsed as SVG (see svg()).

/** h('tag.class', { attr: value, onclick: fn }, ...children) */
export function h(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Server-rendered SVG text → an <svg> element. Parsed as XML: scripts and handlers are dropped. */
export function svg(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.nodeName !== 'svg') return h('p.muted', {}, 'chart unavailable');
  for (const el of root.querySelectorAll('script, foreignObject')) el.remove();
  for (const el of [root, ...root.querySelectorAll('*')]) {
    for (const a of [...el.attributes])
      if (/^on/i.test(a.name) || /^style$/i.test(a.name)) el.removeAttribute(a.name);
  }
  return document.importNode(root, true);
}

export const fmtScore = (x) => (typeof x === 'number' ? x.toFixed(2) : '–');
export const fmtInt = (n) => Number(n).toLocaleString('en');
export const fmtPct = (x) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)} %`);
/** ClickHouse 'YYYY-MM-DD hh:mm:ss' (UTC) → 'YYYY-MM-DD hh:mm UTC'. */
export const fmtTime = (s) => (s ? `${String(s).slice(0, 16)} UTC` : '–');

export function lane(l) {
  return h(`span.lane.${l}`, { title: `lane ${l}` }, l);
}

export function toast(message, bad = false) {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.className = `toast show${bad ? ' bad' : ''}`;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (el.className = 'toast'), 3500);
}

export function stateView(kind, title, detail, ...actions) {
  return h(
    `div.state.${kind}`,
    { role: kind === 'error' ? 'alert' : 'status' },
    h('h2', {}, title),
    detail ? h('p', {}, detail) : null,
    ...actions,
  );
}
