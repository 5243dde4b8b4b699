// Reads: the consignmentIds in `reports` (one streamed DISTINCT query per load). Writes: nothing.
// Answers, for a consignment this process has not got in memory, whether the store may hold a document
// of it: a Bloom filter of every consignment stored when it was loaded plus every one this process has
// seen since. "No" is certain, so the pipeline skips the store lookup, which was most of ClickHouse's
// CPU per message (each lookup decompresses a block of the sorted consignmentId column per id).
// Guarantees: until a load completes, and from each reload (a new partition assignment, since another
// process may have stored documents of the partitions now ours) until it completes, every question is
// answered "maybe", as if there were no index; ids added while a load runs are kept across it; a failed
// load leaves it answering "maybe" (and is retried at the next assignment); the filter is rebuilt when
// more ids were added than it was sized for, so its false-positive rate stays near 1 %.
import type { Logger } from '../common/logger.ts';
import type { ClickHouseClient } from '../storage/clickhouse.ts';
import { identifier, tsvUnescape } from '../storage/sql.ts';

/** A Bloom filter over strings: `has` is never false for an added string. */
export class BloomFilter {
  private readonly bits: Uint32Array;
  private readonly size: number;
  private readonly hashes: number;

  /** Sized for `capacity` strings at `falsePositiveRate` (optimal bit count and hash count). */
  constructor(
    readonly capacity: number,
    falsePositiveRate = 0.01,
  ) {
    const n = Math.max(1, capacity);
    const m = Math.ceil((-n * Math.log(falsePositiveRate)) / Math.LN2 ** 2);
    this.size = Math.max(64, m);
    this.bits = new Uint32Array(Math.ceil(this.size / 32));
    this.hashes = Math.max(1, Math.round((this.size / n) * Math.LN2));
  }

  // Two 32-bit FNV-1a hashes (different offsets) combined as h1 + i*h2 (Kirsch-Mitzenmacher).
  private positions(s: string, visit: (bit: number) => boolean): boolean {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193 ^ 0x5bd1e995;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    h2 |= 1; // odd, so the probes do not repeat
    for (let i = 0; i < this.hashes; i++) {
      const bit = ((h1 + Math.imul(i, h2)) >>> 0) % this.size;
      if (!visit(bit)) return false;
    }
    return true;
  }

  add(s: string): void {
    this.positions(s, (bit) => {
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
      return true;
    });
  }

  has(s: string): boolean {
    return this.positions(s, (bit) => (this.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0);
  }
}

export interface StoredIndexOptions {
  client: ClickHouseClient;
  database: string;
  logger: Logger;
  /** Ids of the filter beyond those loaded, before it is rebuilt: at least this (default 200,000), or as many as were loaded. */
  headroom?: number;
  /** Called with the number of consignments indexed when a load completes. */
  onLoaded?: (consignments: number) => void;
}

export class StoredConsignments {
  private filter: BloomFilter | null = null;
  /** Ids the filter can still take before it is rebuilt. */
  private room = 0;
  private generation = 0;
  /** Ids added while a load runs: they may be missing from what it read. */
  private duringLoad: string[] | null = null;

  constructor(private readonly opts: StoredIndexOptions) {}

  /** Whether the index answers (false: every consignment may be stored). */
  get ready(): boolean {
    return this.filter !== null;
  }

  /** False only when no document of the consignment can be in the store. */
  mayHave(consignmentId: string): boolean {
    return this.filter === null || this.filter.has(consignmentId);
  }

  /** A consignment this process is storing a document of. */
  add(consignmentId: string): void {
    this.duringLoad?.push(consignmentId);
    if (this.filter === null) return;
    this.filter.add(consignmentId);
    if (--this.room < 0) void this.reload();
  }

  /** Forgets the filter and reads the store again; answers "maybe" until that completes. */
  async reload(): Promise<void> {
    const generation = ++this.generation;
    this.filter = null;
    this.duringLoad = [];
    const started = performance.now();
    const table = identifier(`${this.opts.database}.reports`);
    try {
      const count = await this.opts.client.query({
        query: `SELECT uniq(consignmentId) AS n FROM ${table}`,
        format: 'JSONEachRow',
      });
      const [{ n } = { n: '0' }] = await count.json<{ n: string }>();
      // Room for as many new ids as were stored (at least `headroom`): rebuilds, each a full read, come
      // geometrically rarer as the store grows. uniq is approximate (~2 %): hence the 10 % margin.
      const stored = Number(n);
      const filter = new BloomFilter(
        Math.ceil(stored * 1.1) + Math.max(this.opts.headroom ?? 200_000, stored),
      );
      const rs = await this.opts.client.query({
        query: `SELECT DISTINCT consignmentId FROM ${table}`,
        format: 'TabSeparated',
      });
      let loaded = 0;
      for await (const rows of rs.stream()) {
        for (const row of rows as { text: string }[]) {
          // TabSeparated escapes: the id as stored, backslash sequences undone.
          filter.add(row.text.includes('\\') ? tsvUnescape(row.text) : row.text);
          loaded++;
        }
      }
      if (generation !== this.generation) return; // a newer reload owns the index
      for (const id of this.duringLoad ?? []) filter.add(id);
      this.room = filter.capacity - loaded - (this.duringLoad?.length ?? 0);
      this.duringLoad = null;
      this.filter = filter;
      this.opts.onLoaded?.(loaded);
      this.opts.logger.info(
        { consignments: loaded, ms: Math.round(performance.now() - started) },
        'stored consignments indexed; the store is read only for consignments it may hold',
      );
    } catch (err) {
      if (generation !== this.generation) return;
      this.duringLoad = null;
      this.opts.logger.warn(
        { err },
        'stored consignments could not be indexed; every new consignment is looked up in the store',
      );
    }
  }
}
