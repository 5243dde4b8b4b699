// Liaison flow, step 3: every share this agency sent (status: sent, receipt acknowledged, rejected,
// revoked, outcome received) with update and revoke, and the cases partners shared with it. Refreshes
// itself while open, so receipts and outcomes appear as the partner sends them.
import { ApiError, api } from './api.js';
import { tlpBadge } from './casedoc.js';
import { dispositionLabel } from './dispose.js';
import { clear, fmtTime, h, stateView, toast } from './dom.js';

const REFRESH_MS = 4000;

/** The status of a share this agency sent, from its latest version, receipt and outcome. */
export function statusOf(s) {
  if (s.revoked) return { key: 'revoked', label: 'Revoked' };
  if (s.outcome)
    return { key: 'outcome', label: `Outcome received: ${dispositionLabel(s.outcome.disposition)}` };
  if (s.receipt?.status === 'REJECTED') return { key: 'rejected', label: 'Rejected by the partner' };
  if (s.receipt?.status === 'ACCEPTED' && s.receipt.version >= s.version)
    return { key: 'acknowledged', label: 'Receipt acknowledged' };
  return { key: 'sent', label: s.version > 1 ? 'Update sent' : 'Sent' };
}

function revokeDialog(share) {
  return new Promise((resolve) => {
    const reason = h('textarea', {
      id: 'revoke-reason',
      name: 'reason',
      rows: 3,
      maxlength: 2000,
      required: true,
      placeholder: 'Why the partner must erase the case (recorded and sent with the revocation)',
    });
    const error = h('p.error', { role: 'alert' });
    const dialog = h(
      'dialog',
      { id: 'revoke', 'aria-labelledby': 'revoke-title' },
      h(
        'form',
        {
          onsubmit: (e) => {
            e.preventDefault();
            if (!reason.value.trim()) {
              error.textContent = 'A revocation needs a reason.';
              reason.focus();
              return;
            }
            done(reason.value.trim());
          },
        },
        h('h2', { id: 'revoke-title' }, 'Revoke share'),
        h(
          'p.muted',
          {},
          `${share.consignmentId || share.caseId} with ${share.partner}. The partner erases the case; a revocation is final.`,
        ),
        h('label', { for: 'revoke-reason' }, 'Reason', reason),
        error,
        h(
          'div.row.end',
          {},
          h('button.btn', { type: 'button', onclick: () => done(null) }, 'Cancel'),
          h('button.btn.danger', { type: 'submit', id: 'revoke-submit' }, 'Revoke'),
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
    reason.focus();
  });
}

export async function mount(main, ctx) {
  if (!ctx.can('sharing') || !ctx.sharing()) {
    clear(
      main,
      stateView('error', 'Sharing is not available', 'Your role or this server does not share cases.'),
    );
    return {};
  }
  let disposed = false;
  let timer = null;
  let busy = false;
  const sentBody = h('tbody');
  const receivedBody = h('tbody');
  const sentWrap = h('div');
  const receivedWrap = h('div');
  const summary = h('span.count', { 'aria-live': 'polite' });

  async function act(label, work) {
    if (busy) return;
    busy = true;
    try {
      await work();
      toast(label);
      await load();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) throw err;
      toast(err.message, true);
    } finally {
      busy = false;
    }
  }

  function sentRow(s) {
    const st = statusOf(s);
    const live = !s.revoked;
    return h(
      'tr',
      { dataset: { share: s.shareId, id: s.messageId, status: st.key } },
      h(
        'td.consignment',
        {},
        h('a', { href: `#/case/${encodeURIComponent(s.messageId)}` }, s.consignmentId || s.messageId),
        h('div.sub.mono', {}, s.caseId),
      ),
      h('td', {}, s.partner),
      h('td', {}, tlpBadge(s.tlp), h('div.sub', {}, `version ${s.version}`)),
      h('td', {}, h(`span.chip.share-status.${st.key}`, {}, st.label)),
      h(
        'td.nowrap',
        {},
        fmtTime(s.lastAt.replace('T', ' ')),
        h('div.sub', {}, `first ${fmtTime(s.firstAt.replace('T', ' '))}`),
      ),
      h(
        'td.nowrap',
        {},
        live
          ? [
              h(
                'button.btn',
                {
                  type: 'button',
                  title: 'Send the current content again as a new version',
                  onclick: () =>
                    act(`Update sent to ${s.partner}`, () =>
                      api(`/api/sharing/${encodeURIComponent(s.shareId)}/update`, {
                        method: 'POST',
                        body: {},
                      }),
                    ),
                },
                'Send update',
              ),
              ' ',
              h(
                'button.btn.danger',
                {
                  type: 'button',
                  onclick: async () => {
                    const reason = await revokeDialog(s);
                    if (reason)
                      await act(`Revocation sent to ${s.partner}`, () =>
                        api(`/api/sharing/${encodeURIComponent(s.shareId)}/revoke`, {
                          method: 'POST',
                          body: { reason },
                        }),
                      );
                  },
                },
                'Revoke…',
              ),
            ]
          : h('span.muted', {}, 'final'),
      ),
    );
  }

  function receivedRow(s) {
    return h(
      'tr',
      { dataset: { share: s.shareId, id: s.messageId } },
      h(
        'td.consignment',
        {},
        s.revoked
          ? h('span', {}, s.consignmentId || s.caseId)
          : h('a', { href: `#/case/${encodeURIComponent(s.messageId)}` }, s.consignmentId || s.caseId),
        h('div.sub.mono', {}, s.caseId),
      ),
      h('td', {}, s.partner),
      h('td', {}, tlpBadge(s.tlp), h('div.sub', {}, `version ${s.version}`)),
      h(
        'td',
        {},
        s.revoked
          ? h('span.chip.share-status.revoked', {}, 'Revoked by the partner')
          : s.outcome
            ? h(
                'span.chip.share-status.outcome',
                {},
                `Outcome sent: ${dispositionLabel(s.outcome.disposition)}`,
              )
            : h('span.muted', {}, 'no outcome yet'),
      ),
      h(
        'td.nowrap',
        {},
        fmtTime(s.lastAt.replace('T', ' ')),
        s.expiresAt ? h('div.sub', {}, `erased ${s.expiresAt.slice(0, 10)}`) : null,
      ),
    );
  }

  const table = (id, label, head, body) =>
    h(
      'table.cases',
      { id, 'aria-label': label },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      body,
    );
  const sentTable = table(
    'shares-sent',
    'Cases shared with partners',
    ['Consignment', 'Partner', 'Marking', 'Status', 'Last activity', 'Actions'],
    sentBody,
  );
  const receivedTable = table(
    'shares-received',
    'Cases partners shared with us',
    ['Consignment', 'From', 'Marking', 'Our outcome', 'Received'],
    receivedBody,
  );

  async function load() {
    let r;
    try {
      r = await api('/api/sharing/shares');
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) throw err;
      clear(sentWrap, stateView('error', 'Shares could not be loaded', err.message));
      return;
    }
    if (disposed) return;
    const sent = r.shares.filter((s) => s.direction === 'OUT');
    const received = r.shares.filter((s) => s.direction === 'IN');
    summary.textContent = `${sent.length} sent · ${received.length} received`;
    if (sent.length) {
      clear(sentBody, sent.map(sentRow));
      if (!sentWrap.contains(sentTable)) clear(sentWrap, sentTable);
    } else
      clear(
        sentWrap,
        stateView('empty', 'Nothing shared yet', 'Select cases in the queue (x), then "Share selected".'),
      );
    if (received.length) {
      clear(receivedBody, received.map(receivedRow));
      if (!receivedWrap.contains(receivedTable)) clear(receivedWrap, receivedTable);
    } else clear(receivedWrap, h('p.muted', {}, 'No partner has shared a case with us.'));
  }

  const schedule = () => {
    if (!disposed)
      timer = setTimeout(async () => {
        if (!document.hidden && !document.querySelector('dialog[open]')) await load().catch(() => {});
        schedule();
      }, REFRESH_MS);
  };

  clear(
    main,
    h(
      'div.case-head',
      {},
      h('h1', {}, `Shared cases · ${ctx.session.user.agency}`),
      h('div.facts', {}, summary, h('a', { href: ctx.queue.hash }, 'Share more from the queue')),
    ),
    h(
      'div.stack',
      {},
      h('section.card', { 'aria-label': 'Sent to partners' }, h('h2', {}, 'Sent to partners'), sentWrap),
      h(
        'section.card',
        { 'aria-label': 'Received from partners' },
        h('h2', {}, 'Received from partners'),
        receivedWrap,
      ),
    ),
  );
  await load();
  schedule();
  return {
    onKey(key) {
      if (key === 'R') {
        load();
        return true;
      }
      return false;
    },
    unmount() {
      disposed = true;
      clearTimeout(timer);
    },
  };
}
