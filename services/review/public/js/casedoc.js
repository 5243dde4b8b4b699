// A shared case document (docs/sharing.md "Field paths") rendered for people: what a partner sent, or
// exactly what would leave in a preview. Only fields present in the document are shown; pseudonyms
// (`psn:<kind>:<hex>`) are marked as such; the exact JSON is one click away.
import { fmtScore, h, lane } from './dom.js';

const PSN = /^psn:(name|id|phone|email):[0-9a-f]{32}$/;
const obj = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : null);
const has = (o, k) => o !== null && Object.hasOwn(o, k) && o[k] !== null && o[k] !== undefined;

export const TLP_HELP = {
  CLEAR: 'TLP:CLEAR — no limit on disclosure',
  GREEN: 'TLP:GREEN — the partner community, not public',
  AMBER: "TLP:AMBER — the partner's organisation, on a need-to-know basis",
  'AMBER+STRICT': "TLP:AMBER+STRICT — the partner's organisation only, need-to-know",
  RED: 'TLP:RED — named recipients only',
};

export function tlpBadge(tlp) {
  return h(`span.tlp.tlp-${String(tlp).replace('+', '-')}`, { title: TLP_HELP[tlp] ?? tlp }, `TLP:${tlp}`);
}

/** A value as text, a pseudonym marked. */
export function value(v) {
  if (v === null || v === undefined || v === '') return h('span.muted', {}, '–');
  if (typeof v === 'string' && PSN.test(v)) {
    const [, kind, hex] = v.split(':');
    return h(
      'span.psn',
      { title: `pseudonymised ${kind} (${v}); the clear value never left the sender` },
      `pseudonym ${kind} ${hex.slice(0, 8)}…`,
    );
  }
  if (Array.isArray(v))
    return v.length ? v.map((x, i) => [i ? ', ' : '', value(x)]) : h('span.muted', {}, 'none');
  if (typeof v === 'object') {
    return Object.entries(v)
      .filter(([, x]) => x !== null && x !== undefined)
      .map(([k, x], i) => [i ? ' · ' : '', `${k} `, value(x)]);
  }
  return String(v);
}

/** Known shapes of the case document as people write them; anything else falls back to value(). */
function pretty(key, v) {
  const o = obj(v);
  if (o === null) return value(v);
  const d = (x) => x !== null && x !== undefined && x !== '';
  if (key === 'route') {
    const ports = [
      o.portOfLoading,
      ...(Array.isArray(o.transshipmentPorts) ? o.transshipmentPorts : []),
      o.portOfDischarge,
    ];
    const where = [ports.filter(d).join(' → '), d(o.placeOfDelivery) ? `delivery ${o.placeOfDelivery}` : ''];
    const countries =
      d(o.originCountry) || d(o.destinationCountry)
        ? `${o.originCountry ?? '?'} → ${o.destinationCountry ?? '?'}`
        : '';
    return [...where, countries].filter(Boolean).join(' · ');
  }
  if (key === 'carrier') return [o.name, d(o.code) ? `(${o.code})` : ''].filter(d).join(' ');
  if (key === 'payment') return `${o.method ?? '–'}${o.payerIsThirdParty ? ', third-party payer' : ''}`;
  if (key === 'quantity' && 'value' in o) return `${o.value} ${o.unit ?? ''}`.trim();
  if (key === 'declaredValue' && 'amount' in o) return `${o.amount} ${o.currency ?? ''}`.trim();
  if (key === 'packages' && 'count' in o) return `${o.count} ${o.type ?? ''}`.trim();
  if (key === 'address') {
    const parts = [o.street, o.city, o.postalCode, o.country].filter(d);
    return parts.length ? parts.map((x, i) => [i ? ', ' : '', value(x)]) : value(null);
  }
  return value(v);
}

const row = (label, v, key) => [h('dt', {}, label), h('dd', {}, pretty(key, v))];

function fieldsOf(o, labels) {
  return labels.filter(([k]) => has(o, k)).map(([k, label]) => row(label, o[k], k));
}

function section(title, id, ...children) {
  return h('section.card', { 'aria-label': title, id }, h('h2', {}, title), ...children);
}

function partiesTable(parties) {
  const roles = Object.entries(parties).filter(([, p]) => obj(p));
  if (!roles.length) return h('p.muted', {}, 'No party data.');
  const cols = [
    ['name', 'Name'],
    ['identifier', 'Identifier'],
    ['address', 'Address'],
    ['phone', 'Phone'],
    ['email', 'E-mail'],
  ].filter(([k]) => roles.some(([, p]) => has(p, k)));
  return h(
    'table.plain',
    { id: 'doc-parties' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Party'),
        cols.map(([, l]) => h('th', { scope: 'col' }, l)),
      ),
    ),
    h(
      'tbody',
      {},
      roles.map(([role, p]) =>
        h(
          'tr',
          { dataset: { party: role } },
          h('td', {}, role),
          cols.map(([k]) => h('td', {}, pretty(k, p[k]))),
        ),
      ),
    ),
  );
}

function goodsTable(goods) {
  if (!goods.length) return h('p.muted', {}, 'No goods lines.');
  const cols = [
    ['lineNumber', '#'],
    ['description', 'Description'],
    ['hsCode', 'HS'],
    ['casNumbers', 'CAS'],
    ['quantity', 'Quantity'],
    ['packages', 'Packages'],
    ['grossWeightKg', 'Gross kg'],
    ['declaredValue', 'Value'],
    ['originCountry', 'Origin'],
  ].filter(([k]) => goods.some((g) => has(obj(g), k)));
  return h(
    'table.plain',
    { id: 'doc-goods' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        cols.map(([, l]) => h('th', { scope: 'col' }, l)),
      ),
    ),
    h(
      'tbody',
      {},
      goods.map((g) =>
        h(
          'tr',
          {},
          cols.map(([k]) => h('td', {}, pretty(k, obj(g)?.[k]))),
        ),
      ),
    ),
  );
}

/** Sections for a case document: Consignment, Parties, Goods, Assessment, and the exact JSON. */
export function caseDocument(doc, { idPrefix = 'doc' } = {}) {
  const c = obj(doc.consignment) ?? {};
  const a = obj(doc.assessment) ?? {};
  const parties = obj(c.parties) ?? {};
  const goods = Array.isArray(c.goods) ? c.goods : [];
  const hits = Array.isArray(a.ruleHits) ? a.ruleHits : [];
  const substances = Array.isArray(a.substances) ? a.substances : [];
  return [
    section(
      'Consignment',
      `${idPrefix}-consignment`,
      h(
        'dl.fields',
        {},
        fieldsOf(doc, [
          ['documentType', 'Document'],
          ['filedAt', 'Filed'],
          ['reportingCountry', 'Reported in'],
          ['sourceSystem', 'Source system'],
        ]),
        fieldsOf(c, [
          ['consignmentId', 'Consignment'],
          ['masterId', 'Master bill'],
          ['mode', 'Mode'],
          ['carrier', 'Carrier'],
          ['route', 'Route'],
          ['departureDate', 'Departure'],
          ['arrivalDate', 'Arrival'],
          ['containers', 'Containers'],
          ['payment', 'Payment'],
          ['permits', 'Permits'],
        ]),
      ),
    ),
    has(c, 'parties') ? section('Parties', `${idPrefix}-parties-card`, partiesTable(parties)) : null,
    has(c, 'goods') ? section('Goods lines', `${idPrefix}-goods-card`, goodsTable(goods)) : null,
    Object.keys(a).length
      ? section(
          'Assessment',
          `${idPrefix}-assessment`,
          h(
            'p',
            {},
            has(a, 'lane') ? lane(a.lane) : null,
            has(a, 'riskScore') ? [' risk ', h('b.score', {}, fmtScore(a.riskScore))] : null,
            has(a, 'modelScore') ? ` · model ${fmtScore(a.modelScore)}` : null,
          ),
          h(
            'dl.fields',
            {},
            fieldsOf(a, [
              ['scoredAt', 'Scored'],
              ['modelVersion', 'Model'],
              ['rulesVersion', 'Rules'],
            ]),
          ),
          hits.length
            ? h(
                'ul.hits',
                { id: `${idPrefix}-rule-hits` },
                hits.map((r) =>
                  h(
                    'li',
                    {},
                    h(
                      'span.w',
                      { title: 'rule weight' },
                      typeof r.weight === 'number' ? r.weight.toFixed(2) : '',
                    ),
                    h(
                      'div',
                      {},
                      h('span.rule', {}, r.ruleId ?? ''),
                      r.goodsLine ? h('span.muted', {}, ` · line ${r.goodsLine}`) : null,
                      has(r, 'explanation') ? h('div', {}, r.explanation) : null,
                    ),
                  ),
                ),
              )
            : null,
          substances.length
            ? h(
                'p',
                {},
                'Substances: ',
                substances.map((s) =>
                  h(
                    'span.chip.substance',
                    { title: [s.cas, s.listing, s.matchedBy].filter(Boolean).join(' · ') },
                    s.name,
                  ),
                ),
              )
            : null,
        )
      : null,
    h(
      'details.card.raw',
      {},
      h('summary', {}, 'Exact content (JSON)'),
      h('pre', { tabindex: '0' }, JSON.stringify(doc, null, 2)),
    ),
  ];
}

/** A list of field paths (withheld or pseudonymised), or a muted "none". */
export function pathList(paths, id) {
  if (!paths?.length) return h('p.muted', { id }, 'none');
  return h(
    'ul.paths',
    { id },
    paths.map((p) => h('li.mono', {}, p)),
  );
}
