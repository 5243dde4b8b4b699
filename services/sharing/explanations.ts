// Rule explanations as they leave the agency: rebuilt from the rule's own template over the facts
// the rule recorded (the hit's `evidence`), each fact rendered by what it is — never the explanation
// text the officer sees copied. Reads: the rules files (their `explanation` templates, once).
// Writes: nothing. Guarantees: every fact the rules may use has a sharing class here (the compiler
// checks the table against the fact catalogue); a fact drawn from a case field renders only when the
// agreement lets that field leave ("[withheld]" otherwise); a party's name renders as it would leave
// in the party fields (a person's pseudonym, a company's name if names are allowed, else its role);
// a watchlist finding names the list, programmes and score, never the listed entry, unless the
// agreement says otherwise; a hit whose template or facts are missing becomes "Rule <id> matched".
// The result is then screened like every free text (case-fields.ts, free-text.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { LINE_FACTS, REPORT_FACTS } from '../scoring/fact-catalogue.ts';
import { rulesFileSchema } from '../scoring/rule-schema.ts';
import { PARTY_ROLES } from './party-roles.ts';

/** The scoring rules this code ships with (services/scoring/rules-store.ts reads the same directory). */
const RULES_DIR = fileURLToPath(new URL('../../models/rules/', import.meta.url));
/** The code's own rules (services/scoring/decide.ts, reconcile.ts; a unit test keeps them equal). */
export const RANDOM_SELECTION_RULE = 'random-selection';
export const RECONCILE_RULE = 'manifest-declaration-mismatch';

/** How one fact may appear in an explanation that leaves. */
export type FactClass =
  /** Knowledge, scores, roles, yes/no: as computed. */
  | { kind: 'plain' }
  /** Values of case fields: only when the agreement allows every one of `paths`. */
  | { kind: 'field'; paths: readonly string[] }
  /** A party's name (the role is given, or read from the fact `roleFact`). */
  | { kind: 'party'; role?: string; roleFact?: string }
  /** Never leaves. */
  | { kind: 'never' };

const plain = { kind: 'plain' } as const;
const never = { kind: 'never' } as const;
const field = (...paths: string[]): FactClass => ({ kind: 'field', paths });
const ROUTE = [
  'consignment.route.originCountry',
  'consignment.route.portOfLoading',
  'consignment.route.transshipmentPorts',
  'consignment.route.destinationCountry',
];
const GOODS = (leaf: string) => `consignment.goods[].${leaf}`;

const REPORT_CLASSES = {
  reportingCountry: field('reportingCountry'),
  jurisdiction: plain,
  filedDate: field('filedAt'),
  documentType: field('documentType'),
  mode: field('consignment.mode'),
  originCountry: field('consignment.route.originCountry'),
  destinationCountry: field('consignment.route.destinationCountry'),
  routeText: field(...ROUTE),
  isHouseBill: field('consignment.masterId'),
  transshipmentCount: field('consignment.route.transshipmentPorts'),
  thirdCountryRouting: plain,
  highRiskCorridor: plain,
  corridor: field(...ROUTE, 'consignment.mode'),
  secondaryCorridor: field(...ROUTE, 'consignment.mode'),
  freeZoneRouting: plain,
  // "through <port>" or 'consignee "<name>" is a free-zone entity'.
  freeZoneNote: field(...ROUTE, 'consignment.parties.consignee.name', 'consignment.parties.shipper.name'),
  holdsControlled: plain,
  firstTimeImporter: plain,
  permitPresent: plain,
  permitRefs: field('consignment.permits[].type', 'consignment.permits[].reference'),
  paymentMethod: field('consignment.payment.method'),
  payerIsThirdParty: field('consignment.payment.payerIsThirdParty'),
  consigneeName: { kind: 'party', role: 'consignee' },
  consigneeIsPerson: plain,
  consigneeResidential: plain,
  consigneeNoIdentifier: plain,
  consigneeLooksForwarder: plain,
  consigneeToOrder: plain,
  deliveryElsewhere: plain,
  contactMismatch: plain,
  // "<role> in <country> has a <country> phone number": derived from contact data.
  contactNote: field(
    'consignment.parties.consignee.address.country',
    'consignment.parties.consignee.phone',
    'consignment.parties.consignee.email',
  ),
  chemicalContext: plain,
  vagueAny: plain,
  totalValueUsd: field(GOODS('declaredValue')),
  lowValueExpress: plain,
  pillPress: plain,
  pillPressWithChemical: plain,
  watchlistHit: plain,
  watchlistScore: plain,
  watchlistParty: plain,
  watchlistPartyName: { kind: 'party', roleFact: 'watchlistParty' },
  watchlistEntry: never, // unless the agreement names listed entries (renderExplanation)
  watchlistPrograms: plain,
  watchlistList: plain,
  lineCount: plain,
} as const satisfies Record<keyof typeof REPORT_FACTS, FactClass>;

const LINE_CLASSES = {
  number: field(GOODS('lineNumber')),
  description: field(GOODS('description')),
  hs: field(GOODS('hsCode')),
  hsStrength: plain,
  hsLabel: plain,
  chemicalHs: plain,
  namesChemical: plain,
  chemicalContext: plain,
  controlled: plain,
  substance: plain,
  cas: plain,
  matchedBy: plain,
  // The words of the description that matched (e.g. "phenethyl-4-piperidone").
  evidence: field(GOODS('description'), GOODS('casNumbers')),
  listing: plain,
  controlNote: plain,
  salt: plain,
  possibleControlled: plain,
  possibleConfidence: plain,
  possibleNote: field(GOODS('description')),
  controlledReagent: plain,
  reagent: plain,
  reagentNote: plain,
  reagentElsewhere: plain,
  reagentElsewhereNote: plain,
  analogue: plain,
  analogueName: plain,
  analogueEvidence: field(GOODS('description')),
  analogueNote: plain,
  analogueControlledHere: plain,
  fentanylRelated: plain,
  strongHsOnly: plain,
  hsSubstance: plain,
  hsNote: plain,
  casNear: plain,
  casNearNote: field(GOODS('casNumbers')),
  bareCas: plain,
  unknownCas: field(GOODS('casNumbers')),
  invalidCas: field(GOODS('casNumbers')),
  vague: plain,
  consolidatedWording: plain,
  consumerWording: plain,
  hsDescriptionMismatch: plain,
  chemicalUnderNonChemicalHs: plain,
  weightImplausible: plain,
  weightNote: field(GOODS('grossWeightKg'), GOODS('packages')),
  valuePerKgUsd: field(GOODS('declaredValue'), GOODS('quantity')),
  valueImplausible: plain,
  pillPress: plain,
  residualHsUnnamed: plain,
  narcotic: plain,
  narcoticName: plain,
  narcoticEvidence: field(GOODS('description'), GOODS('casNumbers')),
  narcoticHsOnly: plain,
  narcoticHeading: plain,
  permitState: plain,
  // Permit notes quote the cited references and what the register says of them.
  permitNote: field('consignment.permits[].type', 'consignment.permits[].reference'),
  permitUnknown: plain,
  permitUnknownNote: field('consignment.permits[].reference'),
  permitExpired: plain,
  permitExpiredNote: field('consignment.permits[].reference'),
  permitWrongSubstance: plain,
  permitWrongSubstanceNote: field('consignment.permits[].reference'),
  permitWrongHolder: plain,
  // Names the permit's holder, who may be no party of the case at all.
  permitWrongHolderNote: never,
  permitWrongCountry: plain,
  permitWrongCountryNote: field('consignment.permits[].reference'),
  permitQuantityExceeded: plain,
  permitQuantityNote: field('consignment.permits[].reference', GOODS('quantity')),
} as const satisfies Record<keyof typeof LINE_FACTS, FactClass>;

/** The sharing class of a fact as rules write it (`line.` prefix for line facts), if it is one. */
export function factClass(name: string): FactClass | undefined {
  const table: Readonly<Record<string, FactClass>> = name.startsWith('line.') ? LINE_CLASSES : REPORT_CLASSES;
  const key = name.startsWith('line.') ? name.slice(5) : name;
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export const WITHHELD = '[withheld]';

/** Rule id → explanation template. */
export type ExplanationTemplates = ReadonlyMap<string, string>;

/** Rules the code adds without a rules file (decide.ts, reconcile.ts). */
const CODE_TEMPLATES: ReadonlyArray<[string, string]> = [
  [RANDOM_SELECTION_RULE, 'Selected at random for quality control'],
  [RECONCILE_RULE, 'The manifest and the declaration of the consignment differ in {field}'],
];
const CODE_FACTS: Readonly<Record<string, FactClass>> = { field: plain };

/** The explanation template of every rule in the rules directory (and of the code's own rules). */
export function loadExplanationTemplates(rulesDir: string = RULES_DIR): ExplanationTemplates {
  const out = new Map<string, string>(CODE_TEMPLATES);
  for (const name of readdirSync(rulesDir).sort()) {
    if (!name.endsWith('.yaml') && !name.endsWith('.yml')) continue;
    const parsed = rulesFileSchema.safeParse(parseYaml(readFileSync(join(rulesDir, name), 'utf8')));
    // An invalid file stops the scoring service itself (rules-store.ts); here its rules fall back
    // to the generic sentence, which leaks nothing.
    if (!parsed.success) continue;
    for (const rule of parsed.data.rules) out.set(rule.id, rule.explanation);
  }
  return out;
}

let defaults: ExplanationTemplates | undefined;
/** The templates of the rules this code ships with, read once. */
export function defaultExplanationTemplates(): ExplanationTemplates {
  defaults ??= loadExplanationTemplates();
  return defaults;
}

/** What rendering needs to know about the case and the agreement. */
export interface ExplanationContext {
  templates: ExplanationTemplates;
  /** Whether the agreement lets a case field (a path as in CASE_TEMPLATE, `[]` for arrays) leave. */
  allows(path: string): boolean;
  /** A party's name as it leaves in its own field (pseudonym or name), or undefined if it does not. */
  partyName(role: string): string | undefined;
  /** The agreement lets the listed entry of a watchlist finding be named. */
  watchlistEntryNames: boolean;
}

export interface HitForSharing {
  ruleId: string;
  goodsLine?: number | null | undefined;
  evidence?: Readonly<Record<string, unknown>> | undefined;
}

const PLACEHOLDER = /\{([A-Za-z.]+)\}/g;

function format(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Number.isInteger(v) ? String(v) : v.toFixed(2);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  return undefined;
}

const roleWords = (role: string) => role.replace(/([A-Z])/g, ' $1').toLowerCase();

/** The generic sentence, when a hit cannot be rebuilt from its template. */
export function genericExplanation(hit: HitForSharing): string {
  const line = typeof hit.goodsLine === 'number' ? ` on goods line ${hit.goodsLine}` : '';
  return `Rule ${hit.ruleId} matched${line}.`;
}

/** A watchlist finding as it leaves: which list, programmes and score, not whom. */
function watchlistTemplate(original: string): string {
  const verb = / matches /.test(original) ? 'matches' : 'resembles';
  return `The {watchlistParty} ${verb} an entry of {watchlistList} (programmes {watchlistPrograms}; score {watchlistScore}).`;
}

/** The class of a fact in the template of `ruleId` (the code's own rules have facts of their own). */
export function factClassIn(
  ruleId: string,
  name: string,
  watchlistEntryNames = false,
): FactClass | undefined {
  if (CODE_TEMPLATES.some(([id]) => id === ruleId)) return CODE_FACTS[name];
  if (name === 'watchlistEntry' && watchlistEntryNames) return plain;
  return factClass(name);
}

/** The explanation of one rule hit as it may leave under the agreement (see the module comment). */
export function renderExplanation(hit: HitForSharing, ctx: ExplanationContext): string {
  const original = ctx.templates.get(hit.ruleId);
  const evidence = hit.evidence ?? {};
  if (original === undefined) return genericExplanation(hit);
  const template =
    original.includes('{watchlistEntry}') && !ctx.watchlistEntryNames
      ? watchlistTemplate(original)
      : original;
  let failed = false;
  const text = template.replace(PLACEHOLDER, (_, name: string) => {
    const cls = factClassIn(hit.ruleId, name, ctx.watchlistEntryNames);
    const value = format(evidence[name]);
    if (cls === undefined || (value === undefined && cls.kind !== 'never')) {
      failed = true; // an unknown fact, or one the hit did not record: fail closed
      return '';
    }
    switch (cls.kind) {
      case 'plain':
        return value!;
      case 'never':
        return WITHHELD;
      case 'field':
        return cls.paths.every((p) => ctx.allows(p)) ? value! : WITHHELD;
      case 'party': {
        const role = cls.role ?? String(evidence[cls.roleFact ?? ''] ?? '');
        const key = PARTY_ROLES.find((r) => r === role || roleWords(r) === role);
        return (key === undefined ? undefined : ctx.partyName(key)) ?? `the ${role || 'party'}`;
      }
    }
  });
  return failed ? genericExplanation(hit) : text;
}
