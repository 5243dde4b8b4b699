-- 005: how much of each report was screened (CONTRACT.md §2 `screening`, docs/errors.md).
-- COMPLETE: the report passed the v1 schema. PARTIAL: readable but broke a limit or a field, scored
-- on what was readable. UNSCREENED: unreadable, its consignment known from the Kafka key; the row's
-- messageId is `unscreened:<topic>:<partition>:<offset>`. supersededBy names the replayed message
-- that replaced an UNSCREENED row. Rows from before this migration read as COMPLETE.
-- ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS: migrate.ts treats "column with this name
-- already exists" on an ADD COLUMN as done, so this file can be run again after a failure.
ALTER TABLE {{database}}.decisions_raw ADD COLUMN screening Enum8('COMPLETE' = 1, 'PARTIAL' = 2, 'UNSCREENED' = 3) DEFAULT 'COMPLETE';
ALTER TABLE {{database}}.decisions_raw ADD COLUMN supersededBy String DEFAULT '';

-- The view's column list was fixed when it was created; recreate it to show the new columns
-- (DROP TABLE: 18.16 has no DROP VIEW; it drops a view too).
DROP TABLE IF EXISTS {{database}}.decisions;
CREATE VIEW {{database}}.decisions AS
SELECT *
FROM {{database}}.decisions_raw
FINAL;
