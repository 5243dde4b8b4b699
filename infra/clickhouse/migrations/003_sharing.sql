-- 003: partner case sharing (docs/sharing.md): every package sent and accepted, cases received from
-- partners, partners' outcomes (labels for training), and refused packages.
-- Same rules as 001 (one statement per `;` at a line end, {{database}}, IF NOT EXISTS, 18.16-valid).

-- Also created by 002_review.sql (which runs first wherever both exist); repeated here, identical, so
-- sharing works in a database that does not have 002 yet. Rows: one per share event; a share is
-- revoked by a row of its shareId with revoked = 1 (sharing writes both directions' rows).
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

-- Every envelope this agency sent (OUT) or accepted (IN), as it travelled. The sender's record of
-- what left (and when the partner acknowledged it); a re-delivered IN envelope (same bundleId) is
-- collapsed. status: ACCEPTED/REJECTED for receipts, '' otherwise. detail: a refusal's reason.
CREATE TABLE IF NOT EXISTS {{database}}.sharing_messages
(
    at DateTime('UTC'),
    direction Enum8('OUT' = 1, 'IN' = 2),
    kind Enum8('CASE' = 1, 'UPDATE' = 2, 'REVOKE' = 3, 'RECEIPT' = 4, 'OUTCOME' = 5),
    shareId String,
    caseId String,
    messageId String,
    sender String,
    recipient String,
    version UInt32,
    tlp String,
    keyId String,
    bundleId String,
    bundleSha256 String,
    status String,
    detail String,
    actor String,
    channel String,
    envelopeJson String
)
ENGINE = ReplacingMergeTree
ORDER BY (shareId, direction, bundleId);

-- Cases partners shared with this agency: the latest version per share (ReplacingMergeTree on version;
-- read with FINAL). caseJson is exactly the fields the agreement let leave; a revoked share keeps no
-- case content. expiresAt = receivedAt + the agreement's retention; purgeExpired() deletes past it.
CREATE TABLE IF NOT EXISTS {{database}}.received_cases
(
    shareId String,
    caseId String,
    messageId String,
    fromAgency String,
    version UInt32,
    kind Enum8('CASE' = 1, 'UPDATE' = 2, 'REVOKE' = 3),
    revoked UInt8,
    tlp String,
    agreementId String,
    retentionDays UInt32,
    onwardSharing UInt8,
    issuedAt DateTime('UTC'),
    receivedAt DateTime('UTC'),
    expiresAt DateTime('UTC'),
    keyId String,
    bundleId String,
    bundleSha256 String,
    caseJson String,
    envelopeJson String
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (fromAgency, shareId);

-- What a partner did with a case this agency shared: one row per outcome message, the latest
-- (greatest version) per (messageId, fromAgency) kept. messageId is this agency's own decision, so
-- training joins it to decisions. positive: 1 = SEIZED; REFERRED is not yet a label.
CREATE TABLE IF NOT EXISTS {{database}}.partner_outcomes
(
    messageId String,
    shareId String,
    fromAgency String,
    version UInt32,
    disposition Enum8('RELEASED' = 1, 'DOCUMENT_CHECK_PASSED' = 2, 'EXAMINED_NOTHING_FOUND' = 3, 'SEIZED' = 4, 'REFERRED' = 5),
    positive UInt8,
    decidedAt DateTime('UTC'),
    receivedAt DateTime('UTC'),
    envelopeJson String
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (messageId, fromAgency);

-- Partners' labels for training: the latest outcome per case and partner, REFERRED left out (as in
-- the review app's `labels`).
CREATE VIEW IF NOT EXISTS {{database}}.partner_labels AS
SELECT messageId, fromAgency, disposition, positive, decidedAt
FROM {{database}}.partner_outcomes
FINAL
WHERE disposition != 'REFERRED';

-- Inbound packages refused, with the reason (services/sharing/errors.ts RejectionReasons) and the
-- bytes as received (base64), for investigation. Claimed values are unverified.
CREATE TABLE IF NOT EXISTS {{database}}.rejected_packages
(
    receivedAt DateTime('UTC'),
    channel String,
    source String,
    reason String,
    detail String,
    authenticated UInt8,
    claimedSender String,
    claimedKind String,
    claimedCaseId String,
    claimedVersion UInt32,
    keyId String,
    sizeBytes UInt32,
    rawBase64 String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(receivedAt)
ORDER BY (receivedAt, reason);
