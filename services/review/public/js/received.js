// A case a partner shared with this agency, read-only: exactly the fields the partner sent (persons
// as pseudonyms), the terms it came under, and the outcome this agency reported back — which the
// partner receives as a training label. Built from received_cases, never from local decisions.
import { ApiError, api } from './api.js';
import { caseDocument, pathList, TLP_HELP, tlpBadge } from './casedoc.js';
import { dispositionLabel, KEY_TO_DISPOSITION } from './dispose.js';
import { clear, fmtTime, h, lane, toast } from './dom.js';

const OUTCOME_ROLES = ['officer', 'supervisor', 'liaison'];
const DISPOSITIONS = ['SEIZED', 'RELEASED', 'EXAMINED_NOTHING_FOUND', 'DOCUMENT_CHECK_PASSED', 'REFERRED'];

function outcomeDialog(view, disposition) {
  return new Promise((resolve) => {
    const select = h(
      'select',
      { id: 'outcome-kind', name: 'disposition' },
      DISPOSITIONS.map((d) => h('option', { value: d, selected: d === disposition }, dispositionLabel(d))),
    );
    const error = h('p.error', { id: 'outcome-error', role: 'alert' });
    const submit = h('button.btn.primary', { type: 'submit', id: 'outcome-submit' }, 'Report outcome');
    const dialog = h(
      'dialog',
      { id: 'outcome', 'aria-labelledby': 'outcome-title' },
      h(
        'form',
        {
          onsubmit: async (e) => {
            e.preventDefault();
            submit.disabled = true;
            error.textContent = '';
            try {
              const r = await api('/api/sharing/outcome', {
                method: 'POST',
                body: { shareId: view.shareId, disposition: select.value },
              });
              done(r);
            } catch (err) {
              error.textContent = err.message;
              submit.disabled = false;
            }
          },
        },
        h('h2', { id: 'outcome-title' }, `Report outcome to ${view.fromAgency}`),
        h(
          'p.muted',
          {},
          `${view.case?.consignment?.consignmentId ?? view.caseId}: what ${view.fromAgency}'s case led to here. It is signed, audited and sent to ${view.fromAgency}, where it becomes a training label.`,
        ),
        h('label', { for: 'outcome-kind' }, 'Outcome', select),
        error,
        h(
          'div.row.end',
          {},
          h('button.btn', { type: 'button', onclick: () => done(null) }, 'Cancel'),
          submit,
        ),
      ),
    );
    function done(v) {
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(v);
    }
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    select.focus();
  });
}

function historyList(entries) {
  return h(
    'ol.timeline',
    { id: 'history', reversed: true },
    [...entries].reverse().map((e) => {
      let details = {};
      try {
        details = JSON.parse(e.details);
      } catch {
        details = {};
      }
      const what =
        e.action === 'sharing.outcome.sent'
          ? `reported ${dispositionLabel(details.disposition)} to the partner`
          : e.action === 'sharing.case.received'
            ? `received the case from ${details.from ?? 'the partner'}`
            : e.action === 'sharing.update.received'
              ? `received version ${details.version ?? ''}`
              : e.action === 'case.view'
                ? 'viewed the case'
                : e.action;
      return h(
        `li${e.action.startsWith('sharing.') ? '.act' : ''}`,
        {},
        h('div', {}, h('b', {}, e.actor), ` (${e.agency}) `, what),
        h('div.when', {}, `${fmtTime(e.at)} · #${e.seq}`),
      );
    }),
  );
}

/** What the partner's bundle carried beyond the case (open import): shown as sent, never merged into the case. */
function contextList(items) {
  if (!items?.length) return h('p.muted', {}, 'Nothing beyond the case.');
  return h(
    'ul.hits',
    { id: 'partner-context' },
    items.map((c) =>
      h(
        'li',
        { dataset: { id: c.id } },
        h('span.w', {}, c.type),
        h(
          'div',
          {},
          c.tlp ? tlpBadge(c.tlp) : null,
          ' ',
          c.summary || h('span.muted', {}, c.id),
          h('details', {}, h('summary', {}, 'as sent'), h('pre.mono', {}, JSON.stringify(c.object, null, 2))),
        ),
      ),
    ),
  );
}

export function render(main, ctx, initial) {
  let view = initial;
  const canReport = view.outcomeEnabled && OUTCOME_ROLES.includes(ctx.session.user.role);
  const doc = view.case ?? {};
  const a = doc.assessment ?? {};
  const consignmentId = doc.consignment?.consignmentId ?? view.caseId;
  const stateLine = h('span', { id: 'case-state' });
  const outcomesBox = h('div', { id: 'outcomes' });
  const history = h('div');

  function renderState() {
    const last = view.outcomes.at(-1);
    clear(
      stateLine,
      last
        ? h('span.chip.state', {}, `Outcome reported: ${dispositionLabel(last.disposition)}`)
        : h('span.muted', {}, 'no outcome reported yet'),
    );
    clear(
      outcomesBox,
      view.outcomes.length
        ? h(
            'ul.hits',
            {},
            view.outcomes.map((o) =>
              h(
                'li',
                {},
                h('span.w', {}, `v${o.version}`),
                h(
                  'div',
                  {},
                  h('b', {}, dispositionLabel(o.disposition)),
                  h('div.sub', {}, `${o.actor} · ${fmtTime(o.at.replace('T', ' '))}`),
                ),
              ),
            ),
          )
        : h(
            'p.muted',
            {},
            canReport ? 'None yet. Report one with the buttons above (s, r, e, c, f).' : 'None yet.',
          ),
    );
    clear(history, historyList(view.history ?? []));
  }

  async function report(disposition) {
    if (!canReport) {
      toast(
        view.outcomeEnabled
          ? 'Your role does not report outcomes.'
          : 'Sharing is not running on this server.',
        true,
      );
      return;
    }
    const r = await outcomeDialog(view, disposition);
    if (!r) return;
    toast(`Outcome sent to ${view.fromAgency}: ${dispositionLabel(disposition)}`);
    try {
      view = await api(`/api/cases/${encodeURIComponent(view.messageId)}`);
      renderState();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) throw err;
    }
  }

  const button = (label, key, disposition, cls = '') =>
    h(
      `button.btn${cls}`,
      { type: 'button', 'data-key': key, onclick: () => report(disposition) },
      label,
      h('kbd', {}, key),
    );
  const actions = canReport
    ? h(
        'div.actions',
        { id: 'case-actions', 'aria-label': 'Report the outcome to the partner' },
        h('span.muted', {}, 'Report outcome:'),
        button('Seized', 's', 'SEIZED', '.danger'),
        button('Released', 'r', 'RELEASED'),
        button('Examined, nothing', 'e', 'EXAMINED_NOTHING_FOUND'),
        button('Docs OK', 'c', 'DOCUMENT_CHECK_PASSED'),
        button('Referred', 'f', 'REFERRED'),
      )
    : null;

  renderState();
  clear(
    main,
    h(
      'div.case-head',
      {},
      h('a', { href: ctx.queue.hash, title: 'Back to the queue (u)' }, '← Queue'),
      h(
        'h1',
        {},
        a.lane ? lane(a.lane) : null,
        h('span', { id: 'case-title' }, consignmentId),
        h('span.muted', {}, String(doc.documentType ?? '').toLowerCase()),
      ),
      h(
        'div.facts',
        {},
        h(
          'span.chip.shared',
          { id: 'shared-by', title: `${view.fromAgency} shared this case with your agency; read-only` },
          `Shared by ${view.fromAgency}`,
        ),
        tlpBadge(view.tlp),
        h('span', {}, 'received ', h('b', {}, fmtTime(view.receivedAt.replace('T', ' ')))),
        h('span', {}, 'version ', h('b', {}, String(view.version))),
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
        h(
          'p.banner.info',
          { id: 'received-note' },
          `Read-only: exactly what ${view.fromAgency} sent under ${view.agreementId}. Persons appear as pseudonyms; fields the agreement does not allow never left ${view.fromAgency}.`,
        ),
        caseDocument(doc, { idPrefix: 'received' }),
        h(
          'section.card',
          { 'aria-label': 'Partner context' },
          h('h2', {}, `Partner context (${view.context?.length ?? 0})`),
          h(
            'p.muted',
            {},
            `Also in ${view.fromAgency}'s package: STIX objects this app does not model, shown as ${view.fromAgency} sent them, under the same handling terms.`,
          ),
          contextList(view.context),
        ),
      ),
      h(
        'div',
        {},
        h(
          'section.card',
          { 'aria-label': 'Handling terms', id: 'received-terms' },
          h('h2', {}, 'Handling terms'),
          h(
            'dl.fields',
            {},
            h('dt', {}, 'Marking'),
            h('dd', {}, tlpBadge(view.tlp), ' ', h('span.muted', {}, TLP_HELP[view.tlp] ?? '')),
            h('dt', {}, 'Legal basis'),
            h(
              'dd',
              {},
              view.legalBasis.length
                ? h(
                    'ul.basis',
                    {},
                    view.legalBasis.map((b) => h('li', {}, b)),
                  )
                : `as in agreement ${view.agreementId}`,
            ),
            h('dt', {}, 'Retention'),
            h('dd', {}, `${view.retentionDays} days: erased here ${view.expiresAt.slice(0, 10)}`),
            h('dt', {}, 'Onward sharing'),
            h('dd', {}, view.onwardSharing ? 'allowed' : `not without ${view.fromAgency}'s written consent`),
            h('dt', {}, 'Signed by'),
            h('dd', {}, h('span.mono', {}, view.keyId)),
          ),
        ),
        h(
          'section.card',
          { 'aria-label': 'Pseudonymised fields' },
          h('h2', {}, `Pseudonymised (${view.pseudonymised.length})`),
          pathList(view.pseudonymised, 'received-pseudonymised'),
        ),
        h(
          'section.card',
          { 'aria-label': 'Outcomes reported' },
          h('h2', {}, 'Outcomes reported'),
          outcomesBox,
        ),
        h('section.card', { 'aria-label': 'History' }, h('h2', {}, 'History'), history),
      ),
    ),
  );

  const idx = ctx.queue.ids.indexOf(view.messageId);
  const step = (d) => {
    const target = ctx.queue.ids[idx + d];
    if (idx >= 0 && target) ctx.navigate(`#/case/${encodeURIComponent(target)}`);
    else toast(d > 0 ? 'Last case of this queue page' : 'First case of this queue page');
  };
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
        default:
          if (!KEY_TO_DISPOSITION[key]) return false;
          report(KEY_TO_DISPOSITION[key]);
          return true;
      }
    },
  };
}
