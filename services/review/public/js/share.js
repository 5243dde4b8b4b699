// Liaison flow, step 2: choose the partner (and a TLP no looser than the agreement's), see exactly
// what would leave — the redacted case, what is withheld and pseudonymised, TLP and legal basis — and
// share it. The share carries the preview's content hash, so nothing different can leave.
import { ApiError, api } from './api.js';
import { caseDocument, pathList, TLP_HELP, tlpBadge } from './casedoc.js';
import { clear, h, stateView, toast } from './dom.js';

const TLP_ORDER = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

export async function mount(main, ctx, { params }) {
  const back = h('a.btn', { href: ctx.queue.hash }, 'Back to the queue');
  if (!ctx.can('sharing') || !ctx.sharing()) {
    clear(
      main,
      stateView('error', 'Sharing is not available', 'Your role or this server does not share cases.', back),
    );
    return {};
  }
  const ids = (params.get('ids') ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (ids.length === 0) {
    clear(
      main,
      stateView('empty', 'No case selected', 'Select cases in the queue (x or the checkboxes) first.', back),
    );
    return {};
  }
  const { partners } = await api('/api/sharing/partners');
  if (partners.length === 0) {
    clear(
      main,
      stateView('empty', 'No sharing agreement', 'This agency has no agreement with a partner.', back),
    );
    return {};
  }

  let previews = [];
  const partnerSelect = h(
    'select',
    { id: 'share-partner', name: 'partner' },
    partners.map((p) =>
      h(
        'option',
        { value: p.agency, selected: p.agency === params.get('partner') },
        `${p.name} (${p.agency})`,
      ),
    ),
  );
  const tlpSelect = h('select', { id: 'share-tlp', name: 'tlp' });
  const partnerInfo = () => partners.find((p) => p.agency === partnerSelect.value) ?? partners[0];
  function fillTlp() {
    const min = partnerInfo().terms.tlp;
    const allowed = TLP_ORDER.slice(TLP_ORDER.indexOf(min));
    clear(
      tlpSelect,
      allowed.map((t) =>
        h(
          'option',
          { value: t, title: TLP_HELP[t] },
          `TLP:${t}${t === min ? ' (agreement default)' : ' (stricter)'}`,
        ),
      ),
    );
  }
  fillTlp();

  const error = h('p.error', { id: 'share-error', role: 'alert' });
  const area = h('div', { id: 'share-preview', 'aria-live': 'polite' });
  const confirm = h('button.btn.primary', {
    type: 'button',
    id: 'share-confirm',
    disabled: true,
    onclick: share,
  });
  const cancel = h(
    'a.btn',
    { href: ctx.queue.hash, title: 'Back to the queue without sharing (Esc)' },
    'Cancel',
  );

  function termsCard(p) {
    const t = p.terms;
    return h(
      'section.card.terms',
      { 'aria-label': 'Terms of the share', id: 'share-terms' },
      h('h2', {}, 'Terms'),
      h(
        'dl.fields',
        {},
        h('dt', {}, 'Partner'),
        h('dd', {}, `${partnerInfo().name} (${p.partner})`),
        h('dt', {}, 'Marking'),
        h('dd', {}, tlpBadge(p.tlp), ' ', h('span.muted', {}, TLP_HELP[p.tlp] ?? '')),
        h('dt', {}, 'Agreement'),
        h('dd', {}, `${partnerInfo().title} (${t.agreementId})`),
        h('dt', {}, 'Legal basis'),
        h(
          'dd',
          {},
          h(
            'ul.basis',
            { id: 'share-legal-basis' },
            t.legalBasis.map((b) => h('li', {}, b)),
          ),
        ),
        h('dt', {}, 'Retention'),
        h('dd', {}, `the partner deletes it ${t.retentionDays} days after receipt`),
        h('dt', {}, 'Onward sharing'),
        h('dd', {}, t.onwardSharing ? 'allowed' : 'not without our written consent'),
      ),
    );
  }

  function previewCard(p, i) {
    const consignment = p.case?.consignment?.consignmentId ?? p.messageId;
    return h(
      'article.share-case',
      { dataset: { id: p.messageId }, 'aria-label': `What will leave for ${consignment}` },
      h(
        'h2.share-title',
        {},
        `${i + 1}. ${consignment}`,
        ' ',
        tlpBadge(p.tlp),
        h('span.muted', {}, ` case ${p.caseId} · share ${p.shareId.slice(0, 8)}…`),
      ),
      h(
        'div.case',
        {},
        h('div', {}, caseDocument(p.case, { idPrefix: `preview-${i}` })),
        h(
          'div',
          {},
          h(
            'section.card',
            { 'aria-label': 'Withheld' },
            h('h2', {}, `Withheld (${p.withheld.length})`),
            h('p.muted', {}, 'Stays here: not in the agreement, or personal data that never leaves.'),
            pathList(p.withheld, `preview-${i}-withheld`),
          ),
          h(
            'section.card',
            { 'aria-label': 'Pseudonymised' },
            h('h2', {}, `Pseudonymised (${p.pseudonymised.length})`),
            h('p.muted', {}, 'Leave only as keyed pseudonyms the partner cannot reverse.'),
            pathList(p.pseudonymised, `preview-${i}-pseudonymised`),
          ),
        ),
      ),
    );
  }

  async function preview() {
    error.textContent = '';
    confirm.disabled = true;
    clear(area, h('p.state.loading', {}, 'Building the preview…'));
    try {
      const r = await api('/api/sharing/preview', {
        method: 'POST',
        body: { messageIds: ids, partner: partnerSelect.value, tlp: tlpSelect.value },
      });
      previews = r.previews;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) throw err;
      previews = [];
      clear(area);
      error.textContent = err.message;
      return;
    }
    const p0 = previews[0];
    clear(area, p0 ? termsCard(p0) : null, previews.map(previewCard));
    // A case is a consignment: the server adds the other documents of each selected consignment.
    const consignments = new Set(previews.map((p) => p.case?.consignment?.consignmentId ?? p.messageId)).size;
    const docs = previews.length;
    confirm.textContent =
      docs === consignments
        ? `Share ${docs} case${docs === 1 ? '' : 's'} with ${partnerSelect.value}`
        : `Share ${consignments} consignment${consignments === 1 ? '' : 's'} (${docs} documents) with ${partnerSelect.value}`;
    confirm.disabled = previews.length === 0;
  }

  async function share() {
    if (previews.length === 0) return;
    error.textContent = '';
    confirm.disabled = true;
    try {
      const r = await api('/api/sharing/share', {
        method: 'POST',
        body: {
          messageIds: previews.map((p) => p.messageId),
          partner: partnerSelect.value,
          tlp: tlpSelect.value,
          expectedContent: Object.fromEntries(previews.map((p) => [p.messageId, p.contentSha256])),
        },
      });
      for (const p of previews) ctx.shareSelection?.delete(p.messageId);
      toast(`Shared ${r.shares.length} case${r.shares.length === 1 ? '' : 's'} with ${partnerSelect.value}`);
      ctx.navigate('#/shares');
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) throw err;
      error.textContent = err.message;
      confirm.disabled = false;
    }
  }

  partnerSelect.addEventListener('change', () => {
    fillTlp();
    preview();
  });
  tlpSelect.addEventListener('change', preview);

  clear(
    main,
    h(
      'div.case-head',
      {},
      h('a', { href: ctx.queue.hash, title: 'Back to the queue (Esc)' }, '← Queue'),
      h('h1', {}, `Share ${ids.length} case${ids.length === 1 ? '' : 's'} with a partner`),
      h(
        'p.muted',
        {},
        'Below is exactly what will leave, as the partner will receive it. Nothing else is sent; it is signed and audited.',
      ),
      h(
        'form.row.share-form',
        { onsubmit: (e) => e.preventDefault(), 'aria-label': 'Partner and marking' },
        h('label', { for: 'share-partner' }, 'Partner', partnerSelect),
        h('label', { for: 'share-tlp' }, 'Marking (TLP 2.0)', tlpSelect),
      ),
    ),
    error,
    area,
    h('div.row.end.share-actions', {}, cancel, confirm),
  );
  await preview();
  partnerSelect.focus();

  return {
    onKey(key) {
      if (key === 'Escape' || key === 'u') {
        ctx.navigate(ctx.queue.hash);
        return true;
      }
      return false;
    },
  };
}
