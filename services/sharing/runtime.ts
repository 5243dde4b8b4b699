// A sharing service from a loaded set-up, for the processes that run one (review app, `sharing
// start`, the demo). Reads: nothing itself. Guarantees: the audit sink is the caller's — the review
// app and the sharing service in one process must append through ONE audit log (one writer per
// database, services/audit/audit-log.ts).
import type { Logger } from '../common/logger.ts';
import { createKafka } from '../pipeline/kafka.ts';
import type { ClickHouseClient } from '../storage/clickhouse.ts';
import type { AuditSink } from './audit.ts';
import type { SharingSetup } from './config.ts';
import { createSharingService, type SharingService } from './service.ts';

export function sharingServiceFromSetup(
  setup: SharingSetup,
  deps: { clickhouse: ClickHouseClient; database: string; audit: AuditSink; logger: Logger },
): SharingService {
  const c = setup.config;
  const client = createKafka({
    brokers: c.KAFKA_BROKERS,
    clientId: `${c.KAFKA_CLIENT_ID}-sharing-${c.AGENCY_ID.toLowerCase()}`,
    logger: deps.logger,
  });
  return createSharingService({
    agencyId: c.AGENCY_ID,
    clickhouse: deps.clickhouse,
    database: deps.database,
    kafka: {
      client,
      brokers: c.KAFKA_BROKERS,
      topicPrefix: c.SHARING_TOPIC_PREFIX,
      ...(c.SHARING_GROUP_ID ? { groupId: c.SHARING_GROUP_ID } : {}),
      partitions: c.KAFKA_PARTITIONS,
    },
    audit: deps.audit,
    agreements: setup.agreements,
    trustStore: setup.trustStore,
    signingKey: setup.signingKey,
    logger: deps.logger,
    validator: setup.validator,
  });
}
