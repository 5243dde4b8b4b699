// Reads: permit draws (which consignment drew how many kg of which substance under which permit), from
// scoring as it happens and, in the pipeline, from the ClickHouse `permit_usage` table at start and on
// each poll. Writes: nothing outside itself. Guarantees: draws are keyed by consignment, so the manifest
// and the declaration of one consignment, a re-delivery or a replay never count twice; a consignment's
// own earlier draw is never held against it.
import { permitKey } from './permit-register.ts';

export interface PermitDraw {
  reference: string;
  casNumber: string;
  quantityKg: number;
  goodsLine: number;
}

export interface PermitLedger {
  /** kg already drawn on (reference, CAS) by consignments other than `exceptConsignment`. */
  usedKg(reference: string, casNumber: string, exceptConsignment: string): number;
  /** Replaces everything `consignmentId` drew before with `draws`. */
  record(consignmentId: string, draws: readonly PermitDraw[]): void;
  /** The consignment has draws recorded here. */
  hasConsignment(consignmentId: string): boolean;
  /** Consignments with at least one draw (for metrics and tests). */
  readonly consignments: number;
}

const keyOf = (reference: string, cas: string) => `${permitKey(reference)}|${cas}`;

export function createPermitLedger(): PermitLedger {
  const totals = new Map<string, number>();
  // consignment -> key -> kg: what to take back when the consignment is scored again.
  const byConsignment = new Map<string, Map<string, number>>();
  return {
    usedKg(reference, casNumber, exceptConsignment) {
      const key = keyOf(reference, casNumber);
      const own = byConsignment.get(exceptConsignment)?.get(key) ?? 0;
      return Math.max(0, (totals.get(key) ?? 0) - own);
    },
    record(consignmentId, draws) {
      const old = byConsignment.get(consignmentId);
      if (old !== undefined) {
        for (const [key, kg] of old) totals.set(key, (totals.get(key) ?? 0) - kg);
        byConsignment.delete(consignmentId);
      }
      if (draws.length === 0) return;
      const mine = new Map<string, number>();
      for (const d of draws) {
        const key = keyOf(d.reference, d.casNumber);
        mine.set(key, (mine.get(key) ?? 0) + d.quantityKg);
        totals.set(key, (totals.get(key) ?? 0) + d.quantityKg);
      }
      byConsignment.set(consignmentId, mine);
    },
    hasConsignment: (consignmentId) => byConsignment.has(consignmentId),
    get consignments() {
      return byConsignment.size;
    },
  };
}
