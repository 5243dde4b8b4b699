// One case: why it was flagged (rules, watchlist, substances marked in the goods lines, model),
// the report, the consignment's other document with differences marked, actions and history.
import { ApiError, api } from './api.js';
import { dispositionLabel, KEY_TO_DISPOSITION, openDisposition } from './dispose.js';
import { clear, fmtScore, fmtTime, h, lane, stateView, svg, toast } from './dom.js';

const ACTION_LABELS = {
  'case.view': 'viewed the case',
  'case.view.denied': 'was refused access',
  'case.action.denied': 'was refused an action',
  'case.assign': 'assigned',
  'case.disposition': 'recorded',
  'case.share': 'shared the case',
  'case.share.revoke': 'revoked a share',
};

function section(title, ...children) {
  return h('section.card', { 'aria-label': title }, h('h2', {}, title), ...children);
}

const field = (label, value) => [
  h('dt', {}, label),
  h('dd', {}, value === null || value === undefined || value === '' ? '–' : value),
];
const obj = (v) => (v && typeof v === 'object' ? v : {});
function partyText(p) {
  const x = obj(p);
  if (!x.name) return '';
  const a = obj(x.address);
  const where = [a.street, a.city, a.postalCode, a.country].filter(Boolean).join(', ');
  return [x.name, where, x.phone ? `tel ${x.phone}` : '', x.email ?? ''].filter(Boolean).join(' · ');
}

function historyItem(e, count = 1) {
  let details = {};
  try {
    details = JSON.parse(e.details);
  } catch {
    details = {};
  }
  let what = ACTION_LABELS[e.action] ?? e.action;
  if (count > 1) what += ` ${count}×`;
  if (e.action === 'case.assign')
    what = details.assignee ? `assigned to ${details.assignee}` : 'unassigned the case';
  if (e.action === 'case.disposition') {
    what = `recorded ${dispositionLabel(details.disposition)}`;
    if (details.disposition === 'SEIZED') what += ` — ${details.quantity} ${details.unit}`;
  }
  const cls =
    e.action === 'case.disposition' && details.disposition === 'SEIZED'
      ? 'seize'
      : e.action.endsWith('denied')
        ? 'deny'
        : e.action === 'case.view'
          ? ''
          : 'act';
  return h(
    `li${cls ? `.${cls}` : ''}`,
    {},
    h('div', {}, h('b', {}, e.actor), ` (${e.agency}) `, what),
    details.notes ? h('div.sub', {}, `“${details.notes}”`) : null,
    h('div.when', {}, `${fmtTime(e.at)} · #${e.seq}`),
  );
}

/** Newest first; consecutive views by the same person collapse into one line ("viewed the case 3×"). */
function historyItems(entries) {
  const out = [];
  for (const e of entries) {
    const prev = out[out.length - 1];
    if (
      prev &&
      e.action === 'case.view' &&
      prev.entry.action === 'case.view' &&
      prev.entry.actor === e.actor
    ) {
      prev.count += 1;
      prev.entry = e;
    } else out.push({ entry: e, count: 1 });
  }
  return out.reverse().map(({ entry, count }) => historyItem(entry, count));
}

function goodsTable(goods) {
  return h(
    'table.plain',
    { id: 'goods' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['#', 'Description', 'HS', 'CAS', 'Quantity', 'Value', 'Matched'].map((c) =>
          h('th', { scope: 'col' }, c),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      goods.map((g) =>
        h(
          'tr',
          {},
          h('td', {}, g.lineNumber),
          h(
            'td',
            {},
            g.segments.map((s) => (s.mark ? h('mark', { title: s.mark }, s.text) : s.text)),
            h(
              'div.sub',
              {},
              [
                g.packages,
                g.grossWeightKg !== null ? `${g.grossWeightKg} kg gross` : '',
                g.originCountry ? `origin ${g.originCountry}` : '',
              ]
                .filter(Boolean)
                .join(' · '),
            ),
          ),
          h(
            'td.mono',
            {},
            g.hsCode
              ? g.hsMatched
                ? h('mark.hs', { title: 'matched by HS heading' }, g.hsCode)
                : g.hsCode
              : '–',
          ),
          h(
            'td.mono',
            {},
            g.casNumbers.length
              ? g.casNumbers.map((c) =>
                  c.matched ? h('mark.cas', { title: 'matched by CAS' }, c.cas) : c.cas,
                )
              : '–',
          ),
          h('td', {}, g.quantity || '–'),
          h('td', {}, g.declaredValue || '–'),
          h(
            'td',
            {},
            g.substances.length
              ? g.substances.map((s) =>
                  h(
                    'div',
                    {},
                    h('span.chip.substance', {}, s.name),
                    h('span.sub', {}, ` by ${s.matchedBy}${s.listing ? ` · ${s.listing}` : ''}`),
                  ),
                )
              : h('span.muted', {}, 'nothing'),
          ),
        ),
      ),
    ),
  );
}

/** Chemicals the goods lines name where the decision identified nothing: read when the case was opened. */
function otherStructures(view) {
  const list = view.otherStructures ?? [];
  if (list.length === 0) return '';
  return h(
    'div',
    { id: 'other-structures' },
    h('h3', {}, 'Other chemicals named in the goods lines'),
    h(
      'p.muted',
      {},
      'Read from the line by the name parser when this case was opened: what the line names, not part of the decision.',
    ),
    h(
      'ul.hits',
      {},
      list.map((st) =>
        h(
          'li',
          {},
          h('span.w', {}, `#${st.goodsLine}`),
          h(
            'div',
            {},
            h('b', {}, st.name),
            goodsLineText(view, st.goodsLine),
            h('div.sub.mono', { title: 'parent structure (canonical SMILES)' }, st.smiles),
            st.inchikey ? h('div.sub.mono', { title: 'InChIKey' }, st.inchikey) : '',
            st.drawing
              ? h(
                  'figure.molecule',
                  { title: 'the structure the name describes' },
                  svg(st.drawing),
                  h('figcaption.sub', {}, 'named structure (not identified as controlled)'),
                )
              : '',
          ),
        ),
      ),
    ),
  );
}

/** The goods line a substance was found in, as filed. */
function goodsLineText(view, lineNumber) {
  const g = (view.goods ?? []).find((x) => x.lineNumber === lineNumber);
  const text = (g?.segments ?? []).map((seg) => seg.text).join('');
  return text ? h('div.sub', {}, `goods line #${lineNumber}: ${text}`) : '';
}

function contributionBars(features) {
  if (!features.length) return h('p.muted', {}, 'The model reported no feature contributions.');
  const max = Math.max(...features.map((f) => Math.abs(f.contribution)), 0.0001);
  return h(
    'div.bars',
    { id: 'features' },
    features.slice(0, 8).map((f) => {
      const fill = h(`div.fill${f.contribution < 0 ? '.neg' : ''}`);
      fill.style.width = `${(Math.abs(f.contribution) / max) * 100}%`; // CSSOM, allowed by the CSP
      return h(
        'div.bar',
        { title: `${f.feature}: ${f.contribution}` },
        h('span.mono', {}, f.feature),
        h('div.track', {}, fill),
        h('span.v', {}, (f.contribution > 0 ? '+' : '') + f.contribution.toFixed(2)),
      );
    }),
  );
}

export async function mount(main, ctx, { id }) {
  let view;
  try {
    view = await api(`/api/cases/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) throw err;
    const back = h('a.btn', { href: ctx.queue.hash }, 'Back to the queue');
    if (err instanceof ApiError && err.status === 403) {
      clear(main, stateView('error', 'You do not have access to this case', err.message, back));
    } else if (err instanceof ApiError && err.status === 404) {
      clear(main, stateView('empty', 'No such case', 'It may have been mistyped or not scored yet.', back));
    } else {
      clear(main, stateView('error', 'The case could not be loaded', err.message, back));
    }
    return {
      onKey(k) {
        if (k !== 'u' && k !== 'Escape') return false;
        ctx.navigate(ctx.queue.hash);
        return true;
      },
    };
  }

  // A case a partner shared with us: only what they sent, read-only (received.js).
  if (view.access === 'received') return (await import('./received.js')).render(main, ctx, view);

  const me = ctx.session.user.username;
  const own = view.access === 'own';
  const canAct = own && ctx.can('case.disposition');
  const canAssign = own && ctx.can('case.assign.self');
  const report = obj(view.report);
  const c = obj(report.consignment);
  const route = obj(c.route);
  const parties = obj(c.parties);

  const stateLine = h('span', { id: 'case-state' });
  const renderState = () =>
    clear(
      stateLine,
      view.assignee ? `Assigned to ${view.assignee === me ? 'me' : view.assignee}` : 'Unassigned',
      ' · ',
      view.disposition
        ? h(`span.chip.state.${view.disposition}`, {}, dispositionLabel(view.disposition))
        : h('span.muted', {}, 'no disposition yet'),
    );
  renderState();

  async function refresh() {
    const fresh = await api(`/api/cases/${encodeURIComponent(view.messageId)}`);
    view = fresh;
    renderState();
    clear(historyList, historyItems(view.history));
  }

  async function assign(assignee) {
    if (!canAssign)
      return toast(own ? 'Your role does not assign cases.' : 'A shared case is read-only.', true);
    try {
      const r = await api(`/api/cases/${encodeURIComponent(view.messageId)}/assign`, {
        method: 'POST',
        body: assignee === undefined ? {} : { assignee },
      });
      toast(r.assignee ? `Assigned to ${r.assignee === me ? 'you' : r.assignee}` : 'Unassigned');
      await refresh();
    } catch (err) {
      toast(err.message, true);
    }
  }

  async function dispose(disposition) {
    if (!canAct)
      return toast(own ? 'Your role does not record dispositions.' : 'A shared case is read-only.', true);
    const r = await openDisposition({
      messageId: view.messageId,
      consignmentId: view.consignmentId,
      disposition,
    });
    if (r) {
      toast(`Recorded: ${dispositionLabel(r.disposition)}`);
      await refresh();
    }
  }

  const actionButton = (label, key, onclick, cls = '') =>
    h(`button.btn${cls}`, { type: 'button', onclick, 'data-key': key }, label, h('kbd', {}, key));
  let supervisorPick = null;
  if (own && ctx.can('case.assign.others')) {
    supervisorPick = h(
      'select',
      { 'aria-label': 'Assign to', id: 'assign-to' },
      h('option', { value: '' }, 'Assign to…'),
    );
    api('/api/assignees')
      .then(({ assignees }) =>
        supervisorPick.append(...assignees.map((a) => h('option', { value: a.username }, a.displayName))),
      )
      .catch(() => {});
    supervisorPick.addEventListener('change', () => supervisorPick.value && assign(supervisorPick.value));
  }
  const actions = h(
    'div.actions',
    { id: 'case-actions' },
    canAssign ? actionButton('Assign to me', 'a', () => assign()) : null,
    supervisorPick,
    canAct
      ? [
          actionButton('Seize', 's', () => dispose('SEIZED'), '.danger'),
          actionButton('Release', 'r', () => dispose('RELEASED')),
          actionButton('Examined, nothing', 'e', () => dispose('EXAMINED_NOTHING_FOUND')),
          actionButton('Docs OK', 'c', () => dispose('DOCUMENT_CHECK_PASSED')),
          actionButton('Refer', 'f', () => dispose('REFERRED')),
        ]
      : null,
  );

  const idx = ctx.queue.ids.indexOf(view.messageId);
  const step = (d) => {
    const target = ctx.queue.ids[idx + d];
    if (idx >= 0 && target) ctx.navigate(`#/case/${encodeURIComponent(target)}`);
    else toast(d > 0 ? 'Last case of this queue page' : 'First case of this queue page');
  };

  const historyList = h(
    'ol.timeline',
    { id: 'history', reversed: true },
    view.history.map(historyItem).reverse(),
  );
  const hitsList = h(
    'ul.hits',
    { id: 'rule-hits' },
    view.ruleHits.length
      ? view.ruleHits.map((r) =>
          h(
            'li',
            {},
            h('span.w', { title: 'rule weight' }, r.weight.toFixed(2)),
            h(
              'div',
              {},
              h('span.rule', {}, r.ruleId),
              r.goodsLine ? h('span.muted', {}, ` · line ${r.goodsLine}`) : null,
              h('div', {}, r.explanation),
            ),
          ),
        )
      : h('li', {}, h('span'), h('span.muted', {}, 'No rule fired; the model alone scored this case.')),
  );

  // A case is a consignment: all its documents in filing order, this one marked, each with its state.
  const docs = view.documents ?? [];
  const documentsSection =
    docs.length > 1
      ? section(
          `Consignment ${view.consignmentId}: ${docs.length} documents`,
          h(
            'ol.docs',
            { id: 'consignment-documents' },
            docs.map((d) =>
              h(
                'li.doc',
                { dataset: { doc: d.messageId } },
                d.messageId === view.messageId
                  ? h('b', {}, `${d.documentType.toLowerCase()} (this one)`)
                  : h(
                      'a',
                      { href: `#/case/${encodeURIComponent(d.messageId)}` },
                      d.documentType.toLowerCase(),
                    ),
                ' ',
                lane(d.lane),
                ` risk ${fmtScore(d.riskScore)} · filed ${fmtTime(d.filedAt)} `,
                d.disposition
                  ? h(`span.chip.state.${d.disposition}`, {}, dispositionLabel(d.disposition))
                  : h('span.muted', {}, 'open'),
              ),
            ),
          ),
        )
      : null;

  // An amendment: what changed since the version it replaced.
  const prev = view.previousVersion;
  const previousSection = prev
    ? section(
        `Changes since the previous ${prev.documentType.toLowerCase()}`,
        h(
          'p',
          {},
          h('a', { href: `#/case/${encodeURIComponent(prev.messageId)}` }, 'Open the previous version'),
          ' · ',
          lane(prev.lane),
          ` risk ${fmtScore(prev.riskScore)} · filed ${fmtTime(prev.filedAt)} · `,
          h('b', {}, `${prev.differences.length} of ${prev.compared} fields changed`),
        ),
        prev.differences.length
          ? h(
              'table.plain',
              { id: 'amendment-changes' },
              h('thead', {}, h('tr', {}, h('th', {}, 'Field'), h('th', {}, 'Now'), h('th', {}, 'Before'))),
              h(
                'tbody',
                {},
                prev.differences.map((d) =>
                  h(
                    'tr.differs',
                    {},
                    h('td', {}, d.field),
                    h('td', {}, d.here || '–'),
                    h('td', {}, d.there || '–'),
                  ),
                ),
              ),
            )
          : null,
      )
    : null;

  const other = view.otherDocument;
  const otherSection = other
    ? section(
        `Other document: ${other.documentType.toLowerCase()}`,
        h(
          'p',
          {},
          h(
            'a',
            { href: `#/case/${encodeURIComponent(other.messageId)}` },
            `Open the ${other.documentType.toLowerCase()}`,
          ),
          ' · ',
          lane(other.lane),
          ` risk ${fmtScore(other.riskScore)} · filed ${fmtTime(other.filedAt)} · `,
          h('b', {}, `${other.differences.length} of ${other.compared} fields differ`),
        ),
        other.differences.length
          ? h(
              'table.plain',
              { id: 'differences' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', {}, 'Field'),
                  h('th', {}, `This ${view.documentType.toLowerCase()}`),
                  h('th', {}, `The ${other.documentType.toLowerCase()}`),
                ),
              ),
              h(
                'tbody',
                {},
                other.differences.map((d) =>
                  h(
                    'tr.differs',
                    {},
                    h('td', {}, d.field),
                    h('td', {}, d.here || '–'),
                    h('td', {}, d.there || '–'),
                  ),
                ),
              ),
            )
          : h('p.muted', {}, 'The two documents agree on every compared field.'),
      )
    : section(
        'Other document',
        h(
          'p.muted',
          {},
          'No other document of this consignment has been received (or it is not visible to your agency).',
        ),
      );

  clear(
    main,
    h(
      'div.case-head',
      {},
      h('a', { href: ctx.queue.hash, title: 'Back to the queue (u)' }, '← Queue'),
      h(
        'h1',
        {},
        lane(view.lane),
        h('span', { id: 'case-title' }, view.consignmentId),
        h('span.muted', {}, view.documentType.toLowerCase()),
      ),
      h(
        'div.facts',
        {},
        h('span', {}, 'risk ', h('b.score', {}, fmtScore(view.riskScore))),
        h('span', {}, 'filed ', h('b', {}, fmtTime(view.filedAt))),
        view.access === 'shared'
          ? h('span.chip.watch', { title: 'shared by the partner agency; read-only' }, 'SHARED')
          : null,
        stateLine,
      ),
      actions,
    ),
    h(
      'div.case',
      {},
      h(
        'div',
        {},
        section('Why flagged', hitsList),
        view.watchlistHits.length
          ? h(
              'section.card.watchlist',
              { 'aria-label': 'Watchlist hits', id: 'watchlist' },
              h('h2', {}, `Watchlist hits (${view.watchlistHits.length})`),
              view.watchlistHits.map((w) => h('p', {}, h('b', {}, w.ruleId), ' — ', w.explanation)),
            )
          : null,
        section(
          'Goods lines',
          goodsTable(view.goods),
          h(
            'p.muted',
            {},
            'Marked text is what the matcher recognised; hover it for the substance and how it matched.',
          ),
        ),
        section(
          'Report',
          h(
            'dl.fields',
            {},
            field(
              'Source',
              `${obj(report.source).system ?? ''} (${obj(report.source).reportingCountry ?? ''})`,
            ),
            field('Message id', h('span.mono', {}, view.messageId)),
            field('Mode / carrier', [c.mode, obj(c.carrier).name].filter(Boolean).join(' · ')),
            field('Master bill', c.masterId),
            field(
              'Route',
              `${route.portOfLoading ?? ''} → ${(route.transshipmentPorts ?? []).map((p) => `${p} → `).join('')}${route.portOfDischarge ?? ''}`,
            ),
            field('Countries', `${route.originCountry ?? ''} → ${route.destinationCountry ?? ''}`),
            field('Dates', `departure ${c.departureDate ?? '–'} · arrival ${c.arrivalDate ?? '–'}`),
            field('Shipper', partyText(parties.shipper)),
            field('Consignee', partyText(parties.consignee)),
            field(
              'Notify / forwarder',
              [partyText(parties.notifyParty), partyText(parties.forwarder)].filter(Boolean).join(' | '),
            ),
            field('Declarant', partyText(parties.declarant)),
            field(
              'Payment',
              c.payment
                ? `${obj(c.payment).method}${obj(c.payment).payerIsThirdParty ? ', third-party payer' : ''}`
                : '',
            ),
            field(
              'Permits',
              (c.permits ?? []).map((p) => `${p.type} ${p.reference}`).join('; ') || 'none filed',
            ),
            field('Containers', (c.containers ?? []).join(', ')),
          ),
        ),
        documentsSection,
        previousSection,
        otherSection,
      ),
      h(
        'div',
        {},
        section(
          'Model',
          h(
            'div',
            {},
            h('span.big', {}, fmtScore(view.modelScore)),
            h('span.muted', {}, ` model score · combined ${fmtScore(view.riskScore)}`),
          ),
          h(
            'p.muted',
            {},
            `model ${view.modelVersion} · rules ${view.rulesVersion}${view.randomSelection ? ' · random selection' : ''}`,
          ),
          h('h3', {}, 'Top feature contributions'),
          contributionBars(view.topFeatures),
        ),
        section(
          'Substances',
          view.substances.length
            ? h(
                'ul.hits',
                {},
                view.substances.map((s) =>
                  h(
                    'li',
                    {},
                    h('span.w', {}, s.goodsLine ? `#${s.goodsLine}` : ''),
                    h(
                      'div',
                      {},
                      h('b', {}, s.name),
                      s.cas ? ` · CAS ${s.cas}` : '',
                      h(
                        'div.sub',
                        {},
                        `matched by ${s.matchedBy}${s.resolvedBy ? ` (${s.resolvedBy})` : ''}${s.listing ? ` · ${s.listing}` : ''}${s.controlled === false ? ' · not controlled here' : ''}`,
                      ),
                      goodsLineText(view, s.goodsLine),
                      s.smiles
                        ? h('div.sub.mono', { title: 'parent structure (canonical SMILES)' }, s.smiles)
                        : '',
                      s.inchikey ? h('div.sub.mono', { title: 'InChIKey' }, s.inchikey) : '',
                      s.drawing
                        ? h(
                            'figure.molecule',
                            {
                              title: s.family
                                ? `highlighted: the part matching the ${s.family} family (${s.smarts})`
                                : 'the identified structure',
                            },
                            svg(s.drawing),
                            h('figcaption.sub', {}, s.family ? `family ${s.family}` : 'identified structure'),
                          )
                        : '',
                    ),
                  ),
                ),
              )
            : h('p.muted', {}, 'No substance identified.'),
          otherStructures(view),
        ),
        section(
          'Dispositions',
          view.dispositions.length
            ? h(
                'ul.hits',
                { id: 'dispositions' },
                view.dispositions.map((d) =>
                  h(
                    'li',
                    {},
                    h('span'),
                    h(
                      'div',
                      {},
                      h('b', {}, dispositionLabel(d.disposition)),
                      d.disposition === 'SEIZED' ? ` — ${d.seizedQuantity} ${d.seizedUnit}` : '',
                      h('div.sub', {}, `${d.actor} (${d.agency}) · ${fmtTime(d.decidedAt)}`),
                      d.notes ? h('div.sub', {}, `“${d.notes}”`) : null,
                    ),
                  ),
                ),
              )
            : h('p.muted', {}, canAct ? 'None yet. Record one with s, r, e, c or f.' : 'None yet.'),
        ),
        section('History', historyList),
      ),
    ),
  );

  return {
    onKey(key) {
      switch (key) {
        case 'u':
        case 'Escape':
          ctx.navigate(ctx.queue.hash);
          return true;
        case 'j':
          step(1);
          return true;
        case 'k':
          step(-1);
          return true;
        case 'a':
          assign();
          return true;
        case '/':
          ctx.navigate(ctx.queue.hash);
          setTimeout(() => document.getElementById('search')?.focus(), 150);
          return true;
        default:
          if (!KEY_TO_DISPOSITION[key]) return false;
          dispose(KEY_TO_DISPOSITION[key]);
          return true;
      }
    },
  };
}
