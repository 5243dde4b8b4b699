// Public types of the synthetic report generator and the catalogue of generative patterns.
// Reads nothing; writes nothing. Guarantees: PATTERNS is the single list of pattern names, their
// default weights and whether they are positive (smuggling); docs/generator.md mirrors it.
import type { MODES, ReportInput } from '../../schemas/report.ts';

export type Mode = (typeof MODES)[number];
export type PartyInput = ReportInput['consignment']['parties']['shipper'];
export type GoodsInput = ReportInput['consignment']['goods'][number];

export interface PatternSpec {
  positive: boolean;
  /** Relative weight per consignment; the positive weights sum to 0.03 of 0.98. */
  weight: number;
  summary: string;
}

export const PATTERNS = {
  'licit-general-cargo': {
    positive: false,
    weight: 0.4,
    summary: 'manufactured goods between established firms',
  },
  'licit-consumer-parcel': {
    positive: false,
    weight: 0.24,
    summary: 'e-commerce express/postal parcels to private buyers',
  },
  'licit-chemical-trade': {
    positive: false,
    weight: 0.16,
    summary: 'benign fine chemicals under 2933/2915/2921 between established firms',
  },
  'licit-bulk-chemical': {
    positive: false,
    weight: 0.04,
    summary: 'bulk commodity chemicals (aniline, acids, solvents) by sea',
  },
  'licit-controlled-licensed': {
    positive: false,
    weight: 0.03,
    summary: 'scheduled precursors to licensed dealers with PEN and permits',
  },
  'licit-consolidated-master': {
    positive: false,
    weight: 0.03,
    summary: 'consolidated master bills (FAK/SLC) filed by carriers',
  },
  'licit-pharma-equipment': {
    positive: false,
    weight: 0.015,
    summary: 'tablet presses and dies to registered pharmaceutical firms',
  },
  'licit-new-importer': {
    positive: false,
    weight: 0.035,
    summary: 'new small buyers of benign chemicals: risky-looking, innocent',
  },
  'smuggle-named-no-permit': {
    positive: true,
    weight: 0.003,
    summary: 'precursor named outright, no PEN or permit',
  },
  'smuggle-synonym-salt': {
    positive: true,
    weight: 0.0035,
    summary: 'precursor under a systematic name, synonym or salt',
  },
  'smuggle-analogue': { positive: true, weight: 0.0035, summary: 'boc-, halogenated or benzyl analogue' },
  'smuggle-bare-cas': {
    positive: true,
    weight: 0.0025,
    summary: 'description is only a CAS number or "intermediate" + CAS',
  },
  'smuggle-misdeclared-hs': {
    positive: true,
    weight: 0.0035,
    summary: 'precursor declared as an innocent good under its HS code',
  },
  'smuggle-vague-express': {
    positive: true,
    weight: 0.0055,
    summary: 'vague description on express/post, crypto/P2P, weight/value off',
  },
  'smuggle-transshipment': {
    positive: true,
    weight: 0.0025,
    summary: 'routed via HK/Busan/Jebel Ali, forwarder or "to order" consignee',
  },
  'smuggle-watchlist-party': {
    positive: true,
    weight: 0.002,
    summary: 'a watchlisted shipper under a spelling variant',
  },
  'smuggle-weak-indicators': {
    positive: true,
    weight: 0.0025,
    summary: 'several weak signs, no chemical named',
  },
  'smuggle-pill-press': {
    positive: true,
    weight: 0.0015,
    summary: 'pill presses or dies to a shell or private consignee',
  },
} as const satisfies Record<string, PatternSpec>;

export type PatternName = keyof typeof PATTERNS;

export interface Label {
  messageId: string;
  consignmentId: string;
  pattern: string;
  positive: boolean;
}

export interface GenerateOptions {
  /** Number of reports (messages) to produce. */
  count: number;
  /** 32-bit seed; the same seed and options give byte-identical output. */
  seed: number;
  /** ISO date or date-time of the first consignment; default 2026-01-05T00:00:00Z. */
  startDate?: string;
  /** Relative weights per pattern; unnamed patterns keep their defaults. Zero disables one. */
  ratios?: Partial<Record<PatternName, number>>;
}

export interface GeneratedReports {
  reports: ReportInput[];
  labels: Label[];
}
