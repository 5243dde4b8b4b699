// A handful of hand-made cases that show every part of the case view: a RED Canadian express parcel
// (4-piperidone salt by CAS, an NPP heading under a vague description, a watchlist hit) with the
// broker's declaration of the same consignment, an Indian RED case, a YELLOW and a GREEN Canadian
// case, and a US case no agency here may see. Used by tests, the browser test and the demo.
import type { Decision } from '../../schemas/decision.ts';
import type { ReportInput } from '../../schemas/report.ts';
import type { SyntheticCase } from './synthetic.ts';

export const DEMO_IDS = {
  redCaManifest: '7f9c2ba4-1111-4aaa-8aaa-000000000001',
  redCaDeclaration: '7f9c2ba4-1111-4aaa-8aaa-000000000002',
  yellowCa: '7f9c2ba4-1111-4aaa-8aaa-000000000003',
  greenCa: '7f9c2ba4-1111-4aaa-8aaa-000000000004',
  redIn: '7f9c2ba4-1111-4aaa-8aaa-000000000005',
  redUs: '7f9c2ba4-1111-4aaa-8aaa-000000000006',
  yellowIn: '7f9c2ba4-1111-4aaa-8aaa-000000000007',
} as const;

type Party = NonNullable<ReportInput['consignment']['parties']['notifyParty']>;
type Goods = ReportInput['consignment']['goods'][number];

const party = (name: string, country: string, extra: Partial<Party> = {}, city = ''): Party => ({
  name,
  address: { street: null, city: city || null, postalCode: null, country },
  identifier: null,
  phone: null,
  email: null,
  ...extra,
});

function report(
  messageId: string,
  documentType: 'MANIFEST' | 'DECLARATION',
  filedAt: Date,
  fields: {
    system: string;
    reporting: string;
    consignmentId: string;
    mode: ReportInput['consignment']['mode'];
    route: ReportInput['consignment']['route'];
    shipper: Party;
    consignee: Party;
    goods: Goods[];
    payment?: ReportInput['consignment']['payment'];
    permits?: ReportInput['consignment']['permits'];
    masterId?: string | null;
    carrier?: { code: string; name: string };
  },
): ReportInput {
  return {
    schemaVersion: 1,
    messageId,
    documentType,
    source: { system: fields.system, reportingCountry: fields.reporting },
    filedAt: filedAt.toISOString(),
    consignment: {
      consignmentId: fields.consignmentId,
      masterId: fields.masterId ?? null,
      mode: fields.mode,
      carrier: fields.carrier ?? { code: 'DHL', name: 'DHL Express' },
      route: fields.route,
      departureDate: null,
      arrivalDate: null,
      parties: {
        shipper: fields.shipper,
        consignee: fields.consignee,
        notifyParty: null,
        forwarder: null,
        declarant: null,
      },
      goods: fields.goods,
      containers: [],
      payment: fields.payment ?? { method: 'WIRE', payerIsThirdParty: false },
      permits: fields.permits ?? [],
    },
  };
}

function decision(
  r: ReportInput,
  scoredAt: Date,
  d: Omit<
    Decision,
    'messageId' | 'consignmentId' | 'documentType' | 'scoredAt' | 'flagged' | 'modelVersion' | 'rulesVersion'
  >,
): Decision {
  return {
    messageId: r.messageId,
    consignmentId: r.consignment.consignmentId,
    documentType: r.documentType,
    scoredAt: scoredAt.toISOString(),
    flagged: d.lane !== 'GREEN',
    modelVersion: 'demo-model-1',
    rulesVersion: 'demo-rules-1',
    ...d,
  };
}

/** The demo cases, filed in the hours before `now`. */
export function demoCases(now: Date): SyntheticCase[] {
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000);
  const caRoute = {
    portOfLoading: 'CNCAN',
    portOfDischarge: 'CAYYZ',
    placeOfDelivery: null,
    transshipmentPorts: ['HKHKG'],
    originCountry: 'CN',
    destinationCountry: 'CA',
  };
  const shipper = party('Hubei Rising Chemical Ltd', 'CN', { phone: '+86 27 0000 0000' }, 'Wuhan');
  const consignee = party('K. Dhillon', 'CA', { phone: '+86 135 0000 0000' }, 'Brampton');

  const redManifest = report(DEMO_IDS.redCaManifest, 'MANIFEST', at(3), {
    system: 'CBSA-ACI',
    reporting: 'CA',
    consignmentId: 'EXP7781203344',
    masterId: 'EXPM000918273',
    mode: 'EXPRESS',
    route: caRoute,
    shipper,
    consignee,
    payment: { method: 'CRYPTO', payerIsThirdParty: true },
    goods: [
      {
        lineNumber: 1,
        description: '4-Piperidone monohydrate hydrochloride, 25 kg drum',
        hsCode: '293339',
        casNumbers: ['40064-34-4'],
        quantity: { value: 25, unit: 'KG' },
        packages: { count: 1, type: 'DRUM' },
        grossWeightKg: 27.5,
        declaredValue: { amount: 410, currency: 'USD' },
        originCountry: 'CN',
      },
      {
        lineNumber: 2,
        description: 'Daily necessities',
        hsCode: '293337',
        casNumbers: [],
        quantity: { value: 5, unit: 'KG' },
        packages: { count: 1, type: 'BOX' },
        grossWeightKg: 5.6,
        declaredValue: { amount: 18, currency: 'USD' },
        originCountry: 'CN',
      },
    ],
  });
  const redManifestDecision = decision(redManifest, at(3), {
    riskScore: 0.97,
    lane: 'RED',
    modelScore: 0.88,
    ruleHits: [
      {
        ruleId: 'controlled-substance-no-permit',
        weight: 0.85,
        explanation:
          '4-piperidone identified by CAS (CAS 40064-34-4, "4-Piperidone monohydrate hydrochloride"): UN 1988 Table I since 3 Dec 2024, Canada PCR Class A; no PEN, import permit or registration was filed',
        goodsLine: 1,
        // The facts the rule records (rule-engine.ts): a shared explanation is rebuilt from these.
        evidence: {
          'line.substance': '4-piperidone',
          'line.matchedBy': 'CAS',
          'line.evidence': 'CAS 40064-34-4, "4-Piperidone monohydrate hydrochloride"',
          'line.controlNote': 'UN 1988 Table I since 3 Dec 2024, Canada PCR Class A',
          'line.permitNote': 'no PEN, import permit or registration was filed',
        },
      },
      {
        ruleId: 'precursor-hs-unexplained',
        weight: 0.5,
        explanation:
          'HS 293337 is the NPP heading (HS 2022 2933.37) but the description "Daily necessities" names no chemical',
        goodsLine: 2,
        evidence: {
          'line.hs': '293337',
          'line.hsLabel': 'NPP, HS 2022 2933.37',
          'line.description': 'Daily necessities',
          'line.hsNote': 'NPP is in UN 1988 Table I',
        },
      },
      {
        ruleId: 'watchlist-drug-hit',
        weight: 0.55,
        explanation:
          'shipper "Hubei Rising Chemical Ltd" resembles OFAC SDN entry 41234 "HUBEI RISING CHEMICAL CO., LTD." [ILLICIT-DRUGS-EO14059] (score 0.91)',
        goodsLine: null,
        evidence: {
          watchlistParty: 'shipper',
          watchlistPartyName: 'Hubei Rising Chemical Ltd',
          watchlistList: 'OFAC-SDN',
          watchlistEntry: '41234 "HUBEI RISING CHEMICAL CO., LTD."',
          watchlistPrograms: 'ILLICIT-DRUGS-EO14059',
          watchlistScore: 0.91,
        },
      },
      {
        ruleId: 'payment-cash-p2p-crypto',
        weight: 0.35,
        explanation: 'Paid by CRYPTO through a third-party payer',
        goodsLine: null,
        evidence: { paymentMethod: 'CRYPTO' },
      },
      {
        ruleId: 'contact-country-mismatch',
        weight: 0.25,
        explanation: 'consignee in CA gives a +86 (CN) phone number',
        goodsLine: null,
        evidence: { contactNote: 'consignee in CA has a CN phone number' },
      },
    ],
    substances: [
      { name: '4-piperidone', cas: '40064-34-4', matchedBy: 'CAS', listing: 'UN-1988-TABLE-I', goodsLine: 1 },
      { name: 'NPP', cas: '39742-60-4', matchedBy: 'HS', listing: 'UN-1988-TABLE-I', goodsLine: 2 },
    ],
    topFeatures: [
      { feature: 'controlled_cas_present', contribution: 0.31 },
      { feature: 'hs_precursor_heading', contribution: 0.18 },
      { feature: 'payment_crypto', contribution: 0.09 },
      { feature: 'consignee_is_person', contribution: 0.06 },
      { feature: 'declared_value_per_kg', contribution: -0.04 },
    ],
  });

  const redDeclaration = report(DEMO_IDS.redCaDeclaration, 'DECLARATION', at(2.5), {
    system: 'CBSA-CCS',
    reporting: 'CA',
    consignmentId: 'EXP7781203344',
    masterId: 'EXPM000918273',
    mode: 'EXPRESS',
    route: caRoute,
    shipper,
    consignee: party('K. Dhillon', 'CA', { phone: '+1 905 000 0000' }, 'Brampton'),
    payment: { method: 'CRYPTO', payerIsThirdParty: true },
    goods: [
      {
        lineNumber: 1,
        description: 'Piperidone salt, laboratory reagent',
        hsCode: '293339',
        casNumbers: [],
        quantity: { value: 20, unit: 'KG' },
        packages: { count: 1, type: 'DRUM' },
        grossWeightKg: 27.5,
        declaredValue: { amount: 120, currency: 'USD' },
        originCountry: 'CN',
      },
    ],
  });
  const redDeclarationDecision = decision(redDeclaration, at(2.5), {
    riskScore: 0.62,
    lane: 'YELLOW',
    modelScore: 0.58,
    ruleHits: [
      {
        ruleId: 'analogue-covered-by-class-wording',
        weight: 0.45,
        explanation:
          '"Piperidone salt" names a 4-piperidone form covered by class wording (salts, derivatives)',
        goodsLine: 1,
        evidence: {
          'line.analogueName': '4-piperidone (salt)',
          jurisdiction: 'CA',
          filedDate: '2026-06-01',
          'line.analogueNote': 'salts and derivatives of 4-piperidone are in Canada PCR Class A',
        },
      },
    ],
    substances: [
      { name: '4-piperidone', cas: null, matchedBy: 'NAME', listing: 'UN-1988-TABLE-I', goodsLine: 1 },
    ],
    topFeatures: [{ feature: 'chemical_name_family', contribution: 0.22 }],
  });

  const yellowCa = report(DEMO_IDS.yellowCa, 'MANIFEST', at(6), {
    system: 'CBSA-ACI',
    reporting: 'CA',
    consignmentId: 'MAEU123456789',
    mode: 'SEA',
    carrier: { code: 'MAEU', name: 'Maersk' },
    route: {
      portOfLoading: 'DEHAM',
      portOfDischarge: 'CAMTR',
      placeOfDelivery: null,
      transshipmentPorts: [],
      originCountry: 'DE',
      destinationCountry: 'CA',
    },
    shipper: party('Rheinchem Feinchemikalien AG', 'DE'),
    consignee: party('Northern Lab Supplies Corp.', 'CA'),
    goods: [
      {
        lineNumber: 1,
        description: 'Propionyl chloride, 200 L drum',
        hsCode: '291590',
        casNumbers: ['79-03-8'],
        quantity: { value: 200, unit: 'L' },
        packages: { count: 1, type: 'DRUM' },
        grossWeightKg: 230,
        declaredValue: { amount: 1900, currency: 'EUR' },
        originCountry: 'DE',
      },
    ],
  });
  const yellowCaDecision = decision(yellowCa, at(6), {
    riskScore: 0.55,
    lane: 'YELLOW',
    modelScore: 0.41,
    ruleHits: [
      {
        ruleId: 'controlled-reagent-no-permit',
        weight: 0.45,
        explanation:
          'propionyl chloride identified by CAS (CAS 79-03-8): Canada PCR Class A; no permit filed',
        goodsLine: 1,
        evidence: {
          'line.reagent': 'propionyl chloride',
          'line.reagentNote': 'Canada PCR Class A',
          'line.permitNote': 'no permit filed',
        },
      },
    ],
    substances: [
      {
        name: 'propionyl chloride',
        cas: '79-03-8',
        matchedBy: 'CAS',
        listing: 'CA-PCR-CLASS-A',
        goodsLine: 1,
      },
    ],
    topFeatures: [{ feature: 'controlled_cas_present', contribution: 0.2 }],
  });

  const greenCa = report(DEMO_IDS.greenCa, 'MANIFEST', at(8), {
    system: 'CBSA-ACI',
    reporting: 'CA',
    consignmentId: 'HLCUHAM2603011',
    mode: 'SEA',
    carrier: { code: 'HLCU', name: 'Hapag-Lloyd' },
    route: {
      ...caRoute,
      portOfLoading: 'DEHAM',
      portOfDischarge: 'CAMTR',
      transshipmentPorts: [],
      originCountry: 'DE',
    },
    shipper: party('Nordhafen Moebel GmbH', 'DE'),
    consignee: party('Maplewood Home Furnishings Inc.', 'CA'),
    goods: [
      {
        lineNumber: 1,
        description: 'Oak dining tables, knocked down',
        hsCode: '940360',
        casNumbers: [],
        quantity: { value: 120, unit: 'PCS' },
        packages: { count: 120, type: 'CARTON' },
        grossWeightKg: 5400,
        declaredValue: { amount: 38400, currency: 'EUR' },
        originCountry: 'DE',
      },
    ],
  });
  const greenCaDecision = decision(greenCa, at(8), {
    riskScore: 0.03,
    lane: 'GREEN',
    modelScore: 0.02,
    ruleHits: [],
    substances: [],
    topFeatures: [],
  });

  const inRoute = {
    portOfLoading: 'CNSHA',
    portOfDischarge: 'INNSA',
    placeOfDelivery: null,
    transshipmentPorts: [],
    originCountry: 'CN',
    destinationCountry: 'IN',
  };
  const redIn = report(DEMO_IDS.redIn, 'DECLARATION', at(4), {
    system: 'ICEGATE',
    reporting: 'IN',
    consignmentId: 'LH-020-55512340',
    mode: 'AIR',
    carrier: { code: 'LH', name: 'Lufthansa Cargo' },
    route: inRoute,
    shipper: party('Jiangsu Fine Intermediates Co.', 'CN'),
    consignee: party('Bharat Pharma Traders', 'IN', {}, 'Mumbai'),
    goods: [
      {
        lineNumber: 1,
        description: '1-Phenethyl-4-piperidone (NPP), white powder',
        hsCode: '293337',
        casNumbers: ['39742-60-4'],
        quantity: { value: 50, unit: 'KG' },
        packages: { count: 2, type: 'DRUM' },
        grossWeightKg: 55,
        declaredValue: { amount: 900, currency: 'USD' },
        originCountry: 'CN',
      },
    ],
  });
  const redInDecision = decision(redIn, at(4), {
    riskScore: 0.93,
    lane: 'RED',
    modelScore: 0.81,
    ruleHits: [
      {
        ruleId: 'controlled-substance-no-permit',
        weight: 0.85,
        explanation:
          'NPP identified by CAS (CAS 39742-60-4): UN 1988 Table I; no PEN, import permit or registration was filed',
        goodsLine: 1,
        evidence: {
          'line.substance': 'NPP',
          'line.matchedBy': 'CAS',
          'line.evidence': 'CAS 39742-60-4',
          'line.controlNote': 'UN 1988 Table I',
          'line.permitNote': 'no PEN, import permit or registration was filed',
        },
      },
    ],
    substances: [
      { name: 'NPP', cas: '39742-60-4', matchedBy: 'CAS', listing: 'UN-1988-TABLE-I', goodsLine: 1 },
    ],
    topFeatures: [{ feature: 'controlled_cas_present', contribution: 0.33 }],
  });

  const yellowIn = report(DEMO_IDS.yellowIn, 'MANIFEST', at(5), {
    system: 'ICEGATE',
    reporting: 'IN',
    consignmentId: 'MSCU7766554433',
    mode: 'SEA',
    carrier: { code: 'MSCU', name: 'MSC' },
    route: { ...inRoute, portOfDischarge: 'INMAA' },
    shipper: party('Shanghai Everbright Import Export', 'CN'),
    consignee: party('R. Singh', 'IN'),
    goods: [
      {
        lineNumber: 1,
        description: 'Chemicals',
        hsCode: '293339',
        casNumbers: [],
        quantity: { value: 10, unit: 'KG' },
        packages: { count: 1, type: 'BOX' },
        grossWeightKg: 11,
        declaredValue: { amount: 30, currency: 'USD' },
        originCountry: 'CN',
      },
    ],
  });
  const yellowInDecision = decision(yellowIn, at(5), {
    riskScore: 0.48,
    lane: 'YELLOW',
    modelScore: 0.44,
    ruleHits: [
      {
        ruleId: 'vague-description',
        weight: 0.3,
        explanation: 'Description "Chemicals" is vague',
        goodsLine: 1,
        evidence: { 'line.number': 1, 'line.description': 'Chemicals' },
      },
    ],
    substances: [],
    topFeatures: [{ feature: 'vague_description', contribution: 0.15 }],
  });

  const redUs = report(DEMO_IDS.redUs, 'MANIFEST', at(1), {
    system: 'CBP-AMS',
    reporting: 'US',
    consignmentId: 'USX000111222',
    mode: 'AIR',
    route: { ...inRoute, portOfDischarge: 'USLAX', destinationCountry: 'US' },
    shipper: party('Wuhan Daily Goods Co.', 'CN'),
    consignee: party('J. Doe', 'US'),
    goods: [
      {
        lineNumber: 1,
        description: 'ANPP, research grade',
        hsCode: '293336',
        casNumbers: ['21409-26-7'],
        quantity: { value: 2, unit: 'KG' },
        packages: { count: 1, type: 'BOX' },
        grossWeightKg: 2.2,
        declaredValue: { amount: 50, currency: 'USD' },
        originCountry: 'CN',
      },
    ],
  });
  const redUsDecision = decision(redUs, at(1), {
    riskScore: 0.99,
    lane: 'RED',
    modelScore: 0.95,
    ruleHits: [
      { ruleId: 'controlled-substance-no-permit', weight: 0.85, explanation: 'ANPP by CAS', goodsLine: 1 },
    ],
    substances: [
      { name: 'ANPP', cas: '21409-26-7', matchedBy: 'CAS', listing: 'UN-1988-TABLE-I', goodsLine: 1 },
    ],
    topFeatures: [],
  });

  return [
    { report: redManifest, decision: redManifestDecision },
    { report: redDeclaration, decision: redDeclarationDecision },
    { report: yellowCa, decision: yellowCaDecision },
    { report: greenCa, decision: greenCaDecision },
    { report: redIn, decision: redInDecision },
    { report: yellowIn, decision: yellowInDecision },
    { report: redUs, decision: redUsDecision },
  ];
}
