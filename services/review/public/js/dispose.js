// The disposition dialog, shared by the queue (s/r/e/c/f on the selected row) and the case view.
// Resolves with the server's answer, or null when cancelled.
import { api } from './api.js';

const LABELS = {
  RELEASED: 'Released',
  DOCUMENT_CHECK_PASSED: 'Document check passed',
  EXAMINED_NOTHING_FOUND: 'Examined, nothing found',
  SEIZED: 'Seized',
  REFERRED: 'Referred',
};
export const KEY_TO_DISPOSITION = {
  s: 'SEIZED',
  r: 'RELEASED',
  e: 'EXAMINED_NOTHING_FOUND',
  c: 'DOCUMENT_CHECK_PASSED',
  f: 'REFERRED',
};
export const dispositionLabel = (d) => LABELS[d] ?? d;

export function openDisposition({ messageId, consignmentId, disposition = 'RELEASED' }) {
  const dialog = document.getElementById('dispose');
  const form = document.getElementById('dispose-form');
  const kind = document.getElementById('dispose-kind');
  const qty = document.getElementById('dispose-qty');
  const unit = document.getElementById('dispose-unit');
  const seizure = document.getElementById('seizure-fields');
  const error = document.getElementById('dispose-error');
  const submit = document.getElementById('dispose-submit');
  document.getElementById('dispose-case').textContent = `Consignment ${consignmentId}`;
  form.reset();
  kind.value = disposition;
  error.textContent = '';
  const sync = () => {
    seizure.hidden = kind.value !== 'SEIZED';
    submit.textContent = `Record ${dispositionLabel(kind.value).toLowerCase()}`;
    submit.className = kind.value === 'SEIZED' ? 'btn danger' : 'btn primary';
  };
  sync();
  return new Promise((resolve) => {
    const done = (value) => {
      form.removeEventListener('submit', onSubmit);
      kind.removeEventListener('change', sync);
      document.getElementById('dispose-cancel').removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      resolve(value);
    };
    const onCancel = (e) => {
      e?.preventDefault?.();
      done(null);
    };
    const onSubmit = async (e) => {
      e.preventDefault();
      error.textContent = '';
      const body = { disposition: kind.value, notes: form.elements.notes.value };
      if (kind.value === 'SEIZED') {
        const q = Number(qty.value);
        if (!qty.value || !(q > 0)) {
          error.textContent = 'A seizure needs a quantity above 0.';
          qty.focus();
          return;
        }
        body.quantity = q;
        body.unit = unit.value;
      }
      submit.disabled = true;
      try {
        done(await api(`/api/cases/${encodeURIComponent(messageId)}/disposition`, { method: 'POST', body }));
      } catch (err) {
        error.textContent = err.message;
      } finally {
        submit.disabled = false;
      }
    };
    form.addEventListener('submit', onSubmit);
    kind.addEventListener('change', sync);
    document.getElementById('dispose-cancel').addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    (disposition === 'SEIZED' ? qty : form.elements.notes).focus();
  });
}
