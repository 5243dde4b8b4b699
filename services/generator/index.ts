// The synthetic data generator's public surface: labelled reports and malformed messages for tests,
// training and demos. Nothing here touches the network, the clock or Math.random.
export { DEFAULT_START, generateReports, patternWeights } from './generate.ts';
export { generateMalformed, type MalformedMessage, type MalformedReason } from './malformed.ts';
export { partyPool, WATCHLIST_ENTITIES, type WatchlistEntity } from './parties.ts';
export { Rng } from './prng.ts';
export {
  type GeneratedReports,
  type GenerateOptions,
  type Label,
  PATTERNS,
  type PatternName,
} from './types.ts';
