// The triage queue: filters, search, keyset pages, keyboard triage, and new cases arriving by poll
// (on the first page they slide in, keeping the selection; on later pages a banner offers them).
import { ApiError, api } from './api.js';
import { dispositionLabel, KEY_TO_DISPOSITION, openDisposition } from './dispose.js';
import { clear, fmtInt, fmtScore, fmtTime, h, lane, stateView, toast } from './dom.js';

const FILTER_KEYS = [
  'lane',
  'port',
  'country',
  'substance',
  'from',
  'to',
  'documentType',
  'assignee',
  'state',
  'q',
];
const STATES = [
  ['', 'Any state'],
  ['open', 'Open (no disposition)'],
  ['closed', 'Any disposition'],
  ['RELEASED', 'Released'],
  ['DOCUMENT_CHECK_PASSED', 'Document check passed'],
  ['EXAMINED_NOTHING_FOUND', 'Examined, nothing found'],
  ['SEIZED', 'Seized'],
  ['REFERRED', 'Referred'],
];

/** A party name, or a partner's pseudonym for a person (`psn:name:<hex>`) shown as such. */
function partyName(name) {
  if (!/^psn:[a-z]+:[0-9a-f]+$/.test(name ?? '')) return name;
  const [, kind, hex] = name.split(':');
  return h(
    'span.psn',
    { title: `${name}: pseudonymised by the partner` },
    `pseudonym ${kind} ${hex.slice(0, 8)}…`,
  );
}

function readFilters(params) {
  const f = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) f[k] = v;
  }
  return f;
}

function hashFor(filters) {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) if (filters[k]) p.set(k, filters[k]);
  const q = p.toString();
  return q ? `#/queue?${q}` : '#/queue';
}

export async function mount(main, ctx, { params }) {
  const filters = readFilters(params);
  ctx.queue.hash = hashFor(filters);
  const me = ctx.session.user.username;
  const canAct = ctx.can('case.disposition');
  const canAssign = ctx.can('case.assign.self');
  const canShare = ctx.can('sharing') && ctx.sharing();
  /** Cases chosen for sharing; kept on ctx so paging and the preview keep the choice. */
  ctx.shareSelection ??= new Map();
  const chosen = ctx.shareSelection;
  let cursors = [null];
  let page = null;
  /** Cases partners shared with my agency (first page only, above my own). */
  let received = [];
  /** What the table shows, in order: received cases, then this page of my own. */
  let rows = [];
  let selected = 0;
  let newest = 0;
  let pollTimer = null;
  let disposed = false;

  // ---- filters panel
  const input = (name, label, attrs = {}) =>
    h(
      'label',
      { for: `f-${name}` },
      label,
      h('input', { id: `f-${name}`, name, value: filters[name] ?? '', ...attrs }),
    );
  const lanes = (filters.lane ?? '').split(',');
  const assigneeSelect = h(
    'select',
    { id: 'f-assignee', name: 'assignee' },
    [
      ['', 'Anyone'],
      ['me', 'Me'],
      ['unassigned', 'Unassigned'],
    ].map(([v, l]) => h('option', { value: v, selected: (filters.assignee ?? '') === v }, l)),
  );
  if (filters.assignee && !['me', 'unassigned'].includes(filters.assignee)) {
    assigneeSelect.append(h('option', { value: filters.assignee, selected: true }, filters.assignee));
  }
  if (ctx.can('case.assign.others')) {
    api('/api/assignees')
      .then(({ assignees }) => {
        for (const a of assignees) {
          if (a.username === filters.assignee) continue;
          assigneeSelect.append(h('option', { value: a.username }, a.displayName));
        }
      })
      .catch(() => {});
  }
  const form = h(
    'form.card.filters',
    {
      'aria-label': 'Filters',
      onsubmit: (e) => {
        e.preventDefault();
        const data = new FormData(form);
        const next = { q: filters.q };
        const laneValues = data.getAll('lane');
        if (laneValues.length === 1) next.lane = laneValues[0];
        for (const k of ['port', 'country', 'substance', 'from', 'to', 'documentType', 'assignee', 'state']) {
          const v = String(data.get(k) ?? '').trim();
          if (v) next[k] = ['port', 'country'].includes(k) ? v.toUpperCase().replace(/\s+/g, '') : v;
        }
        ctx.navigate(hashFor(next));
      },
    },
    h('h2', {}, 'Filters', h('a', { href: filters.q ? hashFor({ q: filters.q }) : '#/queue' }, 'Clear')),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Lane'),
      h(
        'div.checks',
        {},
        ['RED', 'YELLOW'].map((l) =>
          h(
            'label',
            {},
            h('input', {
              type: 'checkbox',
              name: 'lane',
              value: l,
              checked: !filters.lane || lanes.includes(l),
            }),
            l,
          ),
        ),
      ),
    ),
    input('port', 'Ports (UN/LOCODE, comma-separated)', { placeholder: 'CAYVR, CAYYZ' }),
    input('country', 'Origin or destination country', { placeholder: 'CN, IN' }),
    input('substance', 'Substance (name or CAS)', { placeholder: 'piperidone' }),
    input('from', 'Filed from', { type: 'date' }),
    input('to', 'Filed to', { type: 'date' }),
    h(
      'label',
      { for: 'f-documentType' },
      'Document',
      h(
        'select',
        { id: 'f-documentType', name: 'documentType' },
        [
          ['', 'Both'],
          ['MANIFEST', 'Manifest'],
          ['DECLARATION', 'Declaration'],
        ].map(([v, l]) => h('option', { value: v, selected: (filters.documentType ?? '') === v }, l)),
      ),
    ),
    h('label', { for: 'f-assignee' }, 'Assignee', assigneeSelect),
    h(
      'label',
      { for: 'f-state' },
      'State',
      h(
        'select',
        { id: 'f-state', name: 'state' },
        STATES.map(([v, l]) => h('option', { value: v, selected: (filters.state ?? '') === v }, l)),
      ),
    ),
    h('button.btn.primary', { type: 'submit' }, 'Apply filters'),
  );

  // ---- toolbar, table, pager
  const search = h('input', {
    id: 'search',
    type: 'search',
    placeholder: 'Search consignment id or party name  ( / )',
    'aria-label': 'Search by consignment id or party name',
    value: filters.q ?? '',
    maxlength: 100,
  });
  const count = h('span.count', { 'aria-live': 'polite' });
  const shareButton = canShare
    ? h(
        'button.btn.primary',
        {
          type: 'button',
          id: 'share-selected',
          title: 'Preview exactly what would leave, then share (x selects the current case)',
          onclick: () => previewShare(),
        },
        'Share selected',
      )
    : null;
  const syncShareButton = () => {
    if (!shareButton) return;
    shareButton.disabled = chosen.size === 0;
    shareButton.textContent = `Share selected (${chosen.size})`;
  };
  syncShareButton();
  function previewShare() {
    if (chosen.size === 0) return toast('Select cases to share first (x or the checkboxes).', true);
    ctx.navigate(`#/share?ids=${encodeURIComponent([...chosen.keys()].join(','))}`);
  }
  const banner = h('div', { id: 'queue-banner' });
  const body = h('tbody');
  const table = h(
    'table.cases',
    { id: 'queue-table', 'aria-label': 'Flagged cases' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        canShare ? h('th', { scope: 'col' }, h('span.sr', {}, 'Select for sharing')) : null,
        ['Risk', 'Consignment', 'Route', 'Parties', 'Why flagged', 'Filed', 'Case'].map((c) =>
          h('th', { scope: 'col' }, c),
        ),
      ),
    ),
    body,
  );
  const prev = h('button.btn', { type: 'button', onclick: () => go(-1) }, '← Previous');
  const next = h('button.btn', { type: 'button', onclick: () => go(1) }, 'Next →');
  const pageInfo = h('span.muted');
  const results = h('div', { id: 'queue-results' });
  clear(
    main,
    h(
      'div.queue',
      {},
      form,
      h(
        'section',
        { 'aria-label': 'Queue' },
        h(
          'form.toolbar',
          {
            role: 'search',
            onsubmit: (e) => {
              e.preventDefault();
              ctx.navigate(hashFor({ ...filters, q: search.value.trim() || undefined }));
            },
          },
          h('div.search', {}, search),
          count,
          shareButton,
          h(
            'button.btn',
            {
              type: 'button',
              title: 'Keyboard shortcuts',
              onclick: () => document.getElementById('help').showModal(),
            },
            '?',
          ),
        ),
        banner,
        results,
        h('div.pager', {}, prev, pageInfo, next),
      ),
    ),
  );

  // A case is a consignment: its documents (manifest, declaration, amendments) in filing order, each
  // with its lane and state; the row itself opens the lead (highest-risk) document.
  function documentsOf(item) {
    const docs = item.documents ?? [];
    if (docs.length < 2) return null;
    const seen = {};
    return h(
      'ol.docs',
      { 'aria-label': `Documents of ${item.consignmentId}` },
      docs.map((d) => {
        const kind = d.documentType.toLowerCase();
        seen[d.documentType] = (seen[d.documentType] ?? 0) + 1;
        const version =
          docs.filter((x) => x.documentType === d.documentType).length > 1 ? ` v${seen[d.documentType]}` : '';
        return h(
          'li.doc',
          { dataset: { doc: d.messageId } },
          h('a', { href: `#/case/${encodeURIComponent(d.messageId)}` }, `${kind}${version}`),
          ' ',
          lane(d.lane),
          ' ',
          d.disposition
            ? h(`span.chip.state.${d.disposition}`, {}, dispositionLabel(d.disposition))
            : h('span.muted', {}, 'open'),
        );
      }),
    );
  }

  function rowFor(item, i, fresh) {
    const reasons = [
      item.screening === 'UNSCREENED'
        ? h(
            'span.chip.watch',
            { title: 'could not be read: see the case, bytes in the dead-letter topic' },
            'UNSCREENED',
          )
        : item.screening === 'PARTIAL'
          ? h(
              'span.chip.state',
              { title: 'scored on what was readable; the report breaks a limit or a field' },
              'PARTIAL',
            )
          : null,
      item.watchlistHit ? h('span.chip.watch', { title: 'a party matches a watchlist' }, 'WATCHLIST') : null,
      item.substances.map((s) => h('span.chip.substance', {}, s)),
      item.ruleIds
        .filter((r) => !r.startsWith('watchlist'))
        .slice(0, 2)
        .map((r) => h('span.chip', {}, r)),
    ];
    const stateChip = item.received
      ? item.outcome
        ? h(
            'span.chip.state',
            { title: 'outcome reported to the partner' },
            `Outcome: ${dispositionLabel(item.outcome)}`,
          )
        : h('span.muted', {}, 'no outcome yet')
      : item.disposition
        ? h(`span.chip.state.${item.disposition}`, {}, dispositionLabel(item.disposition))
        : h('span.muted', {}, 'open');
    const checkbox =
      canShare && !item.received
        ? h('input', {
            type: 'checkbox',
            class: 'pick',
            checked: chosen.has(item.messageId),
            'aria-label': `Select ${item.consignmentId} for sharing`,
            onchange: (e) => toggle(item, e.target.checked),
          })
        : null;
    return h(
      `tr${fresh ? '.fresh' : ''}${item.received ? '.received' : ''}`,
      {
        dataset: { id: item.messageId },
        'aria-selected': i === selected ? 'true' : 'false',
        onclick: (e) => {
          if (e.target instanceof HTMLAnchorElement || e.target instanceof HTMLInputElement) return;
          select(i);
          open();
        },
      },
      canShare
        ? h(
            'td.pick',
            {},
            checkbox ??
              h(
                'span.muted',
                { title: 'a received case is not passed on (onward sharing needs consent)' },
                '–',
              ),
          )
        : null,
      h(
        'td',
        {},
        h('div.score', {}, item.riskScore === null ? '–' : fmtScore(item.riskScore)),
        item.lane ? lane(item.lane) : null,
      ),
      h(
        'td.consignment',
        {},
        h('a', { href: `#/case/${encodeURIComponent(item.messageId)}` }, item.consignmentId || item.caseId),
        item.received
          ? h(
              'div',
              {},
              h(
                'span.chip.shared',
                { title: `${item.fromAgency} shared this case with your agency; read-only` },
                `Shared by ${item.fromAgency}`,
              ),
              ` TLP:${item.tlp}`,
            )
          : null,
        h(
          'div.sub',
          {},
          [item.documentType.toLowerCase(), item.mode, item.reportingCountry].filter(Boolean).join(' · '),
        ),
        documentsOf(item),
      ),
      h(
        'td',
        {},
        `${item.portOfLoading} → ${item.portOfDischarge}`,
        h('div.sub', {}, `${item.originCountry} → ${item.destinationCountry}`),
      ),
      h('td', {}, partyName(item.shipperName), h('div.sub', {}, partyName(item.consigneeName))),
      h('td', {}, reasons),
      h(
        'td.nowrap',
        { title: fmtTime(item.filedAt) },
        String(item.filedAt).slice(0, 10),
        h('div.sub', {}, `${String(item.filedAt).slice(11, 16)} UTC`),
      ),
      h(
        'td',
        {},
        h(
          'div',
          {},
          item.received
            ? h('span.muted', { title: 'a partner’s case: report the outcome in the case view' }, 'read-only')
            : item.assignee
              ? item.assignee === me
                ? 'me'
                : item.assignee
              : h('span.muted', {}, 'unassigned'),
        ),
        stateChip,
      ),
    );
  }

  function renderRows(freshIds = new Set()) {
    if (!page) return;
    rows = [...(cursors.length === 1 ? received : []), ...page.items];
    ctx.queue.ids = rows.map((i) => i.messageId);
    const from = (cursors.length - 1) * (page.items.length ? 50 : 0);
    count.textContent = `${fmtInt(page.total)} flagged case${page.total === 1 ? '' : 's'}${
      received.length ? ` · ${fmtInt(received.length)} shared with you` : ''
    }`;
    if (rows.length === 0) {
      const filtered = Object.keys(filters).length > 0;
      clear(
        results,
        stateView(
          'empty',
          filtered ? 'No flagged cases match these filters' : 'No flagged cases',
          filtered ? 'Widen the filters or clear them.' : 'New flagged cases appear here as they are scored.',
          filtered ? h('a.btn', { href: '#/queue' }, 'Clear filters') : null,
        ),
      );
    } else {
      clear(
        body,
        rows.map((item, i) => rowFor(item, i, freshIds.has(item.messageId))),
      );
      if (!results.contains(table)) clear(results, table);
    }
    prev.disabled = cursors.length <= 1;
    next.disabled = !page.nextCursor;
    pageInfo.textContent = page.items.length
      ? `${fmtInt(from + 1)}–${fmtInt(from + page.items.length)} of ${fmtInt(page.total)}`
      : '';
  }

  async function load({ keepSelection = false, markFresh = false } = {}) {
    const before = new Set(page?.items.map((i) => i.messageId) ?? []);
    const selectedId = rows[selected]?.messageId;
    if (!page) clear(results, h('p.state.loading', {}, 'Loading cases…'));
    try {
      const [p, r] = await Promise.all([
        api('/api/queue', {
          query: { ...filters, cursor: cursors[cursors.length - 1] ?? undefined, limit: 50 },
        }),
        cursors.length === 1 ? api('/api/received', { query: filters }).catch(() => null) : null,
      ]);
      page = p;
      if (r) {
        received = r.items.map((x) => ({
          ...x,
          received: true,
          watchlistHit: false,
          assignee: '',
          disposition: '',
        }));
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) throw err;
      clear(
        results,
        stateView(
          'error',
          'The queue could not be loaded',
          err.message,
          h('button.btn', { onclick: () => load() }, 'Retry'),
        ),
      );
      return;
    }
    if (disposed) return;
    newest = Math.max(newest, page.newestScoredAtMs);
    selected = 0;
    if (keepSelection && selectedId) {
      const i = [...(cursors.length === 1 ? received : []), ...page.items].findIndex(
        (x) => x.messageId === selectedId,
      );
      if (i >= 0) selected = i;
    }
    const fresh = markFresh
      ? new Set(page.items.map((i) => i.messageId).filter((id) => !before.has(id)))
      : new Set();
    renderRows(fresh);
    clear(banner);
  }

  async function go(step) {
    if (step > 0 && page?.nextCursor) cursors.push(page.nextCursor);
    else if (step < 0 && cursors.length > 1) cursors.pop();
    else return;
    page = null;
    await load();
    window.scrollTo(0, 0);
  }

  async function poll() {
    if (disposed || document.hidden) return schedule();
    try {
      const { count: n } = await api('/api/queue/new', { query: { ...filters, since: newest } });
      if (n > 0) {
        if (cursors.length === 1) {
          await load({ keepSelection: true, markFresh: true });
          toast(`${n} new flagged case${n === 1 ? '' : 's'}`);
        } else {
          clear(
            banner,
            h(
              'div.banner.info',
              {},
              `${n} new flagged case${n === 1 ? '' : 's'} since this page was loaded.`,
              h('button.btn', { type: 'button', onclick: showNew }, 'Show them (n)'),
            ),
          );
        }
      }
    } catch {
      // A missed poll is retried at the next tick; the page stays usable.
    }
    schedule();
  }
  const schedule = () => {
    if (!disposed) pollTimer = setTimeout(poll, ctx.session.pollIntervalMs ?? 10000);
  };
  function showNew() {
    cursors = [null];
    page = null;
    load({ markFresh: true });
  }

  function select(i) {
    if (!page || rows.length === 0) return;
    selected = Math.max(0, Math.min(rows.length - 1, i));
    for (const [j, tr] of [...body.children].entries())
      tr.setAttribute('aria-selected', j === selected ? 'true' : 'false');
    body.children[selected]?.scrollIntoView({ block: 'nearest' });
  }
  const current = () => rows[selected];
  function toggle(item, on) {
    if (!canShare || !item || item.received) return;
    if (on) chosen.set(item.messageId, item.consignmentId);
    else chosen.delete(item.messageId);
    const box = body.querySelector(`tr[data-id="${CSS.escape(item.messageId)}"] input.pick`);
    if (box) box.checked = on;
    syncShareButton();
  }
  function open() {
    const item = current();
    if (item) ctx.navigate(`#/case/${encodeURIComponent(item.messageId)}`);
  }

  async function assignToMe() {
    const item = current();
    if (!item) return;
    if (item.received) return toast('A shared case is read-only: open it to report an outcome.', true);
    if (!canAssign) return toast('Your role does not assign cases.', true);
    try {
      await api(`/api/cases/${encodeURIComponent(item.messageId)}/assign`, { method: 'POST', body: {} });
      item.assignee = me;
      renderRows();
      toast(`${item.consignmentId} assigned to you`);
    } catch (err) {
      toast(err.message, true);
    }
  }

  async function dispose(disposition) {
    const item = current();
    if (!item) return;
    if (item.received) return toast('A shared case is read-only: open it to report an outcome.', true);
    if (!canAct) return toast('Your role does not record dispositions.', true);
    const result = await openDisposition({
      messageId: item.messageId,
      consignmentId: item.consignmentId,
      disposition,
    });
    if (result) {
      item.disposition = result.disposition;
      renderRows();
      toast(`${item.consignmentId}: ${dispositionLabel(result.disposition)}`);
    }
  }

  await load();
  schedule();

  return {
    onKey(key) {
      switch (key) {
        case 'j':
          select(selected + 1);
          return true;
        case 'k':
          select(selected - 1);
          return true;
        case 'o':
        case 'Enter':
          open();
          return true;
        case 'a':
          assignToMe();
          return true;
        case '/':
          search.focus();
          search.select();
          return true;
        case 'n':
          showNew();
          return true;
        case 'x': {
          const item = current();
          if (!canShare || !item) return false;
          if (item.received) {
            toast('A received case is not passed on.', true);
            return true;
          }
          toggle(item, !chosen.has(item.messageId));
          return true;
        }
        case 'S':
          if (!canShare) return false;
          previewShare();
          return true;
        default:
          if (KEY_TO_DISPOSITION[key]) {
            dispose(KEY_TO_DISPOSITION[key]);
            return true;
          }
          return false;
      }
    },
    unmount() {
      disposed = true;
      clearTimeout(pollTimer);
    },
  };
}
