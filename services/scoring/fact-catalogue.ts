// Reads: nothing. Writes: the catalogue of facts rules may use (name -> type -> meaning) and the
// TypeScript types derived from it. Guarantees: facts.ts must produce exactly these keys (the compiler
// checks), and the rule loader rejects any condition or template naming a fact that is not here.

export type FactType = 'boolean' | 'number' | 'string';

interface FactSpec {
  type: FactType;
  doc: string;
}

const b = (doc: string) => ({ type: 'boolean' as const, doc });
const n = (doc: string) => ({ type: 'number' as const, doc });
const s = (doc: string) => ({ type: 'string' as const, doc });

export const REPORT_FACTS = {
  reportingCountry: s('source.reportingCountry'),
  jurisdiction: s('law applied: CA, IN, US, or UN for everyone else'),
  filedDate: s('YYYY-MM-DD of filedAt: the date controls are judged on'),
  documentType: s('MANIFEST or DECLARATION'),
  mode: s('SEA AIR ROAD RAIL POST EXPRESS'),
  originCountry: s('route.originCountry'),
  destinationCountry: s('route.destinationCountry'),
  routeText: s('origin → loading → transshipment → destination countries'),
  isHouseBill: b('masterId is set: this is a house bill'),
  transshipmentCount: n('number of transshipment ports'),
  thirdCountryRouting: b('loaded outside the origin country, or transshipped via a third country (§3 #5)'),
  highRiskCorridor: b('§3 #6 corridor: CN/HK→MX, IN→MX, CN→US/CA by POST/EXPRESS/AIR'),
  corridor: s('the corridor matched, e.g. "CN → CA by EXPRESS"'),
  secondaryCorridor: s(
    'a further corridor (IN→US/CA, HK→US/CA, CN→CA by sea) whose sources are still to verify, or empty',
  ),
  freeZoneRouting: b('through a free-zone port, or a free-zone entity as shipper or consignee (§3 #5, #8)'),
  freeZoneNote: s('which port or party'),
  holdsControlled: b('a line holds a controlled precursor, reagent, analogue or narcotic'),
  firstTimeImporter: b(
    'holds a controlled chemical and the decision history knows no earlier consignment to this consignee (§3 #7)',
  ),
  permitPresent: b('any PEN, import/export permit or registration reference filed'),
  permitRefs: s('the permit references, joined'),
  paymentMethod: s('payment.method or NONE'),
  payerIsThirdParty: b('payment.payerIsThirdParty'),
  consigneeName: s('consignee name as filed'),
  consigneeIsPerson: b('consignee name looks like a natural person'),
  consigneeResidential: b('consignee address has residential or mail-drop words'),
  consigneeNoIdentifier: b('consignee has no tax/registry identifier'),
  consigneeLooksForwarder: b('consignee named like a forwarder/broker, or equals the forwarder party'),
  consigneeToOrder: b('consignee is "To order"'),
  deliveryElsewhere: b('place of delivery is in another country than the consignee'),
  contactMismatch: b('a party phone or e-mail country differs from its address country (§3 #9)'),
  contactNote: s('which party and which contact detail'),
  chemicalContext: b('any line is about a chemical (HS 28/29/3824, CAS, chemical words or names)'),
  vagueAny: b('any line has a vague description'),
  totalValueUsd: n('declared value of all lines in USD (rough rates), -1 when unknown'),
  lowValueExpress: b('POST/EXPRESS with total value at or below the low-value limit'),
  pillPress: b('a line describes pill presses, dies or encapsulators'),
  pillPressWithChemical: b('pill press co-shipped with a chemical or vaguely described line'),
  watchlistHit: b('a party matches a drug-program watchlist entry at or above the threshold'),
  watchlistScore: n('best drug-program match score (0 when none)'),
  watchlistParty: s('party role that matched'),
  watchlistPartyName: s('party name as filed'),
  watchlistEntry: s('listed name (and alias) matched'),
  watchlistPrograms: s('programs of the matched entry'),
  watchlistList: s('list of the matched entry (OFAC-SDN or a national list)'),
  lineCount: n('number of goods lines'),
} as const satisfies Record<string, FactSpec>;

export const LINE_FACTS = {
  number: n('goods line number'),
  description: s('description as filed'),
  hs: s('HS code as filed, empty when none'),
  hsStrength: s('strong, weak or none: the HS heading evidence of this line'),
  hsLabel: s('what the heading covers'),
  chemicalHs: b('HS chapter 28/29 or heading 3824 (diagnostic kits, 3822, are not chemicals in bulk)'),
  namesChemical: b('the description names a specific chemical'),
  chemicalContext: b('the line is about a chemical'),
  controlled: b('a controlled precursor in force here on the filing date, identified with confidence'),
  substance: s('its name'),
  cas: s('its CAS number when matched by CAS'),
  matchedBy: s('CAS, CAS_TEXT, NAME or SYNONYM'),
  evidence: s('what matched, e.g. CAS 40064-34-4 or "phenethyl-4-piperidone"'),
  listing: s('listing applied, e.g. CA-PCR-CLASS-A'),
  controlNote: s('status sentence with jurisdiction, listing, date in force and filing date'),
  salt: b('salt or hydrate form'),
  possibleControlled: b(
    'a controlled precursor identified only by an abbreviation, below the confidence threshold',
  ),
  possibleConfidence: n('confidence of that identification'),
  possibleNote: s('why'),
  controlledReagent: b('a controlled reagent / pre-precursor (propionyl chloride, piperidine, ...)'),
  reagent: s('its name'),
  reagentNote: s('its status sentence'),
  reagentElsewhere: b('a reagent / pre-precursor controlled elsewhere but not here on the filing date'),
  reagentElsewhereNote: s('which, and where it is controlled'),
  analogue: b('analogue family or a precursor controlled elsewhere but not here (near-controlled)'),
  analogueName: s('family or substance name'),
  analogueEvidence: s('what matched'),
  analogueNote: s('status sentence'),
  analogueControlledHere: b('class wording covers it in this jurisdiction on this date'),
  fentanylRelated: b('fentanyl or a fentanyl-related substance is named'),
  strongHsOnly: b(
    'a strong precursor HS heading (2933.36/.37, fentanyl headings) with no matching name or CAS',
  ),
  hsSubstance: s('what that heading stands for'),
  hsNote: s('control status sentence of what the heading stands for'),
  casNear: b('an invalid CAS one digit off a controlled CAS'),
  casNearNote: s('which and why'),
  bareCas: b('the description is essentially only a CAS number (§3 #3)'),
  unknownCas: s('valid CAS numbers not in the knowledge base'),
  invalidCas: s('invalid CAS numbers not near a controlled one'),
  vague: b('description made only of vague words (§3 #1)'),
  consolidatedWording: b('"consolidated", FAK, SLC or STC wording'),
  consumerWording: b('consumer-goods words'),
  hsDescriptionMismatch: b('chemical HS code but a consumer-goods description naming no chemical'),
  chemicalUnderNonChemicalHs: b('a controlled/analogue chemical declared under a non-chemical HS code'),
  weightImplausible: b('net above gross, or gross per package beyond the package type'),
  weightNote: s('which'),
  valuePerKgUsd: n('declared value per kg in USD (rough rates), -1 when unknown'),
  valueImplausible: b('fine chemical declared below the minimum plausible USD/kg'),
  pillPress: b('pill press, die or encapsulator'),
  residualHsUnnamed: b('weak residual HS heading (e.g. 2933.39) and no chemical named'),
  narcotic: b(
    'a finished opioid (fentanyl, pethidine, remifentanil, ...) named or given by CAS: a narcotic drug',
  ),
  narcoticName: s('which'),
  narcoticEvidence: s('the name or CAS that identified it'),
  narcoticHsOnly: b('a narcotic HS subheading (2933.33/.34, 2934.92) with no narcotic or precursor named'),
  narcoticHeading: s('what the subheading holds'),
  permitState: s(
    'none-filed, covered (a cited permit passed every register check), unverified (no register) or not-covered',
  ),
  permitNote: s('what was filed and what it proves, for explanations'),
  permitUnknown: b('a cited permit reference is not in the permit register'),
  permitUnknownNote: s('which references'),
  permitExpired: b('the cited permit for this substance is not valid on the filing date'),
  permitExpiredNote: s('which permit and its validity'),
  permitWrongSubstance: b('no cited permit covers this substance (the ones in the register cover others)'),
  permitWrongSubstanceNote: s('which permits cover what'),
  permitWrongHolder: b('the cited permit is held by neither the consignee (import) nor the shipper (export)'),
  permitWrongHolderNote: s('holder on the permit and party on the report'),
  permitWrongCountry: b('the cited permit was issued by another country than the exporting/importing one'),
  permitWrongCountryNote: s('issuing country and the expected one'),
  permitQuantityExceeded: b('declared kg exceed what is left of the permit after earlier consignments'),
  permitQuantityNote: s('allowed, already drawn, left and declared kg'),
} as const satisfies Record<string, FactSpec>;

type ValueOf<T extends FactType> = T extends 'boolean' ? boolean : T extends 'number' ? number : string;
type FactsOf<C extends Record<string, FactSpec>> = { -readonly [K in keyof C]: ValueOf<C[K]['type']> };

export type ReportFacts = FactsOf<typeof REPORT_FACTS>;
export type LineFacts = FactsOf<typeof LINE_FACTS>;
export type FactValue = boolean | number | string;

/** Type of a fact name as written in rules: plain for report facts, `line.` prefix for line facts. */
export function factType(name: string): FactType | undefined {
  if (name.startsWith('line.')) return (LINE_FACTS as Record<string, FactSpec>)[name.slice(5)]?.type;
  return (REPORT_FACTS as Record<string, FactSpec>)[name]?.type;
}

/** Thresholds used while computing facts (code-side knobs; weights live in the rules). */
export interface FactOptions {
  /** Below this match confidence a controlled name counts as "possible" only. */
  minConfidence: number;
  /** Fine chemicals declared below this USD/kg are implausibly cheap. */
  minFineChemicalUsdPerKg: number;
  /** POST/EXPRESS consignments at or below this USD value are "low value". */
  lowValueUsd: number;
  /** Watchlist match score threshold. */
  watchlistThreshold: number;
}

export const DEFAULT_FACT_OPTIONS: Readonly<FactOptions> = Object.freeze({
  minConfidence: 0.75,
  minFineChemicalUsdPerKg: 5,
  lowValueUsd: 800,
  watchlistThreshold: 0.88,
});
