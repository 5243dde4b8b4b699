// Reads: process.env (the only module that does). Writes: nothing.
// Guarantees: each service gets one strict, frozen config parsed once at start-up; a bad value
// becomes a ConfigError whose message is one line naming the variable and what was expected.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PrecursorRiskError } from './errors.ts';

const hostPort = /^[A-Za-z0-9.-]+:\d{1,5}$/;

const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info')
  .describe('pino log level');

/** Settings every service shares. */
export const baseShape = {
  LOG_LEVEL: logLevel,
} as const;

export const kafkaShape = {
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .describe('comma-separated host:port list of Kafka bootstrap brokers')
    .transform((s, ctx) => {
      const brokers = s
        .split(',')
        .map((b) => b.trim())
        .filter((b) => b.length > 0);
      const bad = brokers.find((b) => !hostPort.test(b) || Number(b.split(':')[1]) > 65535);
      if (brokers.length === 0 || bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: `expected comma-separated host:port, got "${bad ?? s}"` });
        return z.NEVER;
      }
      return brokers;
    }),
  KAFKA_CLIENT_ID: z.string().min(1).default('precursor-risk').describe('Kafka client id'),
  KAFKA_TOPIC: z.string().min(1).default('manifests.v1').describe('input topic of consignment reports'),
  KAFKA_DLQ_TOPIC: z.string().min(1).default('manifests.v1.dlq').describe('dead-letter topic'),
  KAFKA_PARTITIONS: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(3)
    .describe('partitions per created topic'),
} as const;

export const clickhouseShape = {
  CLICKHOUSE_URL: z
    .url({ protocol: /^https?$/ })
    .default('http://127.0.0.1:8123')
    .describe('ClickHouse HTTP URL'),
  CLICKHOUSE_USER: z.string().default('default').describe('ClickHouse user'),
  CLICKHOUSE_PASSWORD: z.string().default('').describe('ClickHouse password (secret: environment only)'),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('precursor_risk')
    .describe('database'),
} as const;

export const lanePolicyShape = {
  LANE_POLICY_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('lane policy: expected lane rates and thresholds (default: models/lanes.yaml)'),
} as const;

export const pipelineConfigSchema = z
  .object({
    ...baseShape,
    ...kafkaShape,
    ...clickhouseShape,
    KAFKA_GROUP_ID: z
      .string()
      .min(1)
      .default('precursor-risk-pipeline')
      .describe('consumer group of the pipeline'),
    FEED_COUNTRY: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .default('CA')
      .describe(
        'ISO country whose customs feed this pipeline reads: an unreadable message that does not name its reporting country is filed under it (UNSCREENED cases reach that agency)',
      ),
    SINK_BATCH_ROWS: z.coerce
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(5000)
      .describe('flush after this many rows'),
    SINK_FLUSH_MS: z.coerce
      .number()
      .int()
      .min(1)
      .max(60_000)
      .default(250)
      .describe('flush after this many ms'),
    METRICS_PORT: z.coerce
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(9464)
      .describe('/metrics, /healthz, /readyz'),
    COUNTERPART_CACHE_MB: z.coerce
      .number()
      .int()
      .min(1)
      .max(65_536)
      .default(128)
      .describe(
        'memory for documents awaiting the other document of their consignment; beyond it the oldest are read back from ClickHouse when needed',
      ),
    RULES_DIR: z.string().min(1).optional().describe('rules directory (default: models/rules)'),
    MODELS_DIR: z.string().min(1).optional().describe('model registry directory (default: models)'),
    ...lanePolicyShape,
    WATCHLIST_DIR: z
      .string()
      .min(1)
      .optional()
      .describe('OFAC SDN legacy CSV and national lists to screen parties against (default: none)'),
    PERMITS_DIR: z
      .string()
      .min(1)
      .optional()
      .describe('permit register: a CSV file or a folder of *.csv (default: models/permits)'),
    PERMITS_POLL_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .default(30_000)
      .describe('how often the ClickHouse permit_register and permit_usage tables are re-read'),
  })
  .strict();

export const reviewConfigSchema = z
  .object({
    ...baseShape,
    ...clickhouseShape,
    ...lanePolicyShape,
    REVIEW_PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe('review web app port'),
    REVIEW_HOST: z.string().default('127.0.0.1').describe('review web app bind address'),
    SECURE_COOKIES: z
      .enum(['true', 'false', '1', '0'], "expected 'true' or 'false'")
      .default('false')
      .transform((v) => v === 'true' || v === '1')
      .describe('mark cookies Secure and send HSTS: set when the app is served over https (behind TLS)'),
    HSTS_MAX_AGE: z.coerce
      .number()
      .int()
      .min(0)
      .max(63_072_000)
      .default(31_536_000)
      .describe('Strict-Transport-Security max-age in seconds, sent only with SECURE_COOKIES'),
  })
  .strict();

const AGREEMENTS_DIR = fileURLToPath(new URL('../../models/agreements/', import.meta.url));

/** Partner case sharing (docs/sharing.md §9). Pseudonymisation secrets are named by the agreements: see secretFromEnv. */
export const sharingConfigSchema = z
  .object({
    ...baseShape,
    ...kafkaShape,
    ...clickhouseShape,
    AGENCY_ID: z
      .string()
      .regex(
        /^[A-Z][A-Z0-9]{1,15}$/,
        'expected an agency id of 2-16 upper-case letters and digits (e.g. CBSA)',
      )
      .describe('this agency, as agreements and the trust store name it (CBSA, CBIC)'),
    AGENCY_SIGNING_KEY: z
      .string()
      .min(1)
      .describe("this agency's Ed25519 private key, PKCS8 PEM or base64 DER (secret: environment only)"),
    SHARING_AGREEMENTS_DIR: z
      .string()
      .min(1)
      .default(AGREEMENTS_DIR)
      .describe('directory of agreement files'),
    SHARING_TRUST_STORE: z
      .string()
      .min(1)
      .default(`${AGREEMENTS_DIR}trust-store.yaml`)
      .describe("partners' public keys"),
    SHARING_TOPIC_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._-]*$/)
      .default('')
      .describe('prepended to partner.<agency>.cases.v1 (isolates environments on one cluster)'),
    SHARING_GROUP_ID: z
      .string()
      .min(1)
      .optional()
      .describe('consumer group (default precursor-risk-sharing-<agency>)'),
    SHARING_STIX_SCHEMAS_DIR: z
      .string()
      .min(1)
      .optional()
      .describe(
        'OASIS cti-stix2-json-schemas checkout with tlp-2.0/ (default vendor/oasis-stix2-json-schemas)',
      ),
  })
  .strict();

/** Whether this process is configured to share cases (AGENCY_ID set); sharing then needs its key too. */
export function sharingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.AGENCY_ID ?? '') !== '';
}

/**
 * The value of a secret variable named at run time (an agreement's `pseudonymisation.secretEnv`).
 * Secrets come from the environment only; this is the one place that reads them.
 */
export function secretFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

export const infraConfigSchema = z
  .object({
    ...baseShape,
    ...kafkaShape,
    ...clickhouseShape,
  })
  .strict();

export class ConfigError extends PrecursorRiskError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
    this.name = 'ConfigError';
  }
}

/** Keys of `env` that belong to the schema; everything else in the environment is ignored. */
function pick(shape: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') out[key] = v;
  }
  return out;
}

/** Parses once and freezes. Throws ConfigError with a one-line message on the first bad variable. */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<z.output<S>> {
  const result = schema.safeParse(pick(schema.shape, env));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const got = env[name];
    throw new ConfigError(
      `invalid setting ${name}${got === undefined ? '' : `=${JSON.stringify(got)}`}: ${issue.message}`,
    );
  }
  return Object.freeze(result.data);
}

export type PipelineConfig = z.output<typeof pipelineConfigSchema>;
export type ReviewConfig = z.output<typeof reviewConfigSchema>;
export type InfraConfig = z.output<typeof infraConfigSchema>;
export type SharingConfig = z.output<typeof sharingConfigSchema>;
