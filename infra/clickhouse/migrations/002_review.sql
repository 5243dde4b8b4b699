-- 002: the officers' review app (docs/review-app.md): accounts, assignments, dispositions and the
-- `labels` view the trainer reads, cases shared between agencies, and the hash-chained audit log.
-- Every table here is append-only for the app: it only INSERTs; "current" state is the latest row.
-- Same rules as 001 (one statement per `;` at a line end, {{database}}, IF NOT EXISTS, 18.16-valid).

-- Local accounts (services/review/users.ts). A change is a new row with a greater updatedAtMs;
-- read with FINAL. agency and role are validated by the app (a new agency needs no migration).
CREATE TABLE IF NOT EXISTS {{database}}.review_users
(
    username String,
    displayName String,
    role String,
    agency String,
    passwordHash String,
    disabled UInt8,
    updatedAt DateTime('UTC'),
    updatedAtMs UInt64,
    updatedBy String
)
ENGINE = ReplacingMergeTree(updatedAtMs)
ORDER BY username;

-- Who works a case. The latest row per messageId is the current assignment; assignee '' = unassigned.
CREATE TABLE IF NOT EXISTS {{database}}.assignments
(
    assignmentId String,
    messageId String,
    assignee String,
    assigneeAgency String,
    assignedBy String,
    assignedAt DateTime('UTC'),
    assignedAtMs UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(assignedAt)
ORDER BY (messageId, assignedAtMs);

-- Officers' findings, append-only. The latest row per messageId (greatest decidedAtMs) is the case's
-- disposition. laneAtDecision etc. copy the decision as it stood when the officer decided.
-- randomSelection: 1 = the case was a random examination, 0 = it was not, -1 = not known.
CREATE TABLE IF NOT EXISTS {{database}}.dispositions
(
    dispositionId String,
    messageId String,
    consignmentId String,
    disposition Enum8('RELEASED' = 1, 'DOCUMENT_CHECK_PASSED' = 2, 'EXAMINED_NOTHING_FOUND' = 3, 'SEIZED' = 4, 'REFERRED' = 5),
    seizedQuantity Float64,
    seizedUnit String,
    notes String,
    actor String,
    agency String,
    decidedAt DateTime('UTC'),
    decidedAtMs UInt64,
    laneAtDecision Enum8('GREEN' = 1, 'YELLOW' = 2, 'RED' = 3),
    riskScoreAtDecision Float64,
    modelVersionAtDecision String,
    rulesVersionAtDecision String,
    randomSelection Int8
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(decidedAt)
ORDER BY (messageId, decidedAtMs);

-- Training labels: one row per messageId, its latest disposition. SEIZED is positive (1); RELEASED,
-- DOCUMENT_CHECK_PASSED and EXAMINED_NOTHING_FOUND are negative (0); a case whose latest disposition
-- is REFERRED has no label yet and is left out. randomSelection is NULL when not known.
CREATE VIEW IF NOT EXISTS {{database}}.labels AS
SELECT
    messageId,
    lastConsignmentId AS consignmentId,
    lastDisposition AS disposition,
    toUInt8(lastDisposition = 'SEIZED') AS positive,
    lastDecidedAt AS decidedAt,
    lastLane AS lane,
    if(lastRandomSelection < 0, NULL, toUInt8(lastRandomSelection)) AS randomSelection
FROM
(
    SELECT
        messageId,
        argMax(consignmentId, decidedAtMs) AS lastConsignmentId,
        argMax(disposition, decidedAtMs) AS lastDisposition,
        argMax(decidedAt, decidedAtMs) AS lastDecidedAt,
        argMax(laneAtDecision, decidedAtMs) AS lastLane,
        argMax(randomSelection, decidedAtMs) AS lastRandomSelection
    FROM {{database}}.dispositions
    GROUP BY messageId
)
WHERE lastDisposition != 'REFERRED';

-- Cases shared with a partner agency (written by partner sharing). A share is revoked by inserting a
-- row with the same shareId and revoked = 1; a share is active while no row of its shareId is revoked.
CREATE TABLE IF NOT EXISTS {{database}}.case_shares
(
    shareId String,
    messageId String,
    fromAgency String,
    toAgency String,
    sharedAt DateTime('UTC'),
    revoked UInt8,
    packageJson String,
    tlp String
)
ENGINE = MergeTree
ORDER BY (toAgency, messageId, shareId);

-- Append-only audit trail (services/audit/audit-log.ts). Each entry carries the sha256 of the previous
-- one (prevHash) and its own (hash), so an edited, removed or forged row breaks the chain at that seq.
CREATE TABLE IF NOT EXISTS {{database}}.audit_log
(
    seq UInt64,
    at DateTime('UTC'),
    actor String,
    agency String,
    action String,
    caseId String,
    details String,
    prevHash String,
    hash String
)
ENGINE = MergeTree
ORDER BY seq;
