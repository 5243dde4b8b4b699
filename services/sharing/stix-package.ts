// A sharing package as a STIX 2.1 bundle (stix-parse.ts goes back). Reads: nothing. Writes: nothing.
// Guarantees: `buildBundle` is a pure function of the package (deterministic ids, no clock); the
// receiver accepts a bundle only when rebuilding it from what it parsed gives the same canonical
// JSON, so nothing the format does not define (an extra object, property or marking) can ride along.
import { DISPOSITIONS, type Disposition } from '../review/request-schemas.ts';
import type { Json, JsonObject } from './case-fields.ts';
import { stixId } from './ids.ts';
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

export const CONSIGNMENT_TYPE = 'x-customs-consignment';
export const CONSIGNMENT_EXTENSION_ID = 'extension-definition--3ab1b31f-c08f-5ede-8298-86333fef76bb';
export const FORMAT_VERSION = '1.0.0';
const FORMAT_CREATED = '2026-11-22T00:00:00.000Z';
const FORMAT_MAINTAINER_ID = stixId('identity', 'precursor-risk-sharing-format');
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
  name: string;
  contact?: string;
  /** ISO timestamp (ms): `created` of the STIX identity. */
  since: string;
}

interface Common {
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

/** Top-level case fields that sit beside the consignment's own on the x-customs-consignment object. */
export const DOCUMENT_FIELDS = ['documentType', 'filedAt', 'reportingCountry', 'sourceSystem'];
const ASSESSMENT_LISTS = ['ruleHits', 'substances'];

export const identityIdFor = (agency: string) => stixId('identity', 'agency', agency);
export const reportIdFor = (shareId: string) => stixId('report', shareId);
export const consignmentIdFor = (shareId: string) => stixId(CONSIGNMENT_TYPE, shareId);

export function bundleIdFor(pkg: SharingPackage): string {
  return pkg.kind === 'RECEIPT'
    ? stixId('bundle', pkg.shareId, pkg.kind, pkg.receipt.forKind, pkg.version, pkg.receipt.status)
    : stixId('bundle', pkg.shareId, pkg.kind, pkg.version);
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

function statementMarking(t: PackageTerms): StixObject {
  const statement = statementText(t);
  return {
    type: 'marking-definition',
    spec_version: SPEC,
    id: stixId('marking-definition', 'statement', statement),
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
    id: identityIdFor(i.agency),
    created: i.since,
    modified: i.since,
    name: i.name,
    identity_class: 'organization',
    sectors: ['government-national'],
    ...(i.contact === undefined ? {} : { contact_information: i.contact }),
    object_marking_refs: [TLP_MARKING_IDS.CLEAR],
  };
}

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
  {
    type: 'extension-definition',
    spec_version: SPEC,
    id: CONSIGNMENT_EXTENSION_ID,
    created: FORMAT_CREATED,
    modified: FORMAT_CREATED,
    created_by_ref: FORMAT_MAINTAINER_ID,
    name: CONSIGNMENT_TYPE,
    description:
      'A customs consignment (carrier manifest or customs declaration) shared between customs ' +
      'administrations: route, dates, goods, parties, containers, payment and permits, as far as the ' +
      'sharing agreement allows. Natural persons and contact data appear only as psn: pseudonyms.',
    schema:
      'JSON Schema (2020-12) services/sharing/x-customs-consignment.schema.json of precursor-risk ' +
      `${FORMAT_VERSION}; field meanings in docs/sharing.md`,
    version: FORMAT_VERSION,
    extension_types: ['new-sdo'],
    object_marking_refs: [TLP_MARKING_IDS.CLEAR],
  },
];

function sharingProps(p: SharingPackage): StixObject {
  const t = p.terms;
  return {
    x_sharing: {
      kind: p.kind,
      share_id: p.shareId,
      case_id: p.caseId,
      version: p.version,
      sender: p.sender,
      recipient: p.recipient,
    },
    x_terms: {
      agreement_id: t.agreementId,
      effective_from: t.effectiveFrom,
      legal_basis: t.legalBasis,
      tlp: t.tlp,
      retention_days: t.retentionDays,
      onward_sharing: t.onwardSharing,
    },
  };
}

type Sdo = (type: string, id: string, created: string, modified: string) => StixObject;

function sdoFactory(p: SharingPackage): Sdo {
  const markings = [TLP_MARKING_IDS[p.terms.tlp], statementMarking(p.terms).id as string];
  return (type, id, created, modified) => ({
    type,
    spec_version: SPEC,
    id,
    created,
    modified,
    created_by_ref: identityIdFor(p.sender),
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
    x_assessment: snakeKeys(a),
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
    x_rule_hit: snakeKeys(hit),
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
    x_substance: snakeKeys(s),
  };
}

function caseObjects(p: CasePackage, sdo: Sdo): StixObject[] {
  const { consignment, assessment, ...rest } = p.case;
  const created = p.firstSharedAt;
  const modified = p.issuedAt;
  const consignmentId = consignmentIdFor(p.shareId);
  const fields: JsonObject = {};
  for (const k of DOCUMENT_FIELDS) if (rest[k] !== undefined) fields[k] = rest[k]!;
  if (typeof consignment === 'object' && consignment !== null && !Array.isArray(consignment)) {
    Object.assign(fields, consignment);
  }
  const consignmentObject: StixObject = {
    ...sdo(CONSIGNMENT_TYPE, consignmentId, created, modified),
    extensions: { [CONSIGNMENT_EXTENSION_ID]: { extension_type: 'new-sdo' } },
    ...snakeKeys(fields),
    ...(p.pseudonymised.length === 0 ? {} : { pseudonymised_paths: p.pseudonymised }),
  };
  const notes: StixObject[] = [];
  const a = (
    typeof assessment === 'object' && assessment !== null && !Array.isArray(assessment) ? assessment : {}
  ) as JsonObject;
  const scalars = Object.fromEntries(Object.entries(a).filter(([k]) => !ASSESSMENT_LISTS.includes(k)));
  if (Object.keys(scalars).length > 0) {
    notes.push(
      assessmentNote(sdo, stixId('note', p.shareId, 'assessment'), created, modified, scalars, consignmentId),
    );
  }
  const list = (v: Json | undefined) => (Array.isArray(v) ? (v as JsonObject[]) : []);
  list(a.ruleHits).forEach((hit, i) => {
    notes.push(
      ruleHitNote(sdo, stixId('note', p.shareId, 'rule-hit', i), created, modified, hit, consignmentId),
    );
  });
  list(a.substances).forEach((s, i) => {
    notes.push(
      substanceNote(sdo, stixId('note', p.shareId, 'substance', i), created, modified, s, consignmentId),
    );
  });
  const report: StixObject = {
    ...sdo('report', reportIdFor(p.shareId), created, modified),
    name: `Precursor case ${p.caseId}`,
    description:
      `${p.kind === 'CASE' ? 'Case' : 'Update of case'} shared by ${p.sender} with ${p.recipient} ` +
      `under agreement ${p.terms.agreementId} (version ${p.version}).`,
    published: p.issuedAt,
    report_types: ['threat-report'],
    object_refs: [consignmentId, ...notes.map((n) => n.id as string)],
    ...sharingProps(p),
  };
  return [report, consignmentObject, ...notes];
}

function primaryObjects(p: SharingPackage, sdo: Sdo): StixObject[] {
  switch (p.kind) {
    case 'CASE':
    case 'UPDATE':
      return caseObjects(p, sdo);
    case 'REVOKE':
      return [
        {
          ...sdo('report', reportIdFor(p.shareId), p.firstSharedAt, p.issuedAt),
          revoked: true,
          name: `Precursor case ${p.caseId}`,
          description: `Withdrawn by ${p.sender}: ${p.reason}`,
          published: p.issuedAt,
          report_types: ['threat-report'],
          object_refs: [consignmentIdFor(p.shareId)],
          ...sharingProps(p),
          x_revocation: { reason: p.reason },
        },
      ];
    case 'RECEIPT': {
      const r = p.receipt;
      const what = `${r.forKind} version ${p.version} of case ${p.caseId}`;
      return [
        {
          ...sdo(
            'note',
            stixId('note', p.shareId, 'receipt', r.forKind, p.version, r.status),
            p.issuedAt,
            p.issuedAt,
          ),
          abstract: `Receipt: ${r.status}`,
          content:
            r.status === 'ACCEPTED'
              ? `${p.sender} received ${what}, verified its signature and stored it.`
              : `${p.sender} refused ${what}: ${r.reason ?? 'no reason given'}.`,
          object_refs: [reportIdFor(p.shareId)],
          ...sharingProps(p),
          x_receipt: {
            status: r.status,
            for_kind: r.forKind,
            for_bundle_id: r.forBundleId,
            for_bundle_sha256: r.forBundleSha256,
            ...(r.reason === undefined ? {} : { reason: r.reason }),
          },
        },
      ];
    }
    case 'OUTCOME':
      return [
        {
          ...sdo('note', stixId('note', p.shareId, 'outcome', p.version), p.issuedAt, p.issuedAt),
          abstract: `Outcome: ${p.outcome.disposition}`,
          content: `${p.sender} recorded the disposition ${p.outcome.disposition} for case ${p.caseId} on ${p.outcome.decidedAt}.`,
          object_refs: [reportIdFor(p.shareId)],
          ...sharingProps(p),
          x_outcome: { disposition: p.outcome.disposition, decided_at: p.outcome.decidedAt },
        },
      ];
  }
}

/** The package as a STIX 2.1 bundle: identities, TLP + statement markings, format objects, content. */
export function buildBundle(p: SharingPackage): StixBundle {
  const sdo = sdoFactory(p);
  const isCase = p.kind === 'CASE' || p.kind === 'UPDATE';
  const tlps = [...new Set<Tlp>(['CLEAR', p.terms.tlp])];
  return {
    type: 'bundle',
    id: bundleIdFor(p),
    objects: [
      identityObject(p.senderIdentity),
      ...(isCase ? FORMAT_OBJECTS : []),
      ...tlps.map(tlpMarkingDefinition),
      statementMarking(p.terms),
      ...primaryObjects(p, sdo),
    ] as StixObject[],
  };
}
