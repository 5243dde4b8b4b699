// The decision record (CONTRACT.md §2): exactly one per valid report, written to ClickHouse and
// returned by the batch CLI. Produced by the scoring core; this schema is its contract test.
import { z } from 'zod';
import { DOCUMENT_TYPES } from './report.ts';

export const LANES = ['GREEN', 'YELLOW', 'RED'] as const;
export type Lane = (typeof LANES)[number];

export const ruleHitSchema = z.object({
  ruleId: z.string().min(1),
  weight: z.number(),
  explanation: z.string(),
  goodsLine: z.number().int().nullable(),
  evidence: z.record(z.string(), z.unknown()).optional(),
});

export const substanceMatchSchema = z.object({
  name: z.string(),
  cas: z.string().nullable(),
  matchedBy: z.string(),
  listing: z.string().nullable(),
  goodsLine: z.number().int().nullable(),
  confidence: z.number().min(0).max(1).optional(),
  controlled: z.boolean().optional(),
});

/**
 * How much of the report was screened: COMPLETE; PARTIAL (readable but broke a limit or a field:
 * scored on what was readable, lane at least YELLOW); UNSCREENED (unreadable, consignment known:
 * lane RED). Records written before the field existed are COMPLETE.
 */
export const SCREENING_STATUSES = ['COMPLETE', 'PARTIAL', 'UNSCREENED'] as const;
export type ScreeningStatus = (typeof SCREENING_STATUSES)[number];

/** kg a covered goods line takes from a permit in the register (the ledger of permit quantities). */
export const permitUseSchema = z.object({
  reference: z.string(),
  casNumber: z.string(),
  quantityKg: z.number().min(0),
  goodsLine: z.number().int(),
});

export const featureContributionSchema = z.object({ feature: z.string(), contribution: z.number() });

export const decisionSchema = z.object({
  messageId: z.string().min(1),
  consignmentId: z.string().min(1),
  documentType: z.enum(DOCUMENT_TYPES),
  scoredAt: z.iso.datetime(),
  riskScore: z.number().min(0).max(1),
  lane: z.enum(LANES),
  flagged: z.boolean(),
  ruleHits: z.array(ruleHitSchema),
  modelScore: z.number().min(0).max(1),
  modelVersion: z.string(),
  rulesVersion: z.string(),
  substances: z.array(substanceMatchSchema),
  topFeatures: z.array(featureContributionSchema),
  randomSelection: z.boolean().optional(),
  screening: z.enum(SCREENING_STATUSES).optional(),
  /** Present when a cited permit verified in the register covers a line. */
  permitUse: z.array(permitUseSchema).optional(),
});

export type RuleHit = z.infer<typeof ruleHitSchema>;
export type SubstanceMatch = z.infer<typeof substanceMatchSchema>;
export type PermitUse = z.infer<typeof permitUseSchema>;
export type FeatureContribution = z.infer<typeof featureContributionSchema>;
export type Decision = z.infer<typeof decisionSchema>;
