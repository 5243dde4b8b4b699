// Dashboard: flagged per day, per lane and per port; hit and seizure rates per rule and per lane;
// the drift status (or "no drift data"). Charts are SVG rendered by the server.
import { api } from './api.js';
import { clear, fmtInt, fmtPct, h, stateView, svg } from './dom.js';

function chartCard(title, svgText, id) {
  return h('section.card.chart', { 'aria-label': title, id }, h('h2', {}, title), svg(svgText));
}

function rateTable(id, title, rows, keyLabel, hitLabel) {
  return h(
    'section.card',
    { 'aria-label': title, id },
    h('h2', {}, title),
    rows.length
      ? h(
          'table.plain',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [keyLabel, 'Cases', hitLabel, 'Decided', 'Seized', 'Seizure rate'].map((c) =>
                h('th', { scope: 'col' }, c),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            rows.map((r) =>
              h(
                'tr',
                {},
                h('td.mono', {}, r.key),
                h('td', {}, fmtInt(r.cases)),
                h(
                  'td',
                  {},
                  fmtPct(r.hitRate),
                  r.expected == null ? null : h('span.muted', {}, ` (policy ${fmtPct(r.expected)})`),
                ),
                h('td', {}, fmtInt(r.decided)),
                h('td', {}, fmtInt(r.seized)),
                h(
                  'td',
                  {},
                  r.seizureRate === null ? h('span.muted', {}, 'none decided') : fmtPct(r.seizureRate),
                ),
              ),
            ),
          ),
        )
      : h('p.muted', {}, 'Nothing in this period.'),
  );
}

export async function mount(main, ctx, { params }) {
  const days = Number(params.get('days')) || 30;
  const d = await api('/api/dashboard', { query: { days } });
  const drift = d.drift;
  const periodSelect = h(
    'select',
    {
      'aria-label': 'Period',
      id: 'period',
      onchange: (e) => ctx.navigate(`#/dashboard?days=${e.target.value}`),
    },
    [7, 30, 90, 365].map((n) => h('option', { value: n, selected: n === d.days }, `last ${n} days`)),
  );
  clear(
    main,
    h(
      'div.case-head',
      {},
      h('h1', {}, `Dashboard · ${ctx.session.user.agency}`),
      h(
        'span.muted',
        {},
        `${d.from} to ${d.to} (UTC) · own jurisdiction and cases shared with ${ctx.session.user.agency}`,
      ),
      h(
        'div.actions',
        {},
        periodSelect,
        ctx.can('labels.export')
          ? [
              h('a.btn', { href: '/api/labels?format=csv', download: '' }, 'Export labels (CSV)'),
              h('a.btn', { href: '/api/labels?format=ndjson', download: '' }, 'NDJSON'),
            ]
          : null,
      ),
    ),
    h(
      'div.kpis',
      {},
      h('div.card', {}, h('span', {}, 'Reports scored'), h('div.big', {}, fmtInt(d.scored))),
      h('div.card', {}, h('span', {}, 'Flagged (yellow + red)'), h('div.big', {}, fmtInt(d.flagged))),
      h(
        'div.card',
        {},
        h('span', {}, 'Flag rate'),
        h('div.big', {}, d.scored ? fmtPct(d.flagged / d.scored) : '–'),
      ),
      h(
        `div.card.drift.${drift ? drift.status : 'none'}`,
        { id: 'drift' },
        h('span', {}, 'Model drift'),
        drift
          ? [
              h('div.big', {}, drift.status),
              h('div.sub', {}, drift.summary),
              h('div.sub.muted', {}, `checked ${drift.checkedAt}`),
            ]
          : h('div.big.muted', {}, 'no drift data'),
      ),
    ),
    d.scored === 0
      ? stateView(
          'empty',
          'No reports scored in this period',
          'Choose a longer period, or wait for the pipeline to score reports.',
        )
      : null,
    h(
      'div.grid2',
      {},
      chartCard('Flagged per day', d.charts.perDay, 'chart-day'),
      chartCard('Per lane', d.charts.perLane, 'chart-lane'),
    ),
    h(
      'div.grid2',
      {},
      chartCard('Flagged per port of discharge (top 10)', d.charts.perPort, 'chart-port'),
      chartCard('Seizure rate per lane', d.charts.laneSeizureRates, 'chart-lane-rate'),
    ),
    h(
      'div.grid2',
      {},
      chartCard('Seizure rate per rule', d.charts.ruleSeizureRates, 'chart-rule-rate'),
      rateTable('lane-rates', 'Per lane', d.lanes, 'Lane', 'Share of reports'),
    ),
    rateTable('rule-rates', 'Per rule: hit rate and seizure rate', d.rules, 'Rule', 'Hit rate'),
  );
  return {};
}
