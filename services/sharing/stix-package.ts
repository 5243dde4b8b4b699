// A sharing package as a STIX 2.1 bundle (stix-parse.ts goes back). Reads: nothing. Writes: nothing.
// Guarantees: strict STIX 2.1 — every SDO, SMO and bundle id is a random UUIDv4 chosen when the
// package is made (`freshIds`; an UPDATE or REVOKE keeps the ids of the objects it replaces), and
// every property STIX does not define — the consignment included — sits in one property extension
// (SHARING_EXTENSION_ID), described by an extension-definition in every bundle, with its JSON schema
// committed beside this file (precursor-risk-sharing.schema.json, consignment.schema.json). `buildBundle` is a pure function of the package (ids and
// times are in it); the receiver accepts a bundle only when rebuilding it from what it parsed gives
// the same canonical JSON, so nothing the format does not define can ride along.
import { randomUUID } from 'node:crypto';
import { DISPOSITIONS, type Disposition } from '../review/request-schemas.ts';
import type { Json, JsonObject } from './case-fields.ts';
import { TLP_MARKING_IDS, type Tlp, tlpMarkingDefinition } from './tlp.ts';

export const PACKAGE_KINDS = ['CASE', 'UPDATE', 'REVOKE', 'RECEIPT', 'OUTCOME'] as const;
export type PackageKind = (typeof PACKAGE_KINDS)[number];

export const RECEIPT_STATUSES = ['ACCEPTED', 'REJECTED'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/**
 * The partner's disposition: the review app's vocabulary (officers record the same values), so a
 * partner's outcome and a local one mean the same. A value added there changes this format too.
 */
export const OUTCOME_DISPOSITIONS = DISPOSITIONS;
export type OutcomeDisposition = Disposition;

/** Fixed UUIDv4s, generated once for this format (2.0.0) and never reused for anything else. */
export const SHARING_EXTENSION_ID = 'extension-definition--ead69445-78e1-4492-ad9e-c8fbf02c1686';
const FORMAT_MAINTAINER_ID = 'identity--9879350d-54d5-4ea4-8d4e-ca484ed5e77e';
export const FORMAT_VERSION = '2.0.0';
const FORMAT_CREATED = '2026-12-07T00:00:00.000Z';
const SPEC = '2.1';

export interface PackageTerms {
  agreementId: string;
  /** ISO timestamp (ms) the agreement took effect: `created` of its statement marking. */
  effectiveFrom: string;
  legalBasis: string[];
  tlp: Tlp;
  retentionDays: number;
  onwardSharing: boolean;
}

export interface AgencyIdentity {
  agency: string;
  /** The agency's STIX identity id (a UUIDv4 the agreement fixes for it). */
  id: string;
  name: string;
  contact?: string;
  /** ISO timestamp (ms): `created` of the STIX identity. */
  since: string;
}

/** The STIX ids of one package: random UUIDv4s (see freshIds), carried so the bundle can be rebuilt. */
export interface PackageIds {
  bundle: string;
  /** The statement marking with the agreement's handling terms. */
  statement: string;
  /** The share's report: the primary object of CASE/UPDATE/REVOKE; what a RECEIPT/OUTCOME refers to (if known). */
  report?: string;
  /** CASE/UPDATE: the notes in order (assessment, rule hits, substances); RECEIPT/OUTCOME: [the note]. */
  notes: string[];
}

interface Common {
  ids: PackageIds;
  shareId: string;
  caseId: string;
  version: number;
  sender: string;
  recipient: string;
  /** When this version was signed (ISO, ms). */
  issuedAt: string;
  terms: PackageTerms;
  senderIdentity: AgencyIdentity;
}

export interface CasePackage extends Common {
  kind: 'CASE' | 'UPDATE';
  /** When the share's first version left: `created` of every case object. */
  firstSharedAt: string;
  case: JsonObject;
  pseudonymised: string[];
}

export interface RevokePackage extends Common {
  kind: 'REVOKE';
  firstSharedAt: string;
  reason: string;
}

export interface ReceiptPackage extends Common {
  kind: 'RECEIPT';
  /** `version` is the acknowledged version; these say which package it was. */
  receipt: {
    status: ReceiptStatus;
    forKind: PackageKind;
    forBundleId: string;
    forBundleSha256: string;
    reason?: string;
  };
}

export interface OutcomePackage extends Common {
  kind: 'OUTCOME';
  /** `version` counts this share's outcomes: a later one replaces an earlier one. */
  outcome: { disposition: OutcomeDisposition; decidedAt: string };
}

export type SharingPackage = CasePackage | RevokePackage | ReceiptPackage | OutcomePackage;

export type StixObject = Record<string, unknown>;
export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

const camelToSnake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const snakeToCamel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function mapKeys(value: Json, f: (k: string) => string): Json {
  if (Array.isArray(value)) return value.map((v) => mapKeys(v, f));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [f(k), mapKeys(v, f)]));
  }
  return value;
}

const snakeKeys = (v: JsonObject) => mapKeys(v, camelToSnake) as JsonObject;
export const camelKeys = (v: JsonObject) => mapKeys(v, snakeToCamel) as JsonObject;

/** Top-level case fields that sit beside the consignment's own in the extension's `consignment`. */
export const DOCUMENT_FIELDS = ['documentType', 'filedAt', 'reportingCountry', 'sourceSystem'];
const ASSESSMENT_LISTS = ['ruleHits', 'substances'];

/** A new random STIX id (UUIDv4, as STIX 2.1 §2.9 asks for every SDO, SRO, SMO and bundle). */
export const newStixId = (type: string) => `${type}--${randomUUID()}`;

/** How many notes a case becomes (assessment, then one per rule hit and per substance). */
export function noteCount(c: JsonObject): number {
  const a = c.assessment;
  if (typeof a !== 'object' || a === null || Array.isArray(a)) return 0;
  const list = (v: Json | undefined) => (Array.isArray(v) ? v.length : 0);
  const scalars = Object.keys(a).filter((k) => !ASSESSMENT_LISTS.includes(k)).length;
  return (scalars > 0 ? 1 : 0) + list(a.ruleHits) + list(a.substances);
}

/**
 * Ids for a new package. `previous`: the ids of the share's last CASE/UPDATE, whose report,
 * consignment and notes (by position) an UPDATE or REVOKE keeps, so the partner's copy is replaced.
 */
export function freshIds(
  kind: PackageKind,
  opts: { previous?: PackageIds; notes?: number } = {},
): PackageIds {
  const prev = opts.previous;
  const report = prev?.report ?? newStixId('report');
  switch (kind) {
    case 'CASE':
    case 'UPDATE':
      return {
        bundle: newStixId('bundle'),
        statement: newStixId('marking-definition'),
        report,
        notes: Array.from({ length: opts.notes ?? 0 }, (_, i) => prev?.notes[i] ?? newStixId('note')),
      };
    case 'REVOKE':
      return {
        bundle: newStixId('bundle'),
        statement: newStixId('marking-definition'),
        report,
        notes: [],
      };
    default:
      return {
        bundle: newStixId('bundle'),
        statement: newStixId('marking-definition'),
        ...(prev?.report === undefined ? {} : { report: prev.report }),
        notes: [newStixId('note')],
      };
  }
}

export function statementText(t: PackageTerms): string {
  const onward = t.onwardSharing
    ? 'onward sharing only as the agreement permits'
    : "no onward sharing to any third party without the originator's prior written consent";
  return (
    `Shared under agreement ${t.agreementId}; legal basis: ${t.legalBasis.join('; ')}. ` +
    `Handling: TLP:${t.tlp}; keep no longer than ${t.retentionDays} days after receipt; ${onward}.`
  );
}

function statementMarking(t: PackageTerms, id: string): StixObject {
  const statement = statementText(t);
  return {
    type: 'marking-definition',
    spec_version: SPEC,
    id,
    created: t.effectiveFrom,
    name: `Handling terms of ${t.agreementId}`,
    definition_type: 'statement',
    definition: { statement },
    object_marking_refs: [TLP_MARKING_IDS.CLEAR],
  };
}

function identityObject(i: AgencyIdentity): StixObject {
  return {
    type: 'identity',
    spec_version: SPEC,
    id: i.id,
    created: i.since,
    modified: i.since,
    name: i.name,
    identity_class: 'organization',
    sectors: ['government-national'],
    ...(i.contact === undefined ? {} : { contact_information: i.contact }),
    object_marking_refs: [TLP_MARKING_IDS.CLEAR],
  };
}

const extensionDefinition = (
  id: string,
  name: string,
  description: string,
  schemaFile: string,
  types: string[],
): StixObject => ({
  type: 'extension-definition',
  spec_version: SPEC,
  id,
  created: FORMAT_CREATED,
  modified: FORMAT_CREATED,
  created_by_ref: FORMAT_MAINTAINER_ID,
  name,
  description,
  schema: `JSON Schema (2020-12) ${schemaFile} in precursor-risk ${FORMAT_VERSION}; field meanings in docs/sharing.md`,
  version: FORMAT_VERSION,
  extension_types: types,
  object_marking_refs: [TLP_MARKING_IDS.CLEAR],
});

const FORMAT_OBJECTS: readonly StixObject[] = [
  {
    type: 'identity',
    spec_version: SPEC,
    id: FORMAT_MAINTAINER_ID,
    created: FORMAT_CREATED,
    modified: FORMAT_CREATED,
    name: 'precursor-risk partner case sharing format (CBSA-CBIC)',
    identity_class: 'group',
    object_marking_refs: [TLP_MARKING_IDS.CLEAR],
  },
  extensionDefinition(
    SHARING_EXTENSION_ID,
    'precursor-risk-sharing',
    'Which share, version and agreement a report or note belongs to, with the handling terms, and ' +
      'what it carries: a revocation, a receipt, an outcome, or a case note (risk assessment, rule ' +
      'hit, substance). Natural persons appear only as psn: pseudonyms.',
    'services/sharing/precursor-risk-sharing.schema.json',
    ['property-extension'],
  ),
];

/** The ids of the objects every package carries unchanged (the format's identity and definition). */
export const FORMAT_OBJECT_IDS: readonly string[] = FORMAT_OBJECTS.map((o) => String(o.id));

/** The property extension of the primary object: share, terms, and `more` (the kind's own part). */
function sharingProps(p: SharingPackage, more: StixObject = {}): StixObject {
  const t = p.terms;
  return extended({
    sharing: {
      kind: p.kind,
      share_id: p.shareId,
      case_id: p.caseId,
      version: p.version,
      sender: p.sender,
      recipient: p.recipient,
    },
    terms: {
      agreement_id: t.agreementId,
      effective_from: t.effectiveFrom,
      legal_basis: t.legalBasis,
      tlp: t.tlp,
      retention_days: t.retentionDays,
      onward_sharing: t.onwardSharing,
    },
    ...more,
  });
}

/** `{ extensions: { SHARING_EXTENSION_ID: { extension_type: 'property-extension', ...props } } }`. */
function extended(props: StixObject): StixObject {
  return { extensions: { [SHARING_EXTENSION_ID]: { extension_type: 'property-extension', ...props } } };
}

type Sdo = (type: string, id: string, created: string, modified: string) => StixObject;

function sdoFactory(p: SharingPackage): Sdo {
  const markings = [TLP_MARKING_IDS[p.terms.tlp], p.ids.statement];
  return (type, id, created, modified) => ({
    type,
    spec_version: SPEC,
    id,
    created,
    modified,
    created_by_ref: p.senderIdentity.id,
    object_marking_refs: markings,
  });
}

const str = (v: Json | undefined) => (v === undefined ? undefined : String(v));

function sentence(parts: (string | undefined)[], fallback: string): string {
  const present = parts.filter((s): s is string => s !== undefined);
  return present.length === 0 ? fallback : `${present.join('; ')}.`;
}

function assessmentNote(sdo: Sdo, id: string, created: string, modified: string, a: JsonObject, ref: string) {
  return {
    ...sdo('note', id, created, modified),
    abstract: 'Risk assessment',
    content: sentence(
      [
        a.lane === undefined ? undefined : `Lane ${str(a.lane)}`,
        a.riskScore === undefined ? undefined : `combined risk score ${str(a.riskScore)}`,
        a.modelScore === undefined ? undefined : `model score ${str(a.modelScore)}`,
        a.modelVersion === undefined ? undefined : `model ${str(a.modelVersion)}`,
        a.rulesVersion === undefined ? undefined : `rules ${str(a.rulesVersion)}`,
        a.scoredAt === undefined ? undefined : `scored ${str(a.scoredAt)}`,
      ],
      'Risk assessment.',
    ),
    object_refs: [ref],
    ...extended({ assessment: snakeKeys(a) }),
  };
}

function ruleHitNote(sdo: Sdo, id: string, created: string, modified: string, hit: JsonObject, ref: string) {
  return {
    ...sdo('note', id, created, modified),
    abstract: hit.ruleId === undefined ? 'Rule hit' : `Rule hit: ${str(hit.ruleId)}`,
    content:
      hit.explanation === undefined
        ? hit.ruleId === undefined
          ? 'A risk rule matched.'
          : `Rule ${str(hit.ruleId)} matched.`
        : String(hit.explanation),
    object_refs: [ref],
    ...extended({ rule_hit: snakeKeys(hit) }),
  };
}

function substanceNote(sdo: Sdo, id: string, created: string, modified: string, s: JsonObject, ref: string) {
  return {
    ...sdo('note', id, created, modified),
    abstract: 'Substance identified',
    content: sentence(
      [
        str(s.name),
        s.cas === undefined ? undefined : `CAS ${str(s.cas)}`,
        s.listing === undefined ? undefined : `listed in ${str(s.listing)}`,
        s.matchedBy === undefined ? undefined : `matched by ${str(s.matchedBy)}`,
      ],
      'Substance identified.',
    ),
    object_refs: [ref],
    ...extended({ substance: snakeKeys(s) }),
  };
}

function caseObjects(p: CasePackage, sdo: Sdo): StixObject[] {
  const { consignment, assessment, ...rest } = p.case;
  const created = p.firstSharedAt;
  const modified = p.issuedAt;
  const reportId = p.ids.report!;
  let n = 0;
  const nextNote = () => p.ids.notes[n++]!;
  const fields: JsonObject = {};
  for (const k of DOCUMENT_FIELDS) if (rest[k] !== undefined) fields[k] = rest[k]!;
  if (typeof consignment === 'object' && consignment !== null && !Array.isArray(consignment)) {
    Object.assign(fields, consignment);
  }
  const notes: StixObject[] = [];
  const a = (
    typeof assessment === 'object' && assessment !== null && !Array.isArray(assessment) ? assessment : {}
  ) as JsonObject;
  const scalars = Object.fromEntries(Object.entries(a).filter(([k]) => !ASSESSMENT_LISTS.includes(k)));
  if (Object.keys(scalars).length > 0) {
    notes.push(assessmentNote(sdo, nextNote(), created, modified, scalars, reportId));
  }
  const list = (v: Json | undefined) => (Array.isArray(v) ? (v as JsonObject[]) : []);
  list(a.ruleHits).forEach((hit) => {
    notes.push(ruleHitNote(sdo, nextNote(), created, modified, hit, reportId));
  });
  list(a.substances).forEach((s) => {
    notes.push(substanceNote(sdo, nextNote(), created, modified, s, reportId));
  });
  // The consignment rides on the report in the property extension: a STIX tool parses it without
  // knowing our types (a custom SDO in object_refs is refused by stix2 without allow_custom).
  const report: StixObject = {
    ...sdo('report', reportId, created, modified),
    name: `Precursor case ${p.caseId}`,
    description:
      `${p.kind === 'CASE' ? 'Case' : 'Update of case'} shared by ${p.sender} with ${p.recipient} ` +
      `under agreement ${p.terms.agreementId} (version ${p.version}).`,
    published: p.issuedAt,
    report_types: ['threat-report'],
    object_refs: notes.length > 0 ? notes.map((x) => x.id as string) : [p.senderIdentity.id],
    ...sharingProps(p, {
      consignment: snakeKeys(fields),
      ...(p.pseudonymised.length === 0 ? {} : { pseudonymised_paths: p.pseudonymised }),
    }),
  };
  return [report, ...notes];
}

function primaryObjects(p: SharingPackage, sdo: Sdo): StixObject[] {
  switch (p.kind) {
    case 'CASE':
    case 'UPDATE':
      return caseObjects(p, sdo);
    case 'REVOKE':
      return [
        {
          ...sdo('report', p.ids.report!, p.firstSharedAt, p.issuedAt),
          revoked: true,
          name: `Precursor case ${p.caseId}`,
          description: `Withdrawn by ${p.sender}: ${p.reason}`,
          published: p.issuedAt,
          report_types: ['threat-report'],
          object_refs: [p.senderIdentity.id],
          ...sharingProps(p, { revocation: { reason: p.reason } }),
        },
      ];
    case 'RECEIPT': {
      const r = p.receipt;
      const what = `${r.forKind} version ${p.version} of case ${p.caseId}`;
      return [
        {
          ...sdo('note', p.ids.notes[0]!, p.issuedAt, p.issuedAt),
          abstract: `Receipt: ${r.status}`,
          content:
            r.status === 'ACCEPTED'
              ? `${p.sender} received ${what}, verified its signature and stored it.`
              : `${p.sender} refused ${what}: ${r.reason ?? 'no reason given'}.`,
          object_refs: [p.ids.report ?? p.senderIdentity.id],
          ...sharingProps(p, {
            receipt: {
              status: r.status,
              for_kind: r.forKind,
              for_bundle_id: r.forBundleId,
              for_bundle_sha256: r.forBundleSha256,
              ...(r.reason === undefined ? {} : { reason: r.reason }),
            },
          }),
        },
      ];
    }
    case 'OUTCOME':
      return [
        {
          ...sdo('note', p.ids.notes[0]!, p.issuedAt, p.issuedAt),
          abstract: `Outcome: ${p.outcome.disposition}`,
          content: `${p.sender} recorded the disposition ${p.outcome.disposition} for case ${p.caseId} on ${p.outcome.decidedAt}.`,
          object_refs: [p.ids.report ?? p.senderIdentity.id],
          ...sharingProps(p, {
            outcome: { disposition: p.outcome.disposition, decided_at: p.outcome.decidedAt },
          }),
        },
      ];
  }
}

/** The package as a STIX 2.1 bundle: identities, TLP + statement markings, format objects, content. */
export function buildBundle(p: SharingPackage): StixBundle {
  const sdo = sdoFactory(p);
  const tlps = [...new Set<Tlp>(['CLEAR', p.terms.tlp])];
  return {
    type: 'bundle',
    id: p.ids.bundle,
    objects: [
      identityObject(p.senderIdentity),
      ...FORMAT_OBJECTS,
      ...tlps.map(tlpMarkingDefinition),
      statementMarking(p.terms, p.ids.statement),
      ...primaryObjects(p, sdo),
    ] as StixObject[],
  };
}
