// Reads: the carrier's MANIFEST and the importer's DECLARATION of the same consignment.
// Writes: rule hits `manifest-declaration-mismatch`, one per difference (description, HS, weight, parties).
// Guarantees: pure; compares like with like (HS on 6 digits, weights with a tolerance, names after
// company-form normalisation), so formatting differences between two filers are not reported.
import type { RuleHit } from '../../schemas/decision.ts';
import type { Report } from '../../schemas/report.ts';
import { chemTokens, FILLER_WORDS } from '../chemistry/tokens.ts';
import { jaroWinkler, tokenSetSimilarity } from './fuzzy.ts';
import { partyNameProfile } from './party-names.ts';

export const RECONCILE_RULE_ID = 'manifest-declaration-mismatch';

export interface ReconcileOptions {
  /** Weight of each mismatch hit (DOMAIN.md §3 #2: mis-manifesting). */
  weight: number;
  /** Relative gross-weight difference tolerated between the two documents. */
  weightTolerance: number;
  /** Absolute difference always tolerated, in kg (scales, rounding). */
  weightSlackKg: number;
  /** Below this token overlap two descriptions are different goods. */
  minDescriptionOverlap: number;
  /** Below this similarity two party names are different parties. */
  minPartySimilarity: number;
}

export const DEFAULT_RECONCILE_OPTIONS: Readonly<ReconcileOptions> = Object.freeze({
  weight: 0.4,
  weightTolerance: 0.05,
  weightSlackKg: 1,
  minDescriptionOverlap: 0.5,
  minPartySimilarity: 0.85,
});

const meaningful = (text: string) => chemTokens(text).filter((t) => !/^\d+$/.test(t) && !FILLER_WORDS.has(t));

/** Share of the shorter description's words that have a near-identical word in the other. */
export function descriptionOverlap(a: string, b: string): number {
  // The two filers usually write the same text: every token then finds itself (overlap 1).
  if (a === b) return 1;
  const ta = meaningful(a);
  const tb = meaningful(b);
  if (ta.length === 0 || tb.length === 0) return ta.length === tb.length ? 1 : 0;
  const [short, long] = ta.length <= tb.length ? [ta, tb] : [tb, ta];
  // An identical word is a match (jaroWinkler = 1) before any near one is sought.
  const hit = short.filter((t) => long.includes(t) || long.some((u) => jaroWinkler(t, u) >= 0.9)).length;
  return hit / short.length;
}

export function reconcile(
  manifest: Report,
  declaration: Report,
  options: Partial<ReconcileOptions> = {},
): RuleHit[] {
  const o = { ...DEFAULT_RECONCILE_OPTIONS, ...options };
  const hits: RuleHit[] = [];
  const hit = (goodsLine: number | null, field: string, explanation: string, m: unknown, d: unknown) =>
    hits.push({
      ruleId: RECONCILE_RULE_ID,
      weight: o.weight,
      explanation,
      goodsLine,
      evidence: { field, manifest: m, declaration: d, indicator: 2 },
    });

  const mg = manifest.consignment.goods;
  const dg = declaration.consignment.goods;
  if (mg.length !== dg.length) {
    hit(
      null,
      'goods',
      `Manifest has ${mg.length} goods lines, declaration ${dg.length}`,
      mg.length,
      dg.length,
    );
  }
  const byNumber = new Map(dg.map((l) => [l.lineNumber, l]));
  for (const m of mg) {
    const d = byNumber.get(m.lineNumber);
    if (d === undefined) continue;
    if (descriptionOverlap(m.description, d.description) < o.minDescriptionOverlap) {
      hit(
        m.lineNumber,
        'description',
        `Line ${m.lineNumber}: manifest says "${m.description}", declaration says "${d.description}"`,
        m.description,
        d.description,
      );
    }
    if (m.hsCode && d.hsCode && m.hsCode.slice(0, 6) !== d.hsCode.slice(0, 6)) {
      hit(
        m.lineNumber,
        'hsCode',
        `Line ${m.lineNumber}: HS ${m.hsCode} on the manifest, ${d.hsCode} on the declaration`,
        m.hsCode,
        d.hsCode,
      );
    }
  }

  const total = (goods: typeof mg) =>
    goods.every((g) => g.grossWeightKg !== null && g.grossWeightKg !== undefined)
      ? goods.reduce((s, g) => s + (g.grossWeightKg ?? 0), 0)
      : null;
  const mw = total(mg);
  const dw = total(dg);
  if (mw !== null && dw !== null) {
    const diff = Math.abs(mw - dw);
    if (diff > o.weightSlackKg && diff > o.weightTolerance * Math.max(mw, dw)) {
      hit(
        null,
        'grossWeightKg',
        `Gross weight ${mw} kg on the manifest, ${dw} kg on the declaration`,
        mw,
        dw,
      );
    }
  }

  for (const role of ['shipper', 'consignee'] as const) {
    const a = manifest.consignment.parties[role].name;
    const b = declaration.consignment.parties[role].name;
    const sim = tokenSetSimilarity(partyNameProfile(a).core, partyNameProfile(b).core);
    if (sim < o.minPartySimilarity) {
      hit(
        null,
        role,
        `${role === 'shipper' ? 'Shipper' : 'Consignee'} "${a}" on the manifest, "${b}" on the declaration`,
        a,
        b,
      );
    }
  }
  return hits;
}
