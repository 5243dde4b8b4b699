-- 005: sign-in throttling shared by every review process (services/review/login-throttle.ts). Same
-- rules as 001 (one statement per `;` at a line end, {{database}}, IF NOT EXISTS, valid on 18.16 and
-- current releases).

-- One ATTEMPT row is written before a password is checked; SUCCESS or REFUSED rows with the same
-- attemptId settle it. An ATTEMPT not settled by SUCCESS or REFUSED counts as a failure (a pending
-- one too), so concurrent attempts never check more passwords than the limit. Rows older than the
-- longest window (30 days of usual addresses) are dead weight; 18.16 has no TTL, so
-- `precursor-risk`'s operator deletes them (docs/review-app.md "Sign-in throttling").
CREATE TABLE IF NOT EXISTS {{database}}.login_attempts
(
    attemptId String,
    kind Enum8('ATTEMPT' = 1, 'SUCCESS' = 2, 'REFUSED' = 3),
    username String,
    ip String,
    at DateTime('UTC'),
    atMs UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (username, ip, atMs);
