// One catalogue of error codes. Every error says whether retrying can help (kafkajs style);
// only retriable failures are retried. docs/errors.md lists the same codes (a test checks).

export const ErrorCodes = {
  CONFIG_INVALID: { retriable: false, summary: 'an environment setting has a value the service cannot use' },
  CLI_USAGE: { retriable: false, summary: 'a command-line argument is missing or malformed' },
  CLICKHOUSE_UNAVAILABLE: { retriable: true, summary: 'ClickHouse did not answer or refused the request' },
  CLICKHOUSE_QUERY: { retriable: false, summary: 'ClickHouse rejected a statement' },
  KAFKA_UNAVAILABLE: { retriable: true, summary: 'the Kafka broker could not be reached' },
  MIGRATION_FAILED: {
    retriable: false,
    summary: 'a schema migration failed; later migrations were not applied',
  },
  INFRA_FAILED: {
    retriable: false,
    summary: 'a local service (Kafka or ClickHouse) could not be installed or started',
  },
  RULES_INVALID: {
    retriable: false,
    summary: 'a rules file failed validation; the previous rules stay active',
  },
  PERMITS_INVALID: {
    retriable: false,
    summary: 'a permit register file failed validation; the previous register stays active',
  },
  MODEL_INVALID: {
    retriable: false,
    summary: 'model artifacts are missing or do not match the feature schema',
  },
  STARTUP_FAILED: {
    retriable: false,
    summary: 'a part of `start` or `demo` could not start; the parts already started were stopped',
  },
  SERVICE_FAILED: {
    retriable: false,
    summary: 'a running part stopped for good; every other part was stopped and the process exited',
  },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class PrecursorRiskError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retriable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PrecursorRiskError';
    this.code = code;
    this.retriable = options?.retriable ?? ErrorCodes[code].retriable;
  }
}

export function isRetriable(err: unknown): boolean {
  return err instanceof PrecursorRiskError ? err.retriable : false;
}
