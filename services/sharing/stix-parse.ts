// A STIX 2.1 bundle back into a sharing package (the inverse of stix-package.ts buildBundle),
// reading the property extension SHARING_EXTENSION_ID (which carries the consignment on the report).
// Reads: an untrusted bundle. Writes: nothing. Guarantees: never throws anything but
// PackageRejected(UNEXPECTED_CONTENT); the caller must still check that buildBundle(result) equals
// the bundle (verify.ts), which is what makes "nothing the format does not define" hold.
import { z } from 'zod';
import type { Json, JsonObject } from './case-fields.ts';
import { PackageRejected } from './errors.ts';
import { parseCaseId, shareIdFor } from './ids.ts';
import {
  camelKeys,
  DOCUMENT_FIELDS,
  OUTCOME_DISPOSITIONS,
  PACKAGE_KINDS,
  type PackageIds,
  RECEIPT_STATUSES,
  SHARING_EXTENSION_ID,
  type SharingPackage,
  type StixObject,
} from './stix-package.ts';
import { TLP_LEVELS } from './tlp.ts';

const timestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'expected a UTC timestamp with ms');

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

const primarySchema = z.object({ type: z.string(), created: timestamp, modified: timestamp }).loose();

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

function parseCase(
  objects: StixObject[],
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
    if (o.type !== 'note') continue;
    const x = sharingExtension(o);
    if (x === undefined) continue;
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

/**
 * The package a bundle carries. Throws PackageRejected(UNEXPECTED_CONTENT) when the bundle is not in
 * this format; the caller must still compare `buildBundle(result)` with the bundle (see verify.ts).
 */
export function parseBundle(value: unknown): SharingPackage {
  const bundle = parseWith(
    z
      .object({
        type: z.literal('bundle'),
        id: z.string(),
        objects: z.array(z.record(z.string(), z.unknown())).min(1),
      })
      .strict(),
    value,
    'bundle',
  );
  const primaries = bundle.objects.filter((o) => isJsonObject(sharingExtension(o)?.sharing));
  if (primaries.length !== 1)
    reject(`expected one object with the sharing extension, found ${primaries.length}`);
  const primary = primaries[0]!;
  const ext = sharingExtension(primary)!;
  const sharing = parseWith(xSharing, ext.sharing, 'sharing');
  const terms = parseWith(xTerms, ext.terms, 'terms');
  const head = parseWith(
    primarySchema,
    primary,
    primary.type === undefined ? 'object' : String(primary.type),
  );
  const identity = bundle.objects.find((o) => o.type === 'identity' && o.id === primary.created_by_ref);
  if (identity === undefined) reject(`no identity object for sender ${sharing.sender}`);
  const id = parseWith(identitySchema, identity, 'sender identity');
  const markings = Array.isArray(primary.object_marking_refs) ? primary.object_marking_refs.map(String) : [];
  const statement = bundle.objects.find(
    (o) =>
      o.type === 'marking-definition' && o.definition_type === 'statement' && markings.includes(String(o.id)),
  );
  if (statement === undefined) reject('no statement marking with the handling terms');
  const refs = Array.isArray(primary.object_refs) ? primary.object_refs.map(String) : [];
  const ids = (more: Omit<PackageIds, 'bundle' | 'statement'>): PackageIds => ({
    bundle: bundle.id,
    statement: String(statement.id),
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
      id: String(identity.id),
      name: id.name,
      ...(id.contact_information === undefined ? {} : { contact: id.contact_information }),
      since: id.created,
    },
  };
  switch (sharing.kind) {
    case 'CASE':
    case 'UPDATE': {
      const c = parseCase(bundle.objects, ext);
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

/** The share id a package must carry: derived from its case id and direction, never chosen by the sender. */
export function expectedShareId(
  p: Pick<SharingPackage, 'caseId' | 'sender' | 'recipient' | 'kind'>,
): string | undefined {
  const parsed = parseCaseId(p.caseId);
  if (parsed === undefined) return undefined;
  // Cases flow originator → partner; receipts and outcomes flow back.
  const back = p.kind === 'RECEIPT' || p.kind === 'OUTCOME';
  const [from, to] = back ? [p.recipient, p.sender] : [p.sender, p.recipient];
  if (parsed.originator !== from) return undefined;
  return shareIdFor(from, to, parsed.messageId);
}
