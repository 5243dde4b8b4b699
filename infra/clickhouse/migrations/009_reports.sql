-- 009: the report body stored once per message, out of the decision rows (issue 17).
-- Decision rows carried the whole report (1.6 KB) and the record in every row, and a materialized
-- view (006) copied the report again into consignment_documents: ClickHouse parsed, sorted and
-- compressed each report twice and again at every re-judgement. Now the pipeline writes each
-- message's body once into `reports`, in the flush of its decision; decision rows keep what the queue,
-- dashboards and analysts read. `reports` is sorted by consignmentId, so reconciliation reads a
-- consignment's documents in one indexed read, and has small granules (256 rows), so reading a few
-- hundred consignments touches little. The case view, sharing and training read bodies from here.
-- UNSCREENED messages keep their raw text here too (messageId `unscreened:...`).
CREATE TABLE IF NOT EXISTS {{database}}.reports
(
    consignmentId String,
    documentType Enum8('MANIFEST' = 1, 'DECLARATION' = 2),
    messageId String,
    filedAt DateTime('UTC'),
    screening Enum8('COMPLETE' = 1, 'PARTIAL' = 2, 'UNSCREENED' = 3),
    report String,
    kafkaTopic String,
    kafkaPartition Int32,
    kafkaOffset Int64,
    insertedAtMs UInt64
)
ENGINE = ReplacingMergeTree(insertedAtMs)
PARTITION BY toYYYYMM(filedAt)
ORDER BY (consignmentId, documentType, messageId)
SETTINGS index_granularity = 256;

-- Existing data stays readable: every stored body is copied (one row per decision row; copies of
-- one message collapse by the sort key). Re-running adds copies, which collapse too.
INSERT INTO {{database}}.reports
SELECT consignmentId, documentType, messageId, filedAt, screening, report, kafkaTopic, kafkaPartition,
    kafkaOffset, insertedAtMs
FROM {{database}}.decisions_raw
WHERE report != '';

-- The copy the view made is no longer needed: reconciliation reads `reports`. decisions_raw keeps
-- its `report` column (empty in new rows; dropping it would make this file unsafe to re-run).
DROP TABLE IF EXISTS {{database}}.consignment_documents_mv;
DROP TABLE IF EXISTS {{database}}.consignment_documents;
