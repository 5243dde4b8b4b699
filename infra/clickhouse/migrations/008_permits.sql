-- 005: the permit register and what consignments drew on it (docs/scoring.md, "Permits"). Same rules
-- as 001 (one statement per `;` at a line end, {{database}}, IF NOT EXISTS, valid on 18.16 and current
-- releases).

-- The permit register as the competent authorities send it (CONTRACT.md §4 columns). A correction or
-- revocation is a new row with a greater updatedAtMs; read with FINAL (or permit_register_current).
-- The pipeline adds these rows to the files in models/permits/ (PERMITS_DIR) and polls for changes.
CREATE TABLE IF NOT EXISTS {{database}}.permit_register
(
    reference String,
    type Enum8('PEN' = 1, 'IMPORT_PERMIT' = 2, 'EXPORT_PERMIT' = 3, 'REGISTRATION' = 4),
    issuingCountry FixedString(2),
    holderName String,
    holderIdentifier String,
    casNumber String,
    maxQuantityKg Float64,
    validFrom Date,
    validUntil Date,
    revoked UInt8,
    updatedAtMs UInt64
)
ENGINE = ReplacingMergeTree(updatedAtMs)
ORDER BY (reference, casNumber);

CREATE VIEW IF NOT EXISTS {{database}}.permit_register_current AS
SELECT *
FROM {{database}}.permit_register
FINAL
WHERE revoked = 0;

-- kg each consignment drew on a permit (one row per permit, substance and goods line of a covering
-- decision), written by the pipeline with the decision. Keyed by consignment: the manifest and the
-- declaration of one consignment, a re-delivery or a replay replace each other instead of adding up.
CREATE TABLE IF NOT EXISTS {{database}}.permit_usage
(
    reference String,
    casNumber String,
    consignmentId String,
    goodsLine Int32,
    quantityKg Float64,
    messageId String,
    filedAt DateTime('UTC'),
    scoredAtMs UInt64
)
ENGINE = ReplacingMergeTree(scoredAtMs)
ORDER BY (reference, casNumber, consignmentId, goodsLine);
