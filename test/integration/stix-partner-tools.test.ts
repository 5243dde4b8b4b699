// Our packages checked with the partners' own tools: the OASIS stix2-validator (strict) and the OASIS
// stix2 library's parser without allow_custom, from PyPI in a venv under .local/ (test/support/
// python-venv.ts). Every kind of package — case, update, revoke, receipt (accepted and refused),
// outcome — sealed as the outbox seals it: 0 errors, 0 warnings, and stix2.parse accepts each.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactDecision } from '../../services/sharing/case-fields.ts';
import { sealPackage } from '../../services/sharing/envelope.ts';
import { shareIdFor } from '../../services/sharing/ids.ts';
import { identityOf, termsOf } from '../../services/sharing/outbox.ts';
import { freshIds, noteCount, type SharingPackage } from '../../services/sharing/stix-package.ts';
import { createStixValidator } from '../../services/sharing/stix-validate.ts';
import { redCase, testAgreements, testKeys } from '../../services/sharing/test-fixtures.ts';
import { runPython, stixPython } from '../support/python-venv.ts';

interface Checked {
  file: string;
  errors: number;
  warnings: number;
  messages: string[];
  parsed: boolean;
  parse_error: string;
  plain_dicts: string[];
}

const validator = createStixValidator();
const cbsa = testAgreements('CBSA');
const a = cbsa.forPartner('CBIC')!;
const { report, decision } = redCase();
const redacted = redactDecision(report, decision, a, cbsa.secretFor(a.id));
const shareId = shareIdFor('CBSA', 'CBIC', report.messageId);
const caseIds = freshIds('CASE', { notes: noteCount(redacted.case) });
const out = {
  shareId,
  caseId: `CBSA:${report.messageId}`,
  sender: 'CBSA',
  recipient: 'CBIC',
  terms: termsOf(a, 'AMBER+STRICT'),
  senderIdentity: identityOf(a, 'CBSA'),
};
const back = { ...out, sender: 'CBIC', recipient: 'CBSA', senderIdentity: identityOf(a, 'CBIC') };
const t = (d: number) => `2026-06-0${d}T10:00:00.000Z`;
const PACKAGES: SharingPackage[] = [
  {
    ...out,
    ids: caseIds,
    kind: 'CASE',
    version: 1,
    issuedAt: t(1),
    firstSharedAt: t(1),
    case: redacted.case,
    pseudonymised: redacted.pseudonymised,
  },
  {
    ...out,
    ids: freshIds('UPDATE', { previous: caseIds, notes: noteCount(redacted.case) }),
    kind: 'UPDATE',
    version: 2,
    issuedAt: t(2),
    firstSharedAt: t(1),
    terms: termsOf(a, 'RED'),
    case: redacted.case,
    pseudonymised: redacted.pseudonymised,
  },
  {
    ...out,
    ids: freshIds('REVOKE', { previous: caseIds }),
    kind: 'REVOKE',
    version: 3,
    issuedAt: t(3),
    firstSharedAt: t(1),
    reason: 'sent in error',
  },
  {
    ...back,
    ids: freshIds('RECEIPT', { previous: caseIds }),
    kind: 'RECEIPT',
    version: 1,
    issuedAt: t(1),
    receipt: {
      status: 'ACCEPTED',
      forKind: 'CASE',
      forBundleId: caseIds.bundle,
      forBundleSha256: 'a'.repeat(64),
    },
  },
  {
    ...back,
    ids: freshIds('RECEIPT'),
    kind: 'RECEIPT',
    version: 2,
    issuedAt: t(2),
    receipt: {
      status: 'REJECTED',
      forKind: 'UPDATE',
      forBundleId: 'bundle--not-parsed',
      forBundleSha256: 'b'.repeat(64),
      reason: 'UNEXPECTED_CONTENT: not in this format',
    },
  },
  {
    ...back,
    ids: freshIds('OUTCOME', { previous: caseIds }),
    kind: 'OUTCOME',
    version: 1,
    issuedAt: t(5),
    outcome: { disposition: 'SEIZED', decidedAt: t(4) },
  },
];

let dir: string;
let results: Checked[];

beforeAll(() => {
  stixPython(); // creates .local/stix-venv on first use (PyPI)
  dir = mkdtempSync(path.join(tmpdir(), 'stix-check-'));
  const key = testKeys('CBSA').signingKey;
  const files = PACKAGES.map((p, i) => {
    const file = path.join(dir, `${i}-${p.kind}.json`);
    writeFileSync(file, JSON.stringify(sealPackage(p, key, validator).envelope.bundle));
    return file;
  });
  results = runPython('stix-check.py', files)
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Checked);
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('packages as a partner’s STIX tools see them', () => {
  it('checked every kind of package', () => {
    expect(results.map((r) => path.basename(r.file).replace(/^\d+-|\.json$/g, ''))).toEqual([
      'CASE',
      'UPDATE',
      'REVOKE',
      'RECEIPT',
      'RECEIPT',
      'OUTCOME',
    ]);
  });

  it('stix2-validator --strict: 0 errors and 0 warnings on each', () => {
    for (const r of results) {
      expect(r.messages, path.basename(r.file)).toEqual([]);
      expect([r.errors, r.warnings], path.basename(r.file)).toEqual([0, 0]);
    }
  });

  it('stix2.parse(..., allow_custom=False) parses each into stix2 objects (no plain dicts)', () => {
    for (const r of results) {
      expect(r.parse_error, path.basename(r.file)).toBe('');
      expect(r.parsed).toBe(true);
      expect(r.plain_dicts, path.basename(r.file)).toEqual([]);
    }
  });
});
