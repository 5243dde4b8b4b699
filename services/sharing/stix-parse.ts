// A STIX 2.1 bundle back into a sharing package, open to any layout: the object carrying the
// `sharing` part of our property extension (SHARING_EXTENSION_ID) is the package, the notes carrying
// its case parts are its case, and every other object is partner context, kept as sent.
// Reads: an untrusted bundle whose objects already passed their own OASIS schemas (verify.ts).
// Writes: nothing. Guarantees: never throws anything but PackageRejected(UNEXPECTED_CONTENT); our
// extension's parts are read strictly (zod, as its JSON schema); the objects that carry them hold no
// property STIX 2.1 does not define for their type (custom properties, deprecated by STIX 2.1 §11.1,
// would ride beside the agreement's checks); timestamps of any precision STIX allows are read and
// kept to the millisecond.
import { z } from 'zod';
import type { Json, JsonObject } from './case-fields.ts';
import { PackageRejected } from './errors.ts';
import { parseCaseId, shareIdFor } from './ids.ts';
import {
  camelKeys,
  DOCUMENT_FIELDS,
  FORMAT_OBJECT_IDS,
  OUTCOME_DISPOSITIONS,
  PACKAGE_KINDS,
  type PackageIds,
  type PackageKind,
  RECEIPT_STATUSES,
  SHARING_EXTENSION_ID,
  type SharingPackage,
  type StixObject,
} from './stix-package.ts';
import { TLP_LEVELS, TLP_MARKING_IDS, type Tlp, tlpOfMarkingId } from './tlp.ts';

/** A STIX timestamp (RFC 3339, UTC, any number of fraction digits) as ISO with exactly milliseconds. */
export function toMilliseconds(ts: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(ts);
  if (m === null) return undefined;
  const iso = `${m[1]}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

const timestamp = z.string().transform((s, ctx) => {
  const ms = toMilliseconds(s);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a STIX timestamp (UTC, RFC 3339)' });
    return z.NEVER;
  }
  return ms;
});

const xSharing = z
  .object({
    kind: z.enum(PACKAGE_KINDS),
    share_id: z.uuid(),
    case_id: z.string().min(3).max(200),
    version: z.number().int().min(1).max(1_000_000),
    sender: z.string().min(1).max(16),
    recipient: z.string().min(1).max(16),
  })
  .strict();

const xTerms = z
  .object({
    agreement_id: z.string().min(1).max(64),
    effective_from: timestamp,
    legal_basis: z.array(z.string().min(1).max(500)).min(1).max(20),
    tlp: z.enum(TLP_LEVELS),
    retention_days: z.number().int().min(1).max(3650),
    onward_sharing: z.boolean(),
  })
  .strict();

const identitySchema = z
  .object({
    name: z.string().min(1).max(200),
    contact_information: z.string().max(500).optional(),
    created: timestamp,
  })
  .loose();

const primarySchema = z
  .object({ type: z.string(), created: timestamp, modified: timestamp, created_by_ref: z.string() })
  .loose();

function reject(detail: string): never {
  throw new PackageRejected('UNEXPECTED_CONTENT', detail);
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  return reject(`${what}: ${issue.path.join('.') || '(value)'}: ${issue.message}`);
}

const isJsonObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object's part of the sharing property extension, or undefined. */
export function sharingExtension(o: StixObject): JsonObject | undefined {
  const ext = o.extensions;
  if (!isJsonObject(ext)) return undefined;
  const mine = ext[SHARING_EXTENSION_ID];
  return isJsonObject(mine) ? mine : undefined;
}

/** Properties STIX 2.1 defines for an SDO (§3.2), and for the two types that carry our extension. */
const SDO_COMMON = [
  'type',
  'spec_version',
  'id',
  'created',
  'modified',
  'created_by_ref',
  'revoked',
  'labels',
  'confidence',
  'lang',
  'external_references',
  'object_marking_refs',
  'granular_markings',
  'extensions',
];
const STIX_PROPERTIES: Readonly<Record<string, ReadonlySet<string>>> = {
  report: new Set([...SDO_COMMON, 'name', 'description', 'report_types', 'published', 'object_refs']),
  note: new Set([...SDO_COMMON, 'abstract', 'content', 'authors', 'object_refs']),
};
const CASE_PARTS = ['assessment', 'rule_hit', 'substance'];

/** An object that carries our extension holds only what STIX defines for its type, and the extension. */
function checkCarrier(o: StixObject): void {
  const allowed = STIX_PROPERTIES[String(o.type)];
  if (allowed === undefined)
    reject(`the sharing extension sits on a ${String(o.type)}, not a report or note`);
  const custom = Object.keys(o).filter((k) => !allowed.has(k));
  if (custom.length > 0) reject(`object ${String(o.id)} differs from the format in: ${custom.join(', ')}`);
}

const refsOf = (o: StixObject): string[] => (Array.isArray(o.object_refs) ? o.object_refs.map(String) : []);

function parseCase(
  objects: StixObject[],
  report: StixObject,
  ext: JsonObject,
): { case: JsonObject; pseudonymised: string[]; noteIds: string[] } {
  if (!isJsonObject(ext.consignment)) reject('the report carries no consignment');
  const camel = camelKeys(ext.consignment);
  const doc: JsonObject = {};
  const rest: JsonObject = {};
  for (const [k, v] of Object.entries(camel)) (DOCUMENT_FIELDS.includes(k) ? doc : rest)[k] = v;
  if (Object.keys(rest).length > 0) doc.consignment = rest;

  const assessment: JsonObject = {};
  const ruleHits: Json[] = [];
  const substances: Json[] = [];
  const noteIds: string[] = [];
  for (const o of objects) {
    const x = o === report ? undefined : sharingExtension(o);
    if (x === undefined) continue;
    // A case part on anything but a note on this report would be case content outside the case.
    if (o.type !== 'note' || !refsOf(o).includes(String(report.id))) {
      reject(`object ${String(o.id)} carries case content but is not a note on ${String(report.id)}`);
    }
    const parts = CASE_PARTS.filter((k) => isJsonObject(x[k]));
    const others = Object.keys(x).filter((k) => k !== 'extension_type' && !CASE_PARTS.includes(k));
    if (parts.length !== 1 || others.length > 0) {
      reject(`note ${String(o.id)} must carry exactly one of ${CASE_PARTS.join(', ')} and nothing else`);
    }
    checkCarrier(o);
    noteIds.push(String(o.id));
    if (isJsonObject(x.assessment)) Object.assign(assessment, camelKeys(x.assessment));
    else if (isJsonObject(x.rule_hit)) ruleHits.push(camelKeys(x.rule_hit));
    else if (isJsonObject(x.substance)) substances.push(camelKeys(x.substance));
  }
  if (ruleHits.length > 0) assessment.ruleHits = ruleHits;
  if (substances.length > 0) assessment.substances = substances;
  if (Object.keys(assessment).length > 0) doc.assessment = assessment;

  const paths = ext.pseudonymised_paths;
  const pseudonymised =
    paths === undefined
      ? []
      : parseWith(z.array(z.string().max(200)).min(1).max(100), paths, 'pseudonymised_paths');
  return { case: doc, pseudonymised, noteIds };
}

const bundleSchema = z
  .object({
    type: z.literal('bundle'),
    id: z.string(),
    objects: z.array(z.record(z.string(), z.unknown())).min(1),
  })
  .strict();

export interface ReadBundle {
  /** The package, when one object carries the extension's `sharing` part; absent for plain STIX. */
  pkg?: SharingPackage;
  /** The object that carries it. */
  primary?: StixObject;
  objects: StixObject[];
  bundleId: string;
}

/**
 * Reads any bundle: our package if one object carries it (throws PackageRejected(UNEXPECTED_CONTENT)
 * when that part is malformed), whatever else the bundle holds (see partnerContext).
 */
export function readBundle(value: unknown): ReadBundle {
  const bundle = parseWith(bundleSchema, value, 'bundle');
  const primaries = bundle.objects.filter((o) => isJsonObject(sharingExtension(o)?.sharing));
  if (primaries.length === 0) {
    const stray = bundle.objects.find((o) => sharingExtension(o) !== undefined);
    if (stray !== undefined) reject(`object ${String(stray.id)} carries case content outside a case`);
    return { objects: bundle.objects, bundleId: bundle.id };
  }
  if (primaries.length !== 1)
    reject(`expected one object with the sharing extension, found ${primaries.length}`);
  const primary = primaries[0]!;
  const pkg = packageOf(bundle, primary);
  if (pkg.kind !== 'CASE' && pkg.kind !== 'UPDATE') {
    // Only a case has case notes: anything else carrying the extension is content outside the package.
    const stray = bundle.objects.find((o) => o !== primary && sharingExtension(o) !== undefined);
    if (stray !== undefined) reject(`object ${String(stray.id)} carries case content outside a case`);
  }
  return { pkg, primary, objects: bundle.objects, bundleId: bundle.id };
}

function packageOf(bundle: { id: string; objects: StixObject[] }, primary: StixObject): SharingPackage {
  const ext = sharingExtension(primary)!;
  const sharing = parseWith(xSharing, ext.sharing, 'sharing');
  const terms = parseWith(xTerms, ext.terms, 'terms');
  const head = parseWith(
    primarySchema,
    primary,
    primary.type === undefined ? 'object' : String(primary.type),
  );
  const wantType = sharing.kind === 'RECEIPT' || sharing.kind === 'OUTCOME' ? 'note' : 'report';
  if (head.type !== wantType) reject(`a ${sharing.kind} is carried by a ${wantType}, not a ${head.type}`);
  checkCarrier(primary);
  // The sender's identity object is optional (a partner's tool may refer to it only); the id is
  // what binds the package to the agency (verify.ts checks it against the agreement).
  const identity = bundle.objects.find((o) => o.type === 'identity' && o.id === head.created_by_ref);
  const id = identity === undefined ? undefined : parseWith(identitySchema, identity, 'sender identity');
  const markings = Array.isArray(primary.object_marking_refs) ? primary.object_marking_refs.map(String) : [];
  const statement = bundle.objects.find(
    (o) =>
      o.type === 'marking-definition' && o.definition_type === 'statement' && markings.includes(String(o.id)),
  );
  const refs = refsOf(primary);
  const ids = (more: Omit<PackageIds, 'bundle' | 'statement'>): PackageIds => ({
    bundle: bundle.id,
    statement: statement === undefined ? '' : String(statement.id),
    ...more,
  });
  const backRef = refs[0]?.startsWith('report--') ? { report: refs[0] } : {};
  const common = {
    shareId: sharing.share_id,
    caseId: sharing.case_id,
    version: sharing.version,
    sender: sharing.sender,
    recipient: sharing.recipient,
    terms: {
      agreementId: terms.agreement_id,
      effectiveFrom: terms.effective_from,
      legalBasis: terms.legal_basis,
      tlp: terms.tlp,
      retentionDays: terms.retention_days,
      onwardSharing: terms.onward_sharing,
    },
    senderIdentity: {
      agency: sharing.sender,
      id: head.created_by_ref,
      name: id?.name ?? sharing.sender,
      ...(id?.contact_information === undefined ? {} : { contact: id.contact_information }),
      since: id?.created ?? head.created,
    },
  };
  switch (sharing.kind) {
    case 'CASE':
    case 'UPDATE': {
      const c = parseCase(bundle.objects, primary, ext);
      return {
        ids: ids({ report: String(primary.id), notes: c.noteIds }),
        ...common,
        kind: sharing.kind,
        issuedAt: head.modified,
        firstSharedAt: head.created,
        case: c.case,
        pseudonymised: c.pseudonymised,
      };
    }
    case 'REVOKE': {
      const r = parseWith(
        z.object({ reason: z.string().min(1).max(2000) }).strict(),
        ext.revocation,
        'revocation',
      );
      return {
        ids: ids({ report: String(primary.id), notes: [] }),
        ...common,
        kind: 'REVOKE',
        issuedAt: head.modified,
        firstSharedAt: head.created,
        reason: r.reason,
      };
    }
    case 'RECEIPT': {
      const r = parseWith(
        z
          .object({
            status: z.enum(RECEIPT_STATUSES),
            for_kind: z.enum(PACKAGE_KINDS),
            for_bundle_id: z.string().max(200),
            for_bundle_sha256: z.string().regex(/^[0-9a-f]{64}$/),
            reason: z.string().max(2000).optional(),
          })
          .strict(),
        ext.receipt,
        'receipt',
      );
      return {
        ids: ids({ ...backRef, notes: [String(primary.id)] }),
        ...common,
        kind: 'RECEIPT',
        issuedAt: head.created,
        receipt: {
          status: r.status,
          forKind: r.for_kind,
          forBundleId: r.for_bundle_id,
          forBundleSha256: r.for_bundle_sha256,
          ...(r.reason === undefined ? {} : { reason: r.reason }),
        },
      };
    }
    case 'OUTCOME': {
      const o = parseWith(
        z.object({ disposition: z.enum(OUTCOME_DISPOSITIONS), decided_at: timestamp }).strict(),
        ext.outcome,
        'outcome',
      );
      return {
        ids: ids({ ...backRef, notes: [String(primary.id)] }),
        ...common,
        kind: 'OUTCOME',
        issuedAt: head.created,
        outcome: { disposition: o.disposition, decidedAt: o.decided_at },
      };
    }
  }
}

/**
 * The package a bundle in our format carries. Throws PackageRejected(UNEXPECTED_CONTENT) when no
 * object (or more than one) carries the sharing extension, or when its parts are malformed.
 */
export function parseBundle(value: unknown): SharingPackage {
  const read = readBundle(value);
  if (read.pkg === undefined) reject('expected one object with the sharing extension, found 0');
  return read.pkg;
}

/** TLP 1.0 marking-definition ids (STIX 2.1 §7.2.1.4), read as the TLP 2.0 level they became. */
const TLP1_MARKING_IDS: Readonly<Record<string, Tlp>> = {
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'CLEAR',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'GREEN',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'AMBER',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'RED',
};

/** The TLP level of a marking-definition id (2.0, or 1.0 read as its 2.0 level), if it is one. */
export function tlpOfMarking(id: string): Tlp | undefined {
  return tlpOfMarkingId(id) ?? TLP1_MARKING_IDS[id];
}

/** The strictest TLP level any object of the bundle is marked with, if any. */
export function strictestTlp(objects: readonly StixObject[]): Tlp | undefined {
  let out: Tlp | undefined;
  for (const o of objects) {
    for (const ref of Array.isArray(o.object_marking_refs) ? o.object_marking_refs : []) {
      const level = tlpOfMarking(String(ref));
      if (level !== undefined && (out === undefined || TLP_LEVELS.indexOf(level) > TLP_LEVELS.indexOf(out)))
        out = level;
    }
  }
  return out;
}

/** The latest `modified` (or `created`) of the bundle's objects, to the millisecond. */
export function latestTimestamp(objects: readonly StixObject[]): string | undefined {
  let out: string | undefined;
  for (const o of objects) {
    const t = toMilliseconds(String(o.modified ?? o.created ?? ''));
    if (t !== undefined && (out === undefined || t > out)) out = t;
  }
  return out;
}

const TLP_IDS = new Set<string>([...Object.values(TLP_MARKING_IDS), ...Object.keys(TLP1_MARKING_IDS)]);

/**
 * What the partner sent that this format does not model ("partner context"): every object but the
 * package's own (its report or note, its case notes, its statement marking, the sender's identity),
 * the format's fixed objects and the TLP markings. Kept as sent, shown to the officer as such.
 */
export function partnerContext(objects: readonly StixObject[], pkg: SharingPackage): StixObject[] {
  const own = new Set<string>([
    ...FORMAT_OBJECT_IDS,
    ...TLP_IDS,
    pkg.senderIdentity.id,
    pkg.ids.statement,
    ...pkg.ids.notes,
    ...(pkg.kind === 'RECEIPT' || pkg.kind === 'OUTCOME' ? [] : [pkg.ids.report ?? '']),
  ]);
  return objects.filter((o) => !own.has(String(o.id)));
}

/**
 * Whether a package flows from the partner back to the case's originator: an outcome, and a receipt
 * of a case, update or revocation. A receipt of an outcome flows forward (originator → partner).
 */
export function flowsBack(p: { kind: PackageKind; receipt?: { forKind: PackageKind } }): boolean {
  if (p.kind === 'OUTCOME') return true;
  if (p.kind !== 'RECEIPT') return false;
  return p.receipt?.forKind !== 'OUTCOME';
}

/** The share id a package must carry: derived from its case id and direction, never chosen by the sender. */
export function expectedShareId(
  p: Pick<SharingPackage, 'caseId' | 'sender' | 'recipient' | 'kind'> & {
    receipt?: { forKind: PackageKind };
  },
): string | undefined {
  const parsed = parseCaseId(p.caseId);
  if (parsed === undefined) return undefined;
  const [from, to] = flowsBack(p) ? [p.recipient, p.sender] : [p.sender, p.recipient];
  if (parsed.originator !== from) return undefined;
  return shareIdFor(from, to, parsed.messageId);
}

/** One object of partner context as the officer sees it: what it is, its text, its own TLP marking. */
export interface ContextItem {
  type: string;
  id: string;
  /** The object's own words (name, value, pattern, note text …), '' when it has none. */
  summary: string;
  /** Its own TLP marking, when it carries one. */
  tlp?: Tlp;
  /** The object exactly as the partner sent it. */
  object: StixObject;
}

const SUMMARY_PROPERTIES = [
  'name',
  'value',
  'abstract',
  'content',
  'opinion',
  'explanation',
  'pattern',
  'description',
  'statement',
];

function summaryOf(o: StixObject): string {
  const parts: string[] = [];
  for (const k of SUMMARY_PROPERTIES) {
    const v = k === 'statement' && isJsonObject(o.definition) ? o.definition.statement : o[k];
    if (typeof v === 'string' && v !== '') parts.push(v);
  }
  if (o.type === 'observed-data' && Array.isArray(o.object_refs))
    parts.push(`observes ${o.object_refs.join(', ')}`);
  return parts.join(' — ').slice(0, 2000);
}

/**
 * The partner context of any bundle this agency accepted: for a package in our format, what
 * partnerContext leaves; for plain STIX, everything but TLP markings. Never throws (a stored
 * bundle that no longer reads shows no context).
 */
export function contextOf(bundle: unknown): ContextItem[] {
  let objects: StixObject[];
  try {
    const read = readBundle(bundle);
    objects =
      read.pkg === undefined
        ? read.objects.filter((o) => !TLP_IDS.has(String(o.id)) && !FORMAT_OBJECT_IDS.includes(String(o.id)))
        : partnerContext(read.objects, read.pkg);
  } catch {
    return [];
  }
  return objects.map((o) => {
    const marks = Array.isArray(o.object_marking_refs) ? o.object_marking_refs : [];
    const tlp = strictestTlp([{ object_marking_refs: marks }]);
    return {
      type: String(o.type),
      id: String(o.id),
      summary: summaryOf(o),
      ...(tlp === undefined ? {} : { tlp }),
      object: o,
    };
  });
}
