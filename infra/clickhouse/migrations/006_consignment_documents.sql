-- 006: the documents of each consignment, ordered by consignmentId, so that a document's
-- counterpart (the manifest of a declaration and the reverse) is one indexed read whatever process
-- stored it and however long ago: reconciliation survives restarts, rebalances and several
-- pipeline processes (services/pipeline/stored-counterparts.ts). Filled by a materialized view on
-- every insert into decisions_raw, and once from the rows already there. UNSCREENED rows have no
-- readable report and are left out. Copies of a row (re-deliveries, re-judgements) collapse by
-- ReplacingMergeTree; readers keep the copy with the greatest scoredAtMs themselves.
CREATE TABLE IF NOT EXISTS {{database}}.consignment_documents
(
    consignmentId String,
    documentType Enum8('MANIFEST' = 1, 'DECLARATION' = 2),
    messageId String,
    filedAt DateTime('UTC'),
    scoredAtMs UInt64,
    screening Enum8('COMPLETE' = 1, 'PARTIAL' = 2, 'UNSCREENED' = 3),
    lane Enum8('GREEN' = 1, 'YELLOW' = 2, 'RED' = 3),
    report String,
    kafkaTopic String,
    kafkaPartition Int32,
    kafkaOffset Int64,
    insertedAtMs UInt64
)
ENGINE = ReplacingMergeTree(insertedAtMs)
PARTITION BY toYYYYMM(filedAt)
ORDER BY (consignmentId, documentType, messageId);

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.consignment_documents_mv
TO {{database}}.consignment_documents
AS SELECT consignmentId, documentType, messageId, filedAt, scoredAtMs, screening, lane, report,
    kafkaTopic, kafkaPartition, kafkaOffset, insertedAtMs
FROM {{database}}.decisions_raw
WHERE screening != 'UNSCREENED';

-- Rows stored before this migration (a re-run only adds copies, which collapse).
INSERT INTO {{database}}.consignment_documents
SELECT consignmentId, documentType, messageId, filedAt, scoredAtMs, screening, lane, report,
    kafkaTopic, kafkaPartition, kafkaOffset, insertedAtMs
FROM {{database}}.decisions_raw
WHERE screening != 'UNSCREENED';
