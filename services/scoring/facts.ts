// Reads: one validated report, the knowledge base (via the chemical matcher) and the watchlist.
// Writes: a flat fact object per report and per goods line: the only thing rules can see, plus the
// substance matches with their control status on the filing date. Guarantees: computed once per report,
// every fact in the catalogue is always present (no undefined), and the catalogue is what rules validate against.
import type { SubstanceMatch } from '../../schemas/decision.ts';
import type { Party, Report } from '../../schemas/report.ts';
import {
  DEFAULT_FACT_OPTIONS,
  type FactOptions,
  type LineFacts,
  type ReportFacts,
} from './fact-catalogue.ts';
import { tokenSetSimilarity } from './fuzzy.ts';
import type { ChemicalMatch, ChemicalMatcher, LineMatch } from './goods-lines.ts';
import type { ImporterHistory } from './importer-history.ts';
import { type ControlContext, type Knowledge, type Listing, reportDay } from './knowledge.ts';
import {
  CAS_FILLER_WORDS,
  CHEMICAL_CHAPTER,
  CHEMICAL_CONTEXT_WORDS,
  CHEMICAL_UNIT,
  NARCOTICS,
  narcoticHeading,
  narcoticOf,
  PACKAGING_CONSUMER_WORDS,
} from './narcotics.ts';
import { normalizePartyName, type PartyNameProfile, partyNameProfile } from './party-names.ts';
import {
  checkPermits,
  lineQuantityKg,
  NONE_FILED,
  type PermitContext,
  type PermitLine,
} from './permit-check.ts';
import type { PermitDraw } from './permit-ledger.ts';
import { FREE_ZONE_ENTITY, FREE_ZONE_PORTS } from './route-risk.ts';
import {
  CONSUMER_WORDS,
  emailCountry,
  MAX_KG_PER_PACKAGE,
  phoneCountries,
  residentialTokens,
  TO_ORDER_PATTERN,
  USD_PER_UNIT,
  VAGUE_WORDS,
} from './vocabulary.ts';
import type { Watchlist, WatchlistHit } from './watchlist.ts';

export interface ComputedFacts {
  report: ReportFacts;
  lines: LineFacts[];
  substances: SubstanceMatch[];
  /** What covered lines take from their permits; the scorer records them in the ledger. */
  permitDraws: PermitDraw[];
}

export interface FactContext {
  knowledge: Knowledge;
  matcher: ChemicalMatcher;
  watchlist: Watchlist;
  options?: FactOptions;
  /** Permit register and ledger; absent or null: cited permits are reported as not verified. */
  permits?: PermitContext | null;
  /** Consignees of earlier consignments; absent or null: first-time importers are not judged. */
  history?: ImporterHistory | null;
}

const CORE_MATCH = new Set(['CAS', 'CAS_TEXT', 'NAME', 'SYNONYM', 'STRUCTURE']);
const PARTY_ROLES = ['shipper', 'consignee', 'notifyParty', 'forwarder', 'declarant'] as const;

function listingsOf(knowledge: Knowledge, m: ChemicalMatch): readonly Listing[] {
  if (m.familyId !== null) return knowledge.families.get(m.familyId)?.listings ?? [];
  return m.substanceId === null ? [] : (knowledge.substances.get(m.substanceId)?.listings ?? []);
}

function usdPerKg(line: Report['consignment']['goods'][number]): number {
  const value = line.declaredValue;
  if (value === null || value === undefined) return -1;
  const rate = USD_PER_UNIT[value.currency];
  const q = line.quantity;
  const kg =
    q?.unit === 'KG'
      ? q.value
      : q?.unit === 'G'
        ? q.value / 1000
        : (line.grossWeightKg ?? 0) > 0
          ? line.grossWeightKg!
          : 0;
  if (rate === undefined || kg <= 0) return -1;
  return (value.amount * rate) / kg;
}

function weightProblem(line: Report['consignment']['goods'][number]): string {
  const gross = line.grossWeightKg;
  const q = line.quantity;
  const netKg = q?.unit === 'KG' ? q.value : q?.unit === 'G' ? q.value / 1000 : null;
  if (gross !== null && gross !== undefined && netKg !== null && netKg > gross * 1.02 + 0.05) {
    return `net ${netKg} kg exceeds gross ${gross} kg`;
  }
  const pk = line.packages;
  if (pk && pk.count > 0 && gross !== null && gross !== undefined) {
    const limit = MAX_KG_PER_PACKAGE[pk.type.toUpperCase()];
    const per = gross / pk.count;
    if (limit !== undefined && per > limit)
      return `${per.toFixed(1)} kg per ${pk.type.toLowerCase()} (max ${limit})`;
  }
  return '';
}

function contactProblem(role: string, party: Party | null | undefined): string {
  const country = party?.address?.country;
  if (party === null || party === undefined || country === undefined) return '';
  const phone = party.phone ? phoneCountries(party.phone) : null;
  if (phone !== null && !phone.includes(country))
    return `${role} in ${country} has a ${phone[0]} phone number`;
  const mail = party.email ? emailCountry(party.email) : null;
  if (mail !== null && mail !== country)
    return `${role} in ${country} has a .${mail.toLowerCase()} e-mail address`;
  return '';
}

// Forwarder named like the consignee: keyed by the two cached name profiles, so it lives as long as they do.
const sameNameCache = new WeakMap<PartyNameProfile, WeakMap<PartyNameProfile, boolean>>();

function sameParty(forwarder: PartyNameProfile, consignee: PartyNameProfile): boolean {
  let byConsignee = sameNameCache.get(forwarder);
  let r = byConsignee?.get(consignee);
  if (r !== undefined) return r;
  r = tokenSetSimilarity(forwarder.core, consignee.core) >= 0.9;
  if (byConsignee === undefined) {
    byConsignee = new WeakMap();
    sameNameCache.set(forwarder, byConsignee);
  }
  byConsignee.set(consignee, r);
  return r;
}

export function computeFacts(report: Report, ctx: FactContext): ComputedFacts {
  const { knowledge, matcher, watchlist } = ctx;
  const opts = ctx.options ?? DEFAULT_FACT_OPTIONS;
  const c = report.consignment;
  const route = c.route;
  const date = reportDay(report.filedAt);
  const rc = report.source.reportingCountry;
  const direction: ControlContext['direction'] =
    route.destinationCountry === rc ? 'import' : route.originCountry === rc ? 'export' : 'transit';
  const control: ControlContext = { reportingCountry: rc, date, direction };
  const permitPresent = c.permits.length > 0;
  const substances: SubstanceMatch[] = [];
  const lineMatches: LineMatch[] = c.goods.map((g) => matcher.matchLine(g));
  const permitLines: PermitLine[] = [];

  const lines: LineFacts[] = c.goods.map((g, i) => {
    const lm = lineMatches[i]!;
    const f = emptyLineFacts(g.lineNumber, g.description, g.hsCode ?? '');
    f.hsStrength = lm.heading?.strength ?? 'none';
    f.hsLabel = lm.heading?.label ?? '';
    f.chemicalHs = g.hsCode !== null && /^(28|29|3824)/.test(g.hsCode);
    f.namesChemical = lm.namesChemical;
    f.chemicalContext = lm.chemicalContext;
    // "METHANOL, 200 KG DRUM CAS#67-56-1" names its chemical: only a description of CAS, units and
    // packaging is bare.
    f.bareCas = lm.bareCas && !lm.tokens.some(namesSomething);
    f.unknownCas = lm.unknownCas.join(', ');
    f.invalidCas = lm.invalidCas.join(', ');
    // Computed once, and only for a line with a match (most lines have none).
    let abbreviationContext: boolean | undefined;
    // A finished opioid the chemistry room identified by structure or brand ("Propanamide, N-phenyl-N-[1-(2-
    // phenylethyl)-4-piperidinyl]-", "Duragesic") is the same narcotic as its INN.
    const narcotic =
      narcoticOf(lm.tokens, g.casNumbers) ??
      lm.matches
        .filter((m) => m.substanceId !== null && knowledge.substances.get(m.substanceId)?.role === 'opioid')
        .map((m) => {
          const n = narcoticOf([m.name.toLowerCase()], []);
          return n === null ? null : { narcotic: n.narcotic, evidence: `"${m.evidence}"` };
        })
        .find((n) => n !== null) ??
      null;
    const narcHeading = narcoticHeading(g.hsCode);
    let analogueFromFentanylFamily = false;
    for (const m of lm.matches) {
      // Context before keywords: an abbreviation counts only on a line about a chemical ("NPP" in
      // "spare parts for NPP" under HS 8401 is a nuclear power plant).
      if (isAbbreviation(knowledge, m)) {
        abbreviationContext ??= inChemicalContext(g, lm.tokens);
        if (!abbreviationContext) continue;
      }
      // A named finished opioid is judged as a narcotic below, not as a member of the fentanyl family.
      if (narcotic !== null && m.familyId === 'fentanyl-related') continue;
      const status = knowledge.statusOf(m.name, listingsOf(knowledge, m), control);
      const role = m.substanceId === null ? 'analogue' : knowledge.substances.get(m.substanceId)?.role;
      const anywhere = status.listing ?? status.elsewhere[0] ?? null;
      substances.push({
        name: m.name,
        cas: m.cas,
        matchedBy: m.kind,
        listing: anywhere?.id ?? null,
        goodsLine: g.lineNumber,
        confidence: m.confidence,
        controlled: status.controlled,
        resolvedBy: m.resolvedBy,
        ...(m.smiles === null ? {} : { smiles: m.smiles }),
        ...(m.inchikey === null ? {} : { inchikey: m.inchikey }),
        ...(m.familyId === null ? {} : { family: m.familyId }),
        ...(m.smarts === null ? {} : { smarts: m.smarts }),
      });
      const evidence =
        m.kind === 'HS'
          ? `HS ${m.evidence}`
          : m.kind.startsWith('CAS')
            ? `CAS ${m.evidence}`
            : `"${m.evidence}"`;
      // A named finished opioid is judged by the narcotic-import rules, in every country alike (1961 Single
      // Convention): its precursor-style listings add nothing, so where it is not listed it cannot score above
      // where it is (weights follow the law).
      if (narcotic !== null && role === 'opioid') continue;
      const core = CORE_MATCH.has(m.kind) && m.familyId === null;
      if (core && status.controlled && (role === 'precursor' || role === 'analogue' || role === 'opioid')) {
        if (m.confidence >= opts.minConfidence && !f.controlled) {
          f.controlled = true;
          f.substance = m.name;
          f.cas = m.cas ?? '';
          f.matchedBy = m.kind;
          f.evidence = evidence;
          f.listing = status.listing?.id ?? '';
          f.controlNote = status.explanation;
          f.salt = m.salt;
        } else if (m.confidence < opts.minConfidence && !f.possibleControlled && !f.controlled) {
          f.possibleControlled = true;
          f.possibleConfidence = m.confidence;
          f.possibleNote = `${evidence} may be ${m.name}; ${status.explanation}`;
        }
      } else if (core && status.controlled && role === 'reagent' && !f.controlledReagent) {
        f.controlledReagent = true;
        f.reagent = m.name;
        f.reagentNote = status.explanation;
      } else if (core && !status.controlled && status.elsewhere.length > 0 && role === 'reagent') {
        // A reagent controlled only elsewhere weighs less than one controlled here (weights follow the law).
        if (!f.reagentElsewhere) {
          f.reagentElsewhere = true;
          f.reagentElsewhereNote = `${m.name} (${evidence}): ${status.explanation}`;
        }
      } else if (
        core &&
        !status.controlled &&
        status.elsewhere.length > 0 &&
        m.confidence < opts.minConfidence
      ) {
        // An uncertain name of a precursor controlled only elsewhere: never above the same name controlled here.
        if (!f.possibleControlled && !f.controlled) {
          f.possibleControlled = true;
          f.possibleConfidence = m.confidence;
          f.possibleNote = `${evidence} may be ${m.name}; ${status.explanation}`;
        }
      } else if (m.kind === 'ANALOGUE' || (core && !status.controlled && status.elsewhere.length > 0)) {
        if (!f.analogue) {
          analogueFromFentanylFamily = m.familyId === 'fentanyl-related';
          f.analogue = true;
          f.analogueName = m.name;
          f.analogueEvidence = evidence;
          f.analogueNote = status.explanation;
          f.analogueControlledHere = status.controlled;
        }
        if (m.familyId === 'fentanyl-related') f.fentanylRelated = true;
      } else if (m.kind === 'HS' && !f.strongHsOnly && narcHeading === null) {
        f.strongHsOnly = !lm.matches.some((o) => o !== m && o.kind !== 'HS');
        f.hsSubstance = m.name;
        f.hsNote = status.explanation;
      } else if (m.kind === 'CAS_NEAR' && !f.casNear) {
        f.casNear = true;
        f.casNearNote = `CAS ${m.evidence} fails its check digit and is one digit from ${m.name} (${
          knowledge.substances.get(m.substanceId ?? '')?.cas[0]?.number ?? '?'
        }); ${status.explanation}`;
      }
    }
    if (narcotic !== null) {
      f.narcotic = true;
      f.narcoticName = narcotic.narcotic.name;
      f.narcoticEvidence = narcotic.evidence;
    } else if (narcHeading !== null && !f.controlled && !(f.analogue && !analogueFromFentanylFamily)) {
      // 2933.33 / 2933.34 / 2934.92 hold finished opioids, not precursors: judged as a narcotic heading.
      f.narcoticHsOnly = !lm.matches.some((m) => m.kind !== 'HS' && m.familyId !== 'fentanyl-related');
      f.narcoticHeading = narcHeading;
    }
    const wording = lm.wording;
    f.vague = wording.vague;
    f.consolidatedWording = wording.consolidatedWording;
    // Bulk chemicals travel "in 25 kg bags", "light" is a grade: on a chemical line only other consumer
    // words are a sign of mis-description.
    f.consumerWording =
      wording.consumerWording &&
      (!(f.chemicalHs || lm.chemicalContext) ||
        lm.tokens.some((t) => CONSUMER_WORDS.has(t) && !PACKAGING_CONSUMER_WORDS.has(t)));
    f.hsDescriptionMismatch = f.chemicalHs && f.consumerWording && !f.namesChemical;
    f.chemicalUnderNonChemicalHs =
      g.hsCode !== null &&
      !f.chemicalHs &&
      (f.controlled || f.analogue || f.controlledReagent) &&
      // Medicaments in measured doses belong under chapter 30 (patches, injections).
      !(f.narcotic && g.hsCode.startsWith('30'));
    f.weightNote = weightProblem(g);
    f.weightImplausible = f.weightNote !== '';
    f.valuePerKgUsd = Math.round(usdPerKg(g) * 100) / 100;
    // Only where we know the line is a precursor-class fine chemical: many 2933 heterocyclics are bulk commodities.
    const fine = f.controlled || f.analogue || f.strongHsOnly || f.possibleControlled;
    f.valueImplausible = f.valuePerKgUsd >= 0 && fine && f.valuePerKgUsd < opts.minFineChemicalUsdPerKg;
    f.pillPress = wording.pillPress;
    f.residualHsUnnamed = lm.heading?.strength === 'weak' && !f.namesChemical;
    // Without cited permits every line is "none-filed": no need to describe lines to the checks.
    if (c.permits.length > 0) permitLines.push(permitLine(g, lm, f));
    return f;
  });
  const permitDraws: PermitDraw[] = [];
  const checks =
    c.permits.length > 0
      ? checkPermits(report, permitLines, knowledge, ctx.permits ?? null, permitDraws)
      : null;
  lines.forEach((f, i) => {
    if (checks === null) {
      f.permitState = 'none-filed';
      f.permitNote = NONE_FILED;
      return;
    }
    const k = checks[i]!;
    f.permitState = k.state;
    f.permitNote = k.note;
    f.permitUnknown = k.unknown !== '';
    f.permitUnknownNote = k.unknown;
    f.permitExpired = k.expired !== '';
    f.permitExpiredNote = k.expired;
    f.permitWrongSubstance = k.wrongSubstance !== '';
    f.permitWrongSubstanceNote = k.wrongSubstance;
    f.permitWrongHolder = k.wrongHolder !== '';
    f.permitWrongHolderNote = k.wrongHolder;
    f.permitWrongCountry = k.wrongCountry !== '';
    f.permitWrongCountryNote = k.wrongCountry;
    f.permitQuantityExceeded = k.quantityExceeded !== '';
    f.permitQuantityNote = k.quantityExceeded;
  });

  const consignee = c.parties.consignee;
  const consigneeProfile = partyNameProfile(consignee.name);
  // [street, city].filter(Boolean).join(' ') without the array.
  const street = consignee.address?.street;
  const city = consignee.address?.city;
  const consigneeAddress = street && city ? `${street} ${city}` : street || city || '';
  const contact =
    contactProblem('consignee', consignee) ||
    contactProblem('shipper', c.parties.shipper) ||
    contactProblem('notify party', c.parties.notifyParty);
  const loading = route.portOfLoading.slice(0, 2);
  const tranship = route.transshipmentPorts.map((p) => p.slice(0, 2));
  const origin = route.originCountry;
  const dest = route.destinationCountry;
  const corridor = corridorOf(origin, loading, dest, c.mode);
  const secondaryCorridor = corridor === '' ? secondaryCorridorOf(origin, loading, dest, c.mode) : '';
  const freeZone = freeZoneOf(route.transshipmentPorts, route.portOfLoading, c.parties);
  const holdsControlled = lines.some(
    (l) =>
      l.controlled ||
      l.controlledReagent ||
      l.possibleControlled ||
      l.analogue ||
      l.fentanylRelated ||
      l.narcotic,
  );
  const history = ctx.history ?? null;
  const totalUsd = c.goods.reduce((sum, g) => {
    const v = g.declaredValue;
    const rate = v ? USD_PER_UNIT[v.currency] : undefined;
    return sum < 0 || v === null || v === undefined || rate === undefined ? -1 : sum + v.amount * rate;
  }, 0);
  const forwarder = c.parties.forwarder;
  const hit = screenParties(report, watchlist, opts.watchlistThreshold);

  const r: ReportFacts = {
    reportingCountry: rc,
    jurisdiction: knowledge.jurisdictionFor(rc),
    filedDate: date,
    documentType: report.documentType,
    mode: c.mode,
    originCountry: route.originCountry,
    destinationCountry: route.destinationCountry,
    routeText: [
      route.originCountry,
      ...(loading === route.originCountry ? [] : [loading]),
      ...tranship,
      route.destinationCountry,
    ].join(' → '),
    isHouseBill: c.masterId !== null && c.masterId !== undefined,
    transshipmentCount: route.transshipmentPorts.length,
    thirdCountryRouting:
      loading !== origin || tranship.some((t) => t !== origin && t !== loading && t !== dest),
    highRiskCorridor: corridor !== '',
    corridor,
    secondaryCorridor,
    freeZoneRouting: freeZone !== '',
    freeZoneNote: freeZone,
    holdsControlled,
    firstTimeImporter: history !== null && holdsControlled && !history.known(consignee.name, c.consignmentId),
    permitPresent,
    permitRefs: c.permits.map((p) => `${p.type} ${p.reference}`).join(', '),
    paymentMethod: c.payment?.method ?? 'NONE',
    payerIsThirdParty: c.payment?.payerIsThirdParty === true,
    consigneeName: consignee.name,
    consigneeIsPerson: consigneeProfile.person,
    // RESIDENTIAL_PATTERN over the address words.
    consigneeResidential: residentialTokens(normalizePartyName(consigneeAddress).tokens),
    consigneeNoIdentifier: !consignee.identifier,
    consigneeLooksForwarder:
      consigneeProfile.forwarder ||
      (forwarder !== null &&
        forwarder !== undefined &&
        sameParty(partyNameProfile(forwarder.name), consigneeProfile)),
    consigneeToOrder: TO_ORDER_PATTERN.test(consignee.name),
    deliveryElsewhere:
      route.placeOfDelivery !== null &&
      route.placeOfDelivery !== undefined &&
      consignee.address !== null &&
      consignee.address !== undefined &&
      route.placeOfDelivery.slice(0, 2) !== consignee.address.country,
    contactMismatch: contact !== '',
    contactNote: contact,
    chemicalContext: lines.some((l) => l.chemicalContext),
    vagueAny: lines.some((l) => l.vague),
    totalValueUsd: totalUsd < 0 ? -1 : Math.round(totalUsd * 100) / 100,
    lowValueExpress:
      (c.mode === 'POST' || c.mode === 'EXPRESS') && totalUsd >= 0 && totalUsd <= opts.lowValueUsd,
    pillPress: lines.some((l) => l.pillPress),
    pillPressWithChemical:
      lines.some((l) => l.pillPress) && lines.some((l) => !l.pillPress && (l.chemicalContext || l.vague)),
    watchlistHit: hit !== null,
    watchlistScore: hit?.hit.score ?? 0,
    watchlistParty: hit?.role ?? '',
    watchlistPartyName: hit?.name ?? '',
    watchlistEntry:
      hit === null ? '' : `${hit.hit.primaryName}${hit.hit.alias ? ` (alias "${hit.hit.matchedName}")` : ''}`,
    watchlistPrograms: hit?.hit.programs.join(', ') ?? '',
    watchlistList: hit?.hit.list ?? '',
    lineCount: c.goods.length,
  };
  return { report: r, lines, substances, permitDraws };
}

const WORD = /[a-z]{3,}/;

/** A token that names something besides a CAS number: not digits, units, packaging or vague words. */
const namesSomething = (t: string) => WORD.test(t) && !CAS_FILLER_WORDS.has(t) && !VAGUE_WORDS.has(t);

/** HS chapter 28/29/38, a CAS number, a chemical unit ("99%", "500 g") or a chemical word on the line. */
function inChemicalContext(g: Report['consignment']['goods'][number], tokens: readonly string[]): boolean {
  return (
    (g.hsCode !== null && CHEMICAL_CHAPTER.test(g.hsCode)) ||
    g.casNumbers.length > 0 ||
    CHEMICAL_UNIT.test(g.description) ||
    tokens.some((t) => CHEMICAL_CONTEXT_WORDS.has(t))
  );
}

const normAbbr = (v: string) => v.toLowerCase().replace(/[^a-z0-9]/g, '');
const abbreviationSets = new WeakMap<Knowledge, Map<string, Set<string>>>();

/** The match is one of its substance's abbreviations ("NPP", "4-AP"), not a name, synonym or CAS. */
function isAbbreviation(knowledge: Knowledge, m: ChemicalMatch): boolean {
  if (m.substanceId === null || m.kind.startsWith('CAS') || m.kind === 'HS') return false;
  let sets = abbreviationSets.get(knowledge);
  if (sets === undefined) {
    sets = new Map();
    for (const s of knowledge.substances.values()) sets.set(s.id, new Set(s.abbreviations.map(normAbbr)));
    abbreviationSets.set(knowledge, sets);
  }
  return sets.get(m.substanceId)?.has(normAbbr(m.evidence)) ?? false;
}

const firstName = (lm: LineMatch) => lm.matches.find((m) => IDENTITY_KINDS.has(m.kind))?.name ?? '';

const IDENTITY_KINDS = new Set(['CAS', 'CAS_TEXT', 'NAME', 'SYNONYM', 'ABBREVIATION', 'ANALOGUE']);

/** The line as the permit checks see it: identified substances, their CAS numbers, the quantity. */
function permitLine(g: Report['consignment']['goods'][number], lm: LineMatch, f: LineFacts): PermitLine {
  const ids = new Set<string>();
  const cas = new Set<string>();
  for (const m of lm.matches) {
    if (!IDENTITY_KINDS.has(m.kind)) continue;
    if (m.cas !== null) cas.add(m.cas);
    if (m.substanceId !== null && m.familyId === null) ids.add(m.substanceId);
  }
  // An authorisation for a narcotic covers it by any CAS of the drug (base or salt).
  const narcotic = f.narcotic ? NARCOTICS.find((n) => n.name === f.narcoticName) : undefined;
  for (const c of narcotic?.cas ?? []) cas.add(c);
  return {
    lineNumber: g.lineNumber,
    substanceIds: ids,
    casNumbers: cas,
    substance:
      f.substance ||
      f.reagent ||
      f.analogueName ||
      f.evidence ||
      firstName(lm) ||
      'the substance on this line',
    quantityKg: lineQuantityKg(g),
    needsPermit:
      f.controlled ||
      f.controlledReagent ||
      f.reagentElsewhere ||
      f.possibleControlled ||
      f.analogue ||
      f.fentanylRelated ||
      f.narcotic,
  };
}

// Origins: the origin country and the country of the port of loading. A module function, not a closure
// per call: under tsx (esbuild keepNames) every closure made costs a __name defineProperty.
const shipsFrom = (origin: string, loading: string, c: string) => origin === c || loading === c;

/** DOMAIN.md §3 #6: PRC/HK -> MX, IN -> MX, PRC -> US/CA by post, express or air. */
function corridorOf(origin: string, loading: string, dest: string, mode: string): string {
  const cn = shipsFrom(origin, loading, 'CN');
  if (dest === 'MX' && (cn || shipsFrom(origin, loading, 'HK'))) return `${cn ? 'CN' : 'HK'} → MX`;
  if (dest === 'MX' && shipsFrom(origin, loading, 'IN')) return 'IN → MX';
  const northAmerica = dest === 'US' || dest === 'CA';
  if (northAmerica && cn && (mode === 'POST' || mode === 'EXPRESS' || mode === 'AIR')) {
    return `CN → ${dest} by ${mode}`;
  }
  return '';
}

/** Corridors named by issue #15 whose sources are not yet verified ([M] in docs/scoring.md): weighed lower. */
function secondaryCorridorOf(origin: string, loading: string, dest: string, mode: string): string {
  const northAmerica = dest === 'US' || dest === 'CA';
  if (northAmerica && shipsFrom(origin, loading, 'IN')) return `IN → ${dest}`;
  if (northAmerica && shipsFrom(origin, loading, 'HK')) return `HK → ${dest}`;
  if (dest === 'CA' && shipsFrom(origin, loading, 'CN') && mode === 'SEA') return 'CN → CA by sea';
  return '';
}

/** DOMAIN.md §3 #5, #8: goods through a free-zone port, or a free-zone entity as shipper or consignee. */
function freeZoneOf(
  transshipment: readonly string[],
  loading: string,
  parties: Report['consignment']['parties'],
): string {
  const port = [...transshipment, loading].find((p) => FREE_ZONE_PORTS[p] !== undefined);
  if (port !== undefined) return `through ${FREE_ZONE_PORTS[port]} (${port})`;
  for (const role of ['consignee', 'shipper'] as const) {
    const name = parties[role].name;
    if (FREE_ZONE_ENTITY.test(name)) return `${role} "${name}" is a free-zone entity`;
  }
  return '';
}

function screenParties(
  report: Report,
  watchlist: Watchlist,
  threshold: number,
): { role: string; name: string; hit: WatchlistHit } | null {
  let best: { role: string; name: string; hit: WatchlistHit } | null = null;
  for (const role of PARTY_ROLES) {
    const party = report.consignment.parties[role];
    if (party === null || party === undefined) continue;
    for (const h of watchlist.screen(party.name, threshold)) {
      if (h.drugRelated && (best === null || h.score > best.hit.score))
        best = { role, name: party.name, hit: h };
    }
  }
  return best;
}

function emptyLineFacts(number: number, description: string, hs: string): LineFacts {
  return {
    number,
    description,
    hs,
    hsStrength: 'none',
    hsLabel: '',
    chemicalHs: false,
    namesChemical: false,
    chemicalContext: false,
    controlled: false,
    substance: '',
    cas: '',
    matchedBy: '',
    evidence: '',
    listing: '',
    controlNote: '',
    salt: false,
    possibleControlled: false,
    possibleConfidence: 0,
    possibleNote: '',
    controlledReagent: false,
    reagent: '',
    reagentNote: '',
    reagentElsewhere: false,
    reagentElsewhereNote: '',
    analogue: false,
    analogueName: '',
    analogueEvidence: '',
    analogueNote: '',
    analogueControlledHere: false,
    fentanylRelated: false,
    strongHsOnly: false,
    hsSubstance: '',
    hsNote: '',
    casNear: false,
    casNearNote: '',
    bareCas: false,
    unknownCas: '',
    invalidCas: '',
    vague: false,
    consolidatedWording: false,
    consumerWording: false,
    hsDescriptionMismatch: false,
    chemicalUnderNonChemicalHs: false,
    weightImplausible: false,
    weightNote: '',
    valuePerKgUsd: -1,
    valueImplausible: false,
    pillPress: false,
    residualHsUnnamed: false,
    narcotic: false,
    narcoticName: '',
    narcoticEvidence: '',
    narcoticHsOnly: false,
    narcoticHeading: '',
    permitState: 'none-filed',
    permitNote: '',
    permitUnknown: false,
    permitUnknownNote: '',
    permitExpired: false,
    permitExpiredNote: '',
    permitWrongSubstance: false,
    permitWrongSubstanceNote: '',
    permitWrongHolder: false,
    permitWrongHolderNote: '',
    permitWrongCountry: false,
    permitWrongCountryNote: '',
    permitQuantityExceeded: false,
    permitQuantityNote: '',
  };
}
