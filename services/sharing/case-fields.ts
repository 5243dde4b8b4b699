// The case as it may leave: one document per case (report facts + the decision's reasons), the
// catalogue of its field paths, the agreement's allow-list applied to it, and the receiver's check.
// Reads: a validated report and its decision. Writes: nothing.
// Guarantees: only leaves whose path the allow-list names leave; natural persons and contact data
// are pseudonymised first, their clear values scrubbed from every free text that leaves, and what is
// left of names and addresses screened out word by word (free-text.ts); the same walk, run by the
// receiver, finds any field the agreement does not allow and contact data in clear in free text.
import type { Decision } from '../../schemas/decision.ts';
import type { Report } from '../../schemas/report.ts';
import {
  defaultExplanationTemplates,
  type ExplanationContext,
  type ExplanationTemplates,
  renderExplanation,
} from './explanations.ts';
import { personalTerms, screenCase } from './free-text.ts';
import { PARTY_ROLES } from './party-roles.ts';
import { isNaturalPerson, PSEUDONYM, type PseudonymKind, pseudonym } from './pseudonymise.ts';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

type Leaf = 'string' | 'number' | 'integer' | 'boolean';
type Template = Leaf | readonly [Template] | { readonly [key: string]: Template };

const PARTY = {
  name: 'string',
  address: { street: 'string', city: 'string', postalCode: 'string', country: 'string' },
  identifier: 'string',
  phone: 'string',
  email: 'string',
} as const;

export { PARTY_ROLES };

/** Every field a shared case can carry. An agreement's allow-list selects among these paths. */
export const CASE_TEMPLATE = {
  documentType: 'string',
  filedAt: 'string',
  reportingCountry: 'string',
  sourceSystem: 'string',
  consignment: {
    consignmentId: 'string',
    masterId: 'string',
    mode: 'string',
    carrier: { code: 'string', name: 'string' },
    route: {
      portOfLoading: 'string',
      portOfDischarge: 'string',
      placeOfDelivery: 'string',
      transshipmentPorts: ['string'],
      originCountry: 'string',
      destinationCountry: 'string',
    },
    departureDate: 'string',
    arrivalDate: 'string',
    parties: Object.fromEntries(PARTY_ROLES.map((r) => [r, PARTY])),
    goods: [
      {
        lineNumber: 'integer',
        description: 'string',
        hsCode: 'string',
        casNumbers: ['string'],
        quantity: { value: 'number', unit: 'string' },
        packages: { count: 'integer', type: 'string' },
        grossWeightKg: 'number',
        declaredValue: { amount: 'number', currency: 'string' },
        originCountry: 'string',
      },
    ],
    containers: ['string'],
    payment: { method: 'string', payerIsThirdParty: 'boolean' },
    permits: [{ type: 'string', reference: 'string' }],
  },
  assessment: {
    scoredAt: 'string',
    lane: 'string',
    riskScore: 'number',
    modelScore: 'number',
    modelVersion: 'string',
    rulesVersion: 'string',
    ruleHits: [{ ruleId: 'string', weight: 'number', explanation: 'string', goodsLine: 'integer' }],
    substances: [
      {
        name: 'string',
        cas: 'string',
        matchedBy: 'string',
        listing: 'string',
        goodsLine: 'integer',
        confidence: 'number',
        controlled: 'boolean',
      },
    ],
    topFeatures: [{ feature: 'string', contribution: 'number' }],
  },
} as const satisfies Template;

const ARRAY = '[]';
const ANY_KEY = '*';

function isLeaf(t: Template): t is Leaf {
  return typeof t === 'string';
}

function isArrayTemplate(t: Template): t is readonly [Template] {
  return Array.isArray(t);
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `consignment.goods[].description` → ['consignment', 'goods', '[]', 'description']. */
export function parseFieldPath(path: string): string[] {
  const tokens: string[] = [];
  for (const segment of path.split('.')) {
    const m = /^([A-Za-z*][A-Za-z0-9]*)?((?:\[\])*)$/.exec(segment);
    if (m === null || (m[1] === undefined && m[2] === ''))
      throw new TypeError(`malformed field path: ${path}`);
    if (m[1] !== undefined) tokens.push(m[1]);
    for (let i = 0; i < (m[2] ?? '').length / 2; i++) tokens.push(ARRAY);
  }
  return tokens;
}

/** Prefix match: a pattern names a leaf or a whole subtree; `*` stands for any one key. */
export function patternMatches(pattern: readonly string[], path: readonly string[]): boolean {
  if (pattern.length > path.length) return false;
  return pattern.every((p, i) => p === path[i] || (p === ANY_KEY && path[i] !== ARRAY));
}

function templateLeafPaths(t: Template, prefix: string[], out: string[][]): string[][] {
  if (isLeaf(t)) out.push(prefix);
  else if (isArrayTemplate(t)) templateLeafPaths(t[0], [...prefix, ARRAY], out);
  else for (const [k, v] of Object.entries(t)) templateLeafPaths(v, [...prefix, k], out);
  return out;
}

export const CASE_LEAF_PATHS: readonly string[][] = templateLeafPaths(CASE_TEMPLATE, [], []);

/** Whether an allow-list entry names at least one field of the case (catches typos at load time). */
export function isKnownFieldPath(path: string): boolean {
  let pattern: string[];
  try {
    pattern = parseFieldPath(path);
  } catch {
    return false;
  }
  return CASE_LEAF_PATHS.some((leaf) => patternMatches(pattern, leaf));
}

/** Drops nulls, empty arrays and empty objects (STIX forbids empty lists; absent means unknown). */
export function compact(value: unknown): Json | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(compact).filter((v): v is Json => v !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const c = compact(v);
      if (c !== undefined) out[k] = c;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return undefined;
}

/** Keeps only what the template names, in the template's shape. */
function conform(value: Json | undefined, t: Template): Json | undefined {
  if (value === undefined) return undefined;
  if (isLeaf(t)) return leafMatches(value, t) ? value : undefined;
  if (isArrayTemplate(t)) {
    if (!Array.isArray(value)) return undefined;
    return compact(value.map((v) => conform(v, t[0]) ?? null));
  }
  if (!isObject(value)) return undefined;
  const out: JsonObject = {};
  for (const [k, sub] of Object.entries(t)) {
    const c = conform(value[k], sub);
    if (c !== undefined) out[k] = c;
  }
  return compact(out);
}

function leafMatches(value: Json, t: Leaf): boolean {
  switch (t) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
  }
}

/** The full case document of one decision: everything that could be shared, before any policy. */
export function caseDocument(report: Report, decision: Decision): JsonObject {
  const doc = compact({
    documentType: report.documentType,
    filedAt: report.filedAt,
    reportingCountry: report.source.reportingCountry,
    sourceSystem: report.source.system,
    consignment: report.consignment,
    assessment: {
      scoredAt: decision.scoredAt,
      lane: decision.lane,
      riskScore: decision.riskScore,
      modelScore: decision.modelScore,
      modelVersion: decision.modelVersion,
      rulesVersion: decision.rulesVersion,
      ruleHits: decision.ruleHits,
      substances: decision.substances,
      topFeatures: decision.topFeatures,
    },
  });
  return (conform(doc, CASE_TEMPLATE) ?? {}) as JsonObject;
}

export interface FieldPolicy {
  /** The agreement's allow-list (field paths, `*` for any one key, a path names its whole subtree). */
  fields: readonly string[];
  /** `flagged`: only goods lines a rule hit or substance points at (all lines when none does). */
  goodsLines: 'all' | 'flagged';
  /** A watchlist finding may name the listed entry (default: list, programmes and score only). */
  watchlistEntryNames?: boolean;
}

/** What rule explanations are rebuilt from (explanations.ts): the hits' recorded facts, the templates. */
export interface ExplanationInputs {
  /** `evidence` of each rule hit, in the decision's order (caseDocument keeps that order). */
  evidence?: ReadonlyArray<Readonly<Record<string, unknown>> | undefined>;
  /** Default: the templates of the rules this code ships with. */
  templates?: ExplanationTemplates;
}

export interface RedactedCase {
  /** Exactly the fields that leave. */
  case: JsonObject;
  /** Concrete paths present in the document that do not leave. */
  withheld: string[];
  /** Concrete paths that leave as pseudonyms. */
  pseudonymised: string[];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Pseudonymises persons and contact data in place; returns the clear values to scrub from free text. */
function pseudonymiseParties(
  doc: JsonObject,
  secret: Buffer,
  withheld: string[],
): { pseudonymised: string[]; replacements: Array<[string, string]> } {
  const pseudonymised: string[] = [];
  const replacements: Array<[string, string]> = [];
  const consignment = doc.consignment;
  const parties = isObject(consignment) ? consignment.parties : undefined;
  if (!isObject(parties)) return { pseudonymised, replacements };
  const swap = (party: JsonObject, field: string, kind: PseudonymKind, base: string) => {
    const v = party[field];
    if (typeof v !== 'string') return;
    const p = pseudonym(kind, v, secret);
    party[field] = p;
    pseudonymised.push(`${base}.${field}`);
    replacements.push([v, p]);
  };
  for (const role of PARTY_ROLES) {
    const party = parties[role];
    if (!isObject(party)) continue;
    const base = `consignment.parties.${role}`;
    const person = typeof party.name === 'string' && isNaturalPerson(party.name);
    if (person) {
      swap(party, 'name', 'name', base);
      swap(party, 'identifier', 'id', base);
      const address = party.address;
      if (isObject(address)) {
        for (const field of ['street', 'city', 'postalCode']) {
          if (address[field] === undefined) continue;
          delete address[field];
          withheld.push(`${base}.address.${field}`);
        }
      }
    }
    swap(party, 'phone', 'phone', base);
    swap(party, 'email', 'email', base);
  }
  return { pseudonymised, replacements };
}

/** Replaces clear personal values inside every other string (rule explanations quote names and phones). */
function scrub(value: Json, replacements: ReadonlyArray<[string, string]>): Json {
  if (typeof value === 'string') {
    if (PSEUDONYM.test(value)) return value;
    let s = value;
    for (const [clear, p] of replacements) s = s.replace(new RegExp(escapeRegExp(clear), 'gi'), p);
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, replacements));
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, replacements)]));
  return value;
}

function referencedGoodsLines(doc: JsonObject): Set<number> {
  const lines = new Set<number>();
  const assessment = doc.assessment;
  if (!isObject(assessment)) return lines;
  for (const list of [assessment.ruleHits, assessment.substances]) {
    if (!Array.isArray(list)) continue;
    for (const item of list)
      if (isObject(item) && typeof item.goodsLine === 'number') lines.add(item.goodsLine);
  }
  return lines;
}

function selectGoodsLines(doc: JsonObject, withheld: string[]): void {
  const consignment = doc.consignment;
  if (!isObject(consignment) || !Array.isArray(consignment.goods)) return;
  const wanted = referencedGoodsLines(doc);
  if (wanted.size === 0) return;
  const kept: Json[] = [];
  consignment.goods.forEach((line, i) => {
    if (isObject(line) && typeof line.lineNumber === 'number' && wanted.has(line.lineNumber)) kept.push(line);
    else withheld.push(`consignment.goods[${i}]`);
  });
  consignment.goods = kept;
}

function allowedBy(patterns: readonly string[][], path: readonly string[]): boolean {
  return patterns.some((p) => patternMatches(p, path));
}

/** Keeps allowed leaves; records the concrete path of everything dropped. */
function keepAllowed(
  value: Json,
  t: Template,
  tokens: string[],
  concrete: string,
  patterns: readonly string[][],
  withheld: string[],
): Json | undefined {
  if (isLeaf(t)) {
    if (allowedBy(patterns, tokens)) return value;
    withheld.push(concrete);
    return undefined;
  }
  if (isArrayTemplate(t)) {
    if (!Array.isArray(value)) return undefined;
    const items = value
      .map((v, i) => keepAllowed(v, t[0], [...tokens, ARRAY], `${concrete}[${i}]`, patterns, withheld))
      .filter((v): v is Json => v !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (!isObject(value)) return undefined;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = (t as { readonly [key: string]: Template })[k];
    const path = concrete === '' ? k : `${concrete}.${k}`;
    if (sub === undefined) {
      withheld.push(path);
      continue;
    }
    const kept = keepAllowed(v, sub, [...tokens, k], path, patterns, withheld);
    if (kept !== undefined) out[k] = kept;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function hasPath(doc: Json, path: string): boolean {
  let node: Json | undefined = doc;
  for (const key of path.split('.')) node = isObject(node) ? node[key] : undefined;
  return node !== undefined;
}

/**
 * Every rule explanation rebuilt from its template over the hit's facts (explanations.ts), in place,
 * before anything else: the text the officer reads is never what leaves.
 */
function templateExplanations(
  work: JsonObject,
  patterns: readonly string[][],
  policy: FieldPolicy,
  secret: Buffer,
  inputs: ExplanationInputs,
): void {
  const assessment = work.assessment;
  const hits = isObject(assessment) && Array.isArray(assessment.ruleHits) ? assessment.ruleHits : [];
  const parties = isObject(work.consignment) ? work.consignment.parties : undefined;
  const ctx: ExplanationContext = {
    templates: inputs.templates ?? defaultExplanationTemplates(),
    allows: (path) => allowedBy(patterns, parseFieldPath(path)),
    partyName(role) {
      const party = isObject(parties) ? parties[role] : undefined;
      const name = isObject(party) ? party.name : undefined;
      if (typeof name !== 'string' || !allowedBy(patterns, ['consignment', 'parties', role, 'name']))
        return undefined;
      return isNaturalPerson(name) ? pseudonym('name', name, secret) : name;
    },
    watchlistEntryNames: policy.watchlistEntryNames === true,
  };
  hits.forEach((hit, i) => {
    if (!isObject(hit) || typeof hit.ruleId !== 'string') return;
    const text = renderExplanation(
      {
        ruleId: hit.ruleId,
        goodsLine: typeof hit.goodsLine === 'number' ? hit.goodsLine : null,
        evidence: inputs.evidence?.[i],
      },
      ctx,
    );
    hit.explanation = text;
  });
}

/**
 * The case as it leaves under a policy: rule explanations rebuilt from templates, persons and
 * contact data pseudonymised, clear values scrubbed, free text screened, goods lines minimised,
 * then the allow-list.
 */
export function redactCase(
  doc: JsonObject,
  policy: FieldPolicy,
  secret: Buffer,
  inputs: ExplanationInputs = {},
): RedactedCase {
  const work = structuredClone(doc);
  const withheld: string[] = [];
  const patterns = policy.fields.map(parseFieldPath);
  templateExplanations(work, patterns, policy, secret, inputs);
  const terms = personalTerms(isObject(work.consignment) ? work.consignment.parties : undefined);
  const { pseudonymised, replacements } = pseudonymiseParties(work, secret, withheld);
  replacements.sort((a, b) => b[0].length - a[0].length);
  // Exact values become their pseudonyms; then every word left that could single a person out goes.
  const scrubbed = screenCase(
    scrub(
      work,
      replacements.filter(([clear]) => clear.trim().length >= 4),
    ) as JsonObject,
    terms,
  ) as JsonObject;
  if (policy.goodsLines === 'flagged') selectGoodsLines(scrubbed, withheld);
  const kept = (keepAllowed(scrubbed, CASE_TEMPLATE, [], '', patterns, withheld) ?? {}) as JsonObject;
  return {
    case: kept,
    withheld: withheld.sort(),
    pseudonymised: pseudonymised.filter((p) => hasPath(kept, p)).sort(),
  };
}

/** A decision's case as it leaves: `redactCase` of its document, explanations from its hits' facts. */
export function redactDecision(
  report: Report,
  decision: Decision,
  policy: FieldPolicy,
  secret: Buffer,
  templates?: ExplanationTemplates,
): RedactedCase {
  return redactCase(caseDocument(report, decision), policy, secret, {
    evidence: decision.ruleHits.map((h) => h.evidence),
    ...(templates === undefined ? {} : { templates }),
  });
}

export interface FieldViolations {
  /** Keys the case format does not define, or values of the wrong type. */
  unexpected: string[];
  /** Defined fields the agreement does not allow. */
  disallowed: string[];
  /**
   * Personal data in clear: contact fields that are not pseudonyms, free text with an e-mail address
   * or international phone number, a person's name, identifier or address, a watchlist finding
   * that names the entry.
   */
  clearPersonal: string[];
}

const CLEAR_CONTACT = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}|\+\d[\d\s().-]{6,}\d/u;

/** Whether free text carries an e-mail address or an international phone number in clear. */
export function clearContactIn(text: string): boolean {
  return CLEAR_CONTACT.test(text);
}

/** The receiver's check of a shared case against its own copy of the agreement. */
export function checkSharedCase(
  shared: Json,
  fields: readonly string[],
  opts: { watchlistEntryNames?: boolean } = {},
): FieldViolations {
  const patterns = fields.map(parseFieldPath);
  const v: FieldViolations = { unexpected: [], disallowed: [], clearPersonal: [] };
  const walk = (value: Json, t: Template, tokens: string[], concrete: string) => {
    if (isLeaf(t)) {
      if (!leafMatches(value, t)) v.unexpected.push(concrete);
      else if (!allowedBy(patterns, tokens)) v.disallowed.push(concrete);
      else if (tokens[1] !== 'parties' && typeof value === 'string' && CLEAR_CONTACT.test(value)) {
        // The sender screens free text (free-text.ts); an e-mail address or international phone
        // number still in it means a sender that does not, and the package breaks the agreement.
        v.clearPersonal.push(concrete);
      } else if (
        tokens[1] === 'parties' &&
        (tokens[3] === 'phone' || tokens[3] === 'email') &&
        !PSEUDONYM.test(String(value))
      ) {
        v.clearPersonal.push(concrete);
      }
      return;
    }
    if (isArrayTemplate(t)) {
      if (!Array.isArray(value) || value.length === 0) v.unexpected.push(concrete);
      else {
        value.forEach((item, i) => {
          walk(item, t[0], [...tokens, ARRAY], `${concrete}[${i}]`);
        });
      }
      return;
    }
    if (!isObject(value) || Object.keys(value).length === 0) {
      v.unexpected.push(concrete || '(case)');
      return;
    }
    for (const [k, item] of Object.entries(value)) {
      const sub = (t as { readonly [key: string]: Template })[k];
      const path = concrete === '' ? k : `${concrete}.${k}`;
      if (sub === undefined) v.unexpected.push(path);
      else walk(item, sub, [...tokens, k], path);
    }
  };
  walk(shared, CASE_TEMPLATE, [], '');
  v.clearPersonal.push(...personsInClear(shared), ...namedWatchlistEntries(shared, opts));
  return v;
}

/**
 * The sender's person rules, checked again on what arrived: a person (a name that is a pseudonym,
 * or reads as a natural person's) leaves with a pseudonymous name and identifier and no street,
 * city or postal code.
 */
function personsInClear(shared: Json): string[] {
  const out: string[] = [];
  const consignment = isObject(shared) ? shared.consignment : undefined;
  const parties = isObject(consignment) ? consignment.parties : undefined;
  if (!isObject(parties)) return out;
  for (const role of PARTY_ROLES) {
    const party = parties[role];
    if (!isObject(party) || typeof party.name !== 'string') continue;
    const base = `consignment.parties.${role}`;
    const named = PSEUDONYM.test(party.name);
    if (!named && !isNaturalPerson(party.name)) continue;
    if (!named) out.push(`${base}.name`);
    if (typeof party.identifier === 'string' && !PSEUDONYM.test(party.identifier))
      out.push(`${base}.identifier`);
    const address = party.address;
    if (isObject(address))
      for (const f of ['street', 'city', 'postalCode'])
        if (address[f] !== undefined) out.push(`${base}.address.${f}`);
  }
  return out;
}

/** A watchlist finding that says more than list, programmes and score (unless the agreement names entries). */
const WATCHLIST_SENTENCE =
  /^The [a-z ]+ (matches|resembles) an entry of \S+ \(programmes [^;()]*; score [0-9.]+\)\.$|^Rule \S+ matched\.$/;
function namedWatchlistEntries(shared: Json, opts: { watchlistEntryNames?: boolean }): string[] {
  if (opts.watchlistEntryNames === true) return [];
  const assessment = isObject(shared) ? shared.assessment : undefined;
  const hits = isObject(assessment) && Array.isArray(assessment.ruleHits) ? assessment.ruleHits : [];
  const out: string[] = [];
  hits.forEach((h, i) => {
    if (!isObject(h) || typeof h.ruleId !== 'string' || !h.ruleId.startsWith('watchlist')) return;
    if (typeof h.explanation === 'string' && !WATCHLIST_SENTENCE.test(h.explanation))
      out.push(`assessment.ruleHits[${i}].explanation`);
  });
  return out;
}
