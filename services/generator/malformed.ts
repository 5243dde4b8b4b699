// generateMalformed: raw Kafka message values that must go to the dead-letter topic, each with the
// reason code the decoder should give (services/pipeline/decode.ts). Seeded and deterministic.
// Each case is built from a valid generated report with one defect, so only that defect is tested.
import { MAX_MESSAGE_BYTES } from '../../schemas/report.ts';
import { generateReports } from './generate.ts';
import { Rng } from './prng.ts';

export type MalformedReason = 'INVALID_JSON' | 'SCHEMA_INVALID' | 'UNKNOWN_SCHEMA_VERSION' | 'TOO_LARGE';
/** Reasons beyond the four core ones, produced only with `{ extended: true }`. */
export type ExtendedReason = 'EMPTY' | 'INVALID_UTF8' | 'NOT_AN_OBJECT';

export interface MalformedMessage {
  /** What is wrong, e.g. `truncated`, `bad-locode`. */
  kind: string;
  reason: MalformedReason | ExtendedReason;
  bytes: Uint8Array;
}

// biome-ignore lint/suspicious/noExplicitAny: mutations poke at arbitrary JSON.
type Json = any;
type Mutation = {
  kind: string;
  reason: MalformedReason | ExtendedReason;
  make: (report: Json, rng: Rng) => Uint8Array;
};

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);
const json = (v: unknown) => bytes(JSON.stringify(v));
const edit = (f: (r: Json, rng: Rng) => void) => (r: Json, rng: Rng) => {
  f(r, rng);
  return json(r);
};

const CORE: readonly Mutation[] = [
  {
    kind: 'truncated',
    reason: 'INVALID_JSON',
    make: (r, rng) => {
      const s = JSON.stringify(r);
      return bytes(s.slice(0, rng.int(1, s.length - 1)));
    },
  },
  {
    kind: 'trailing-comma',
    reason: 'INVALID_JSON',
    make: (r) => bytes(`${JSON.stringify(r).slice(0, -1)},}`),
  },
  { kind: 'single-quotes', reason: 'INVALID_JSON', make: (r) => bytes(JSON.stringify(r).replace(/"/g, "'")) },
  {
    kind: 'two-objects',
    reason: 'INVALID_JSON',
    make: (r) => bytes(`${JSON.stringify(r)}\n${JSON.stringify(r)}`),
  },
  {
    kind: 'xml-edifact',
    reason: 'INVALID_JSON',
    make: (r) => bytes(`<CUSCAR><BGM>${r.consignment.consignmentId}</BGM></CUSCAR>`),
  },
  {
    kind: 'nan-weight',
    reason: 'INVALID_JSON',
    make: (r) => bytes(JSON.stringify(r).replace(/"grossWeightKg":[^,}]+/, '"grossWeightKg":NaN')),
  },
  {
    kind: 'missing-consignment',
    reason: 'SCHEMA_INVALID',
    make: edit((r) => {
      delete r.consignment;
    }),
  },
  {
    kind: 'bad-locode',
    reason: 'SCHEMA_INVALID',
    make: edit((r) => {
      r.consignment.route.portOfLoading = 'CN SHA';
    }),
  },
  {
    kind: 'no-goods',
    reason: 'SCHEMA_INVALID',
    make: edit((r) => {
      r.consignment.goods = [];
    }),
  },
  {
    kind: 'negative-weight',
    reason: 'SCHEMA_INVALID',
    make: edit((r) => {
      r.consignment.goods[0].grossWeightKg = -5;
    }),
  },
  {
    kind: 'unknown-document-type',
    reason: 'SCHEMA_INVALID',
    make: edit((r) => {
      r.documentType = 'INVOICE';
    }),
  },
  {
    kind: 'dotted-hs',
    reason: 'SCHEMA_INVALID',
    make: edit((r) => {
      r.consignment.goods[0].hsCode = '2933.39';
    }),
  },
  {
    kind: 'empty-message-id',
    reason: 'SCHEMA_INVALID',
    make: edit((r) => {
      r.messageId = '  ';
    }),
  },
  {
    kind: 'bad-filed-at',
    reason: 'SCHEMA_INVALID',
    make: edit((r) => {
      r.filedAt = '10/02/2026 08:15';
    }),
  },
  {
    kind: 'duplicate-line-numbers',
    reason: 'SCHEMA_INVALID',
    make: edit((r) => {
      const g = r.consignment.goods[0];
      r.consignment.goods = [g, { ...g }];
    }),
  },
  {
    kind: 'withdrawn-country',
    reason: 'SCHEMA_INVALID',
    make: edit((r) => {
      r.consignment.route.originCountry = 'UK';
    }),
  },
  {
    kind: 'bad-currency',
    reason: 'SCHEMA_INVALID',
    make: edit((r) => {
      r.consignment.goods[0].declaredValue = { amount: 10, currency: 'RMB' };
    }),
  },
  {
    kind: 'unknown-mode',
    reason: 'SCHEMA_INVALID',
    make: edit((r) => {
      r.consignment.mode = 'DRONE';
    }),
  },
  {
    kind: 'schema-version-2',
    reason: 'UNKNOWN_SCHEMA_VERSION',
    make: edit((r) => {
      r.schemaVersion = 2;
    }),
  },
  {
    kind: 'schema-version-0',
    reason: 'UNKNOWN_SCHEMA_VERSION',
    make: edit((r) => {
      r.schemaVersion = 0;
    }),
  },
  {
    kind: 'schema-version-99',
    reason: 'UNKNOWN_SCHEMA_VERSION',
    make: edit((r) => {
      r.schemaVersion = 99;
    }),
  },
  {
    kind: 'oversized',
    reason: 'TOO_LARGE',
    // Padding in an unknown field (tolerated by the schema), so size is the only defect.
    make: (r, rng) => {
      const head = JSON.stringify(r).slice(0, -1);
      const pad = MAX_MESSAGE_BYTES + rng.int(1, 4096) - head.length;
      return bytes(`${head},"x-padding":"${'a'.repeat(Math.max(0, pad))}"}`);
    },
  },
];

const EXTENDED: readonly Mutation[] = [
  { kind: 'empty', reason: 'EMPTY', make: () => new Uint8Array(0) },
  {
    kind: 'latin1-bytes',
    reason: 'INVALID_UTF8',
    make: (r) => {
      const b = json(r);
      const out = new Uint8Array(b.length + 1);
      out.set(b.subarray(0, 20));
      out[20] = 0xe9;
      out.set(b.subarray(20), 21);
      return out;
    },
  },
  { kind: 'top-level-array', reason: 'NOT_AN_OBJECT', make: (r) => json([r]) },
];

/**
 * `n` malformed message values. Kinds cycle so every kind appears once n >= the number of kinds;
 * the base report and random details come from `seed`.
 */
export function generateMalformed(
  seed: number,
  n: number,
  opts: { extended?: boolean } = {},
): MalformedMessage[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be an integer >= 0');
  const mutations = opts.extended ? [...CORE, ...EXTENDED] : CORE;
  const rng = new Rng((seed ^ 0x6d616c66) >>> 0);
  const { reports } = generateReports({ count: Math.min(n, 64), seed });
  const order = rng.shuffle(mutations.map((_, i) => i));
  const out: MalformedMessage[] = [];
  for (let i = 0; i < n; i++) {
    const m = mutations[order[i % order.length]!]!;
    const base = structuredClone(reports[i % reports.length]);
    out.push({ kind: m.kind, reason: m.reason, bytes: m.make(base, rng) });
  }
  return out;
}
