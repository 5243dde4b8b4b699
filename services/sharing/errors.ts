// Two catalogues: errors a sharing operation throws to its caller (an officer's request, a start-up
// check), and reasons an inbound package is rejected. A rejection is data, stored in
// rejected_packages and audited, never an exception that stops the receiver. docs/sharing.md lists
// both catalogues; a unit test keeps them equal.

export const SharingErrorCodes = {
  NO_AGREEMENT: { retriable: false, status: 422, summary: 'no sharing agreement covers this partner' },
  CASE_NOT_FOUND: { retriable: false, status: 404, summary: 'a case to share is not in the decisions table' },
  SHARE_NOT_FOUND: { retriable: false, status: 404, summary: 'no share with this id exists here' },
  ALREADY_SHARED: {
    retriable: false,
    status: 409,
    summary: 'the case is already shared with this partner; send an update instead',
  },
  SHARE_REVOKED: {
    retriable: false,
    status: 409,
    summary: 'the share was revoked; a revocation is final (STIX objects cannot be un-revoked)',
  },
  TLP_TOO_LOOSE: {
    retriable: false,
    status: 422,
    summary: 'the requested TLP level is looser than the agreement allows',
  },
  CONTENT_CHANGED: {
    retriable: false,
    status: 409,
    summary: 'what would leave differs from the preview the officer approved; preview again',
  },
  PACKAGE_INVALID: {
    retriable: false,
    status: 500,
    summary: 'a package built here failed STIX validation; nothing was sent (a bug)',
  },
  DELIVERY_FAILED: {
    retriable: true,
    status: 503,
    summary: 'the package could not be published to Kafka; nothing was recorded as sent',
  },
} as const;

export type SharingErrorCode = keyof typeof SharingErrorCodes;

export class SharingError extends Error {
  readonly code: SharingErrorCode;
  readonly retriable: boolean;
  readonly status: number;

  constructor(code: SharingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SharingError';
    this.code = code;
    this.retriable = SharingErrorCodes[code].retriable;
    this.status = SharingErrorCodes[code].status;
  }
}

/** Why an inbound package was refused, in the order the receiver checks. */
export const RejectionReasons = {
  INVALID_ENVELOPE: 'not UTF-8 JSON, larger than 1 MiB, or not an envelope of the documented shape',
  WRONG_RECIPIENT: 'the envelope is addressed to another agency',
  UNKNOWN_SENDER: 'the trust store holds no key of the sending agency',
  UNKNOWN_KEY: 'the trust store holds no key with this id for the sending agency',
  KEY_NOT_VALID: 'the signing key is revoked, not yet valid or expired',
  BAD_SIGNATURE: 'the Ed25519 signature does not verify over the canonical (RFC 8785) bundle',
  NO_AGREEMENT: 'no sharing agreement with the sending agency exists here',
  SCHEMA_INVALID: "the bundle fails the OASIS STIX 2.1 (or TLP 2.0, or the sharing extension's) schemas",
  UNEXPECTED_CONTENT:
    "the sharing extension's parts are malformed, sit on an object that carries properties STIX does not define, or case content sits outside the case",
  ENVELOPE_MISMATCH: 'the unsigned envelope header disagrees with the signed bundle',
  DISALLOWED_FIELD: 'the case carries a field the agreement does not allow, or personal data in clear',
  TERMS_MISMATCH: 'the handling terms are looser than the agreement (TLP, retention, onward sharing)',
  UNKNOWN_SHARE: 'a receipt or outcome refers to a share this agency never sent to that partner',
  SHARE_REVOKED: 'an outcome refers to a share this agency has revoked (a revoked case is no training label)',
  STALE_VERSION: 'this or a newer version of the share was already received with other content',
  PROCESSING_FAILED:
    'storing or answering the package failed without hope of a retry (a bug); bytes kept for replay',
} as const;

export type RejectionReason = keyof typeof RejectionReasons;

export class PackageRejected extends Error {
  constructor(
    readonly reason: RejectionReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'PackageRejected';
  }
}
