// CAS Registry Numbers: normalisation and check-digit validation. A CAS number with a wrong check
// digit is kept and marked invalid, never rejected: a mistyped or disguised CAS is itself a signal.

export interface CasCheck {
  /** As filed. */
  raw: string;
  /** Canonical `NNNNNNN-NN-N` form, or null when the text is not CAS-shaped at all. */
  normalized: string | null;
  /** True only when the text is CAS-shaped and its check digit is right. */
  valid: boolean;
}

const CAS_SHAPE = /^(\d{2,7})-(\d{2})-(\d)$/;

/** Check digit: sum of each digit (right to left, excluding the check digit) times its position, mod 10. */
export function casCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    sum += Number(body[body.length - 1 - i]) * (i + 1);
  }
  return sum % 10;
}

const PREFIX = /^cas(?:\s*(?:no\.?|number|#|rn))?\s*[:#]?\s*/i;

/**
 * The canonical form of `text` as `[head, mid, check]`, or null. Text already CAS-shaped (nearly every
 * filed number) skips the cleaning: it starts and ends with a digit and holds only digits and ASCII
 * hyphens, so trimming, the prefix strip and the dash and space folding would all leave it unchanged.
 */
function casParts(text: string): [string, string, string] | null {
  const m =
    CAS_SHAPE.exec(text) ??
    CAS_SHAPE.exec(
      text
        .trim()
        .replace(PREFIX, '')
        .replace(/[\u2010-\u2015\u2212]/g, '-')
        .replace(/\s*-\s*/g, '-'),
    );
  if (!m) return null;
  const head = m[1]!.charCodeAt(0) === 48 ? m[1]!.replace(/^0+(?=\d{2})/, '') : m[1]!;
  return [head, m[2]!, m[3]!];
}

/** Accepts common filer variants: spaces, en dashes, leading zeros, a `CAS` prefix. */
export function normalizeCas(text: string): string | null {
  const parts = casParts(text);
  return parts === null ? null : `${parts[0]}-${parts[1]}-${parts[2]}`;
}

export function checkCas(raw: string): CasCheck {
  const parts = casParts(raw);
  if (parts === null) return { raw, normalized: null, valid: false };
  const [head, mid, check] = parts;
  return { raw, normalized: `${head}-${mid}-${check}`, valid: casCheckDigit(head + mid) === Number(check) };
}

/** CAS-shaped tokens in free text (descriptions often carry a bare CAS number). */
export function findCasInText(text: string): CasCheck[] {
  const out: CasCheck[] = [];
  for (const m of text.matchAll(
    /(?<![\d-])(\d{2,7})\s?[-\u2010-\u2015]\s?(\d{2})\s?[-\u2010-\u2015]\s?(\d)(?![\d-])/g,
  )) {
    out.push(checkCas(m[0]));
  }
  return out;
}
