// Reads: normalised description text (normalize.ts: NFKC has already turned full-width digits into ASCII).
// Writes: the CAS Registry Numbers it holds, in canonical NNNNNNN-NN-N form, as CasCheck records.
// Guarantees: any notation is read (hyphens, en/em dashes, spaces, none, "CAS#", "CAS No.", "CAS RN:"),
// but a number not written with hyphens is accepted only when its check digit holds and it is either
// labelled as a CAS number or known to the caller; a hyphenated one with a wrong check digit is reported
// as invalid (a mistyped or disguised CAS is itself a signal), never silently dropped.
import { type CasCheck, casCheckDigit } from '../../schemas/cas.ts';

const LABEL = /\bCAS(?:\s*(?:No\.?|Number|Nr\.?|Reg(?:istry)?\.?(?:\s*No\.?)?|RN|#))?\s*[:#.]?\s*$/i;
// Hyphenated (any dash, spaces allowed around it), spaced, dotted, or bare digit runs.
const CANDIDATE =
  /(?<![\d-])(?:(\d{2,7})\s?[-\u2010-\u2015]\s?(\d{2})\s?[-\u2010-\u2015]\s?(\d)|(\d{2,7})[ .](\d{2})[ .](\d)|(\d{5,10}))(?![\d-])/g;

function check(raw: string, head: string, mid: string, digit: string): CasCheck {
  const h = head.replace(/^0+(?=\d{2})/, '');
  return { raw, normalized: `${h}-${mid}-${digit}`, valid: casCheckDigit(h + mid) === Number(digit) };
}

/**
 * CAS numbers in `text`. `known(cas)` says whether a canonical number is one the caller knows (the
 * knowledge base): an unlabelled number written without hyphens is taken only then, so quantities, HS
 * codes and invoice numbers are not read as CAS numbers.
 */
export function findCasNumbers(text: string, known: (cas: string) => boolean = () => false): CasCheck[] {
  const out: CasCheck[] = [];
  if (!/\d{2}/.test(text)) return out;
  for (const m of text.matchAll(CANDIDATE)) {
    const labelled = LABEL.test(text.slice(Math.max(0, m.index - 20), m.index));
    if (m[1] !== undefined) {
      out.push(check(m[0], m[1], m[2]!, m[3]!));
      continue;
    }
    const c =
      m[4] !== undefined
        ? check(m[0], m[4], m[5]!, m[6]!)
        : check(m[0], m[7]!.slice(0, -3), m[7]!.slice(-3, -1), m[7]!.slice(-1));
    if (c.valid && (labelled || known(c.normalized!))) out.push(c);
    else if (labelled && m[4] === undefined && m[7] !== undefined) out.push(c);
  }
  return out;
}
