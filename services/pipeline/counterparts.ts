// Reads: validated reports as the pipeline sees them. Writes: nothing; remembers the latest report
// of each document kind per consignment, so that when the MANIFEST and the DECLARATION of one
// consignment have both arrived, both can be judged against each other (reconciliation).
// Guarantees: bounded memory, counted as what the remembered documents keep allocated (their slabs,
// ByteSlab) plus a fixed overhead per document; the least recently seen consignments are forgotten
// first once that reaches the budget. A remembered document is kept as its message's bytes (off the V8 heap: 20,000 consignments of parsed reports
// made every major GC trace millions of objects) and decoded again only when its counterpart
// arrives. Both documents share the Kafka key (consignmentId), so they reach the same partition and
// the same process; what this process has not seen (restart, rebalance, eviction) the pipeline looks
// up in the store (stored-counterparts.ts) before it judges a batch.
import type { Lane } from '../../schemas/decision.ts';
import type { DocumentType, Report } from '../../schemas/report.ts';
import type { KafkaOrigin } from '../storage/decision-rows.ts';
import { ByteSlab } from '../storage/tsv-buffer.ts';
import { screenMessage } from './decode.ts';

export interface SeenDocument {
  report: Report;
  origin: KafkaOrigin;
  /** Set when the report was read leniently (screening PARTIAL): what the strict schema refused. */
  partial?: string;
  /** The lane it was given, once scored (an amendment of a flagged document is judged against it). */
  lane?: Lane;
}

/** A document as remembered: its message's bytes, not its parsed report. */
export interface Remembered {
  messageId: string;
  bytes: Buffer;
  origin: KafkaOrigin;
  partial?: string;
  lane?: Lane;
}

type Pair = Partial<Record<DocumentType, Remembered>>;

/**
 * What one remembered document costs besides its bytes (its entry, the pair, the Map slot), so a
 * budget in bytes also bounds a flood of tiny documents.
 */
export const ENTRY_OVERHEAD_BYTES = 256;

/**
 * The pipeline's default budget (COUNTERPART_CACHE_MB). In the generator's traffic half of the pairs
 * are ~7,000 consignments apart and a tenth over 24,000; 128 MiB holds ~70,000 documents of 1.6 kB
 * until it starts forgetting, ~50,000 after (slabs then hold ~1.5 × the bytes of their live documents),
 * where the earlier 20,000 consignments sent one pair in six to the store (a ClickHouse read of
 * ~0.25 ms per consignment while the batch waits).
 */
export const DEFAULT_COUNTERPART_CACHE_MB = 128;

export interface CounterpartLimits {
  /**
   * Memory above which the oldest consignments go: the slabs the remembered documents keep allocated
   * plus ENTRY_OVERHEAD_BYTES per document.
   */
  bytes: number;
  /** At most this many consignments (default: no limit beyond bytes). */
  consignments?: number;
  /** Size of the slabs documents are copied into (default 64 KiB; tests use small ones). */
  slabBytes?: number;
}

const other = (t: DocumentType): DocumentType => (t === 'MANIFEST' ? 'DECLARATION' : 'MANIFEST');

/** The remembered document read again as the pipeline read it; undefined if it no longer decodes. */
export function recall(r: Remembered): SeenDocument | undefined {
  const screened = screenMessage(r.bytes);
  if (screened.status === 'UNREADABLE') return undefined;
  const doc: SeenDocument = { report: screened.report, origin: r.origin };
  if (r.partial !== undefined) doc.partial = r.partial;
  if (r.lane !== undefined) doc.lane = r.lane;
  return doc;
}

export class CounterpartCache {
  private readonly pairs = new Map<string, Pair>();
  // Copies packed into 64 KiB slabs: a pooled Buffer per message was 4 % of the pipeline's main thread.
  private readonly slab: ByteSlab;
  private readonly maxBytes: number;
  private readonly maxConsignments: number;
  private documents = 0;

  constructor(limits: CounterpartLimits) {
    this.maxBytes = limits.bytes;
    this.maxConsignments = limits.consignments ?? Number.POSITIVE_INFINITY;
    this.slab = new ByteSlab(limits.slabBytes);
  }

  /** Consignments remembered. */
  get size(): number {
    return this.pairs.size;
  }

  /** Bytes counted against the budget. */
  get bytes(): number {
    return this.slab.held + this.documents * ENTRY_OVERHEAD_BYTES;
  }

  /** Whether anything of this consignment is remembered (it was then looked up in the store already). */
  knows(consignmentId: string): boolean {
    return this.pairs.has(consignmentId);
  }

  /** Remembers a stored document unless one of its kind is already known (memory is newer). */
  rememberStored(doc: SeenDocument, bytes: Buffer): void {
    if (this.pairs.get(doc.report.consignment.consignmentId)?.[doc.report.documentType] === undefined)
      this.remember(doc, bytes);
  }

  /** The other document of this report's consignment, if it was seen (and is not this same message). */
  counterpart(report: Report): Remembered | undefined {
    const doc = this.pairs.get(report.consignment.consignmentId)?.[other(report.documentType)];
    return doc && doc.messageId !== report.messageId ? doc : undefined;
  }

  /** The earlier version of this document (same consignment and kind, another messageId), if seen. */
  earlierVersion(report: Report): Remembered | undefined {
    const doc = this.pairs.get(report.consignment.consignmentId)?.[report.documentType];
    return doc && doc.messageId !== report.messageId ? doc : undefined;
  }

  /**
   * Forgets the least recently seen consignments until it is within its limits (the newest one stays
   * even alone over budget: its counterpart may be next). Separate from `remember`, so that a batch
   * remembers all its documents first and only then lets old ones go: forgetting while the batch was
   * being read dropped counterparts that later documents of the same batch were about to pair with.
   */
  trim(): void {
    while (this.pairs.size > 1 && (this.bytes > this.maxBytes || this.pairs.size > this.maxConsignments)) {
      const [oldest, gone] = this.pairs.entries().next().value!;
      this.forget(gone.MANIFEST);
      this.forget(gone.DECLARATION);
      this.pairs.delete(oldest);
    }
  }

  private forget(entry: Remembered | undefined): void {
    if (entry === undefined) return;
    this.slab.release(entry.bytes);
    this.documents--;
  }

  /** Remembers the document as a copy of `bytes` (never a view into a Kafka fetch buffer); see `trim`. */
  remember(doc: SeenDocument, bytes: Buffer): Remembered {
    const id = doc.report.consignment.consignmentId;
    const entry: Remembered = {
      messageId: doc.report.messageId,
      bytes: this.slab.copy(bytes),
      origin: doc.origin,
    };
    if (doc.partial !== undefined) entry.partial = doc.partial;
    if (doc.lane !== undefined) entry.lane = doc.lane;
    const pair = this.pairs.get(id) ?? {};
    this.pairs.delete(id); // re-insert: Map order is the recency order
    this.forget(pair[doc.report.documentType]);
    this.documents++;
    pair[doc.report.documentType] = entry;
    this.pairs.set(id, pair);
    return entry;
  }
}
