-- 001: the review store (CONTRACT.md §3): decision records and dead letters.
-- Rules for every migration in this folder (see infra/clickhouse/migrate.ts):
--   * one statement per `;` at the end of a line; `--` comments are stripped;
--   * name the database as {{database}}; never edit a file once it has been applied;
--   * make each statement safe to re-run (IF NOT EXISTS), so a migration that failed halfway
--     can be run again after the cause is fixed;
--   * valid on ClickHouse 18.16 and current releases: no DateTime64, TTL, Map, JSON type,
--     LowCardinality or ALTER ... IF NOT EXISTS;
--   * a view's column list is fixed when it is created: a migration that adds columns to a table
--     recreates the views over it (DROP VIEW IF EXISTS + CREATE VIEW; views hold no rows).

-- One row per scoring of a report. Re-deliveries of a message (same messageId) are collapsed by
-- ReplacingMergeTree, keeping the row with the greatest insertedAtMs. The partition key comes from
-- the report itself (filedAt), so every copy of a message lands in the same partition, which is
-- what FINAL and background merges deduplicate within.
CREATE TABLE IF NOT EXISTS {{database}}.decisions_raw
(
    messageId String,
    consignmentId String,
    documentType Enum8('MANIFEST' = 1, 'DECLARATION' = 2),
    reportingCountry String,
    sourceSystem String,
    mode String,
    filedAt DateTime('UTC'),
    scoredAt DateTime('UTC'),
    scoredAtMs UInt64,
    riskScore Float64,
    lane Enum8('GREEN' = 1, 'YELLOW' = 2, 'RED' = 3),
    flagged UInt8,
    modelScore Float64,
    modelVersion String,
    rulesVersion String,
    portOfLoading String,
    portOfDischarge String,
    originCountry String,
    destinationCountry String,
    transshipmentPorts Array(String),
    shipperName String,
    consigneeName String,
    hsCodes Array(String),
    ruleHits Nested(
        ruleId String,
        weight Float64,
        explanation String,
        goodsLine Int32
    ),
    substances Nested(
        name String,
        cas String,
        matchedBy String,
        listing String,
        goodsLine Int32
    ),
    topFeatures Nested(
        feature String,
        contribution Float64
    ),
    record String,
    report String,
    kafkaTopic String,
    kafkaPartition Int32,
    kafkaOffset Int64,
    insertedAtMs UInt64
)
ENGINE = ReplacingMergeTree(insertedAtMs)
PARTITION BY toYYYYMM(filedAt)
ORDER BY messageId;

-- The public read surface: exactly one row per messageId, whether or not the parts holding
-- re-deliveries have been merged yet.
CREATE VIEW IF NOT EXISTS {{database}}.decisions AS
SELECT *
FROM {{database}}.decisions_raw
FINAL;

-- Messages that could not be scored (invalid JSON, schema failure, too large), with the original
-- bytes. Kept as received; a re-delivered dead letter is hidden by dead_letters_dedup.
CREATE TABLE IF NOT EXISTS {{database}}.dead_letters
(
    receivedAt DateTime('UTC'),
    kafkaTopic String,
    kafkaPartition Int32,
    kafkaOffset Int64,
    messageKey String,
    reason String,
    detail String,
    sizeBytes UInt32,
    valueBase64 String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(receivedAt)
ORDER BY (receivedAt, kafkaTopic, kafkaPartition, kafkaOffset);

-- One row per source message (topic, partition, offset): its first receipt. A re-delivery can carry
-- a later receivedAt (another partition of the table), so this dedups by sorting, not by FINAL.
CREATE VIEW IF NOT EXISTS {{database}}.dead_letters_dedup AS
SELECT *
FROM {{database}}.dead_letters
ORDER BY kafkaTopic, kafkaPartition, kafkaOffset, receivedAt
LIMIT 1 BY kafkaTopic, kafkaPartition, kafkaOffset;
