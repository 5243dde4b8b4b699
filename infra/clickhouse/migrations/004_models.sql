-- 004: the data-science loop (docs/data-science.md): the model registry's history and the scores of a
-- challenger model running in shadow. Same rules as 001 (one statement per `;` at a line end,
-- {{database}}, IF NOT EXISTS, valid on 18.16 and current releases).

-- One row per model version; a status change (promotion, retirement) is a new row with a greater
-- updatedAtMs, so read with FINAL (or the model_registry_current view). The files under
-- models/model-registry/ are what serving loads; this table is the queryable record of them.
-- trainingData and metricsJson are JSON text (18.16 has no JSON type).
CREATE TABLE IF NOT EXISTS {{database}}.model_registry
(
    version String,
    createdAt DateTime('UTC'),
    featureSchemaHash String,
    trainingData String,
    metricsJson String,
    status Enum8('candidate' = 1, 'champion' = 2, 'challenger' = 3, 'retired' = 4),
    promotedAt Nullable(DateTime('UTC')),
    updatedAt DateTime('UTC'),
    updatedAtMs UInt64
)
ENGINE = ReplacingMergeTree(updatedAtMs)
ORDER BY version;

CREATE VIEW IF NOT EXISTS {{database}}.model_registry_current AS
SELECT *
FROM {{database}}.model_registry
FINAL;

-- What a challenger would have decided for each report the pipeline scored while it ran in shadow
-- (services/storage/decision-rows.ts shadowRow). Never read by the decision path.
-- ReplacingMergeTree keyed by (modelVersion, messageId): a re-delivered report is scored again by the
-- same challenger and must not count twice in `compare`; the copy with the greatest scoredAtMs is kept.
-- No PARTITION BY: a re-delivery can be scored in another month, and FINAL only collapses copies
-- within one partition (the volume is bounded by how long a challenger runs).
CREATE TABLE IF NOT EXISTS {{database}}.shadow_scores
(
    messageId String,
    consignmentId String,
    modelVersion String,
    modelScore Float64,
    riskScore Float64,
    lane Enum8('GREEN' = 1, 'YELLOW' = 2, 'RED' = 3),
    championModelVersion String,
    championModelScore Float64,
    championLane Enum8('GREEN' = 1, 'YELLOW' = 2, 'RED' = 3),
    scoredAt DateTime('UTC'),
    scoredAtMs UInt64
)
ENGINE = ReplacingMergeTree(scoredAtMs)
ORDER BY (modelVersion, messageId);

-- One row per (challenger version, messageId) whether or not background merges have run.
CREATE VIEW IF NOT EXISTS {{database}}.shadow_scores_dedup AS
SELECT *
FROM {{database}}.shadow_scores
FINAL;
