// Reads: consignees of consignments already decided (the ClickHouse decisions table in the pipeline, a
// history file of earlier reports for `score --history FILE`, and every report scored since). Writes:
// nothing outside itself. Guarantees: a consignee is "first-time" only while no other consignment of
// theirs is known; the manifest and declaration of one consignment, re-deliveries and replays do not
// make a consignee known (keyed by consignment). Names compare normalised (company forms and case dropped).
import { normalizePartyName } from './party-names.ts';

export interface ImporterHistory {
  /** True when a consignment other than `consignmentId` is known for this consignee. */
  known(consigneeName: string, consignmentId: string): boolean;
  /** Remembers that `consignmentId` went to this consignee. */
  record(consigneeName: string, consignmentId: string): void;
  readonly size: number;
}

export const consigneeKey = (name: string) => normalizePartyName(name).core.join(' ');

/** Consignees seen, each with its first consignment (or '*' once a second one is known). */
export function createImporterHistory(entries: Iterable<[string, string]> = []): ImporterHistory {
  const first = new Map<string, string>();
  const add = (key: string, consignmentId: string) => {
    const seen = first.get(key);
    if (seen === undefined) first.set(key, consignmentId);
    else if (seen !== consignmentId) first.set(key, '*');
  };
  for (const [name, consignment] of entries) add(consigneeKey(name), consignment);
  return {
    known(consigneeName, consignmentId) {
      const seen = first.get(consigneeKey(consigneeName));
      return seen !== undefined && seen !== consignmentId;
    },
    record(consigneeName, consignmentId) {
      add(consigneeKey(consigneeName), consignmentId);
    },
    get size() {
      return first.size;
    },
  };
}
