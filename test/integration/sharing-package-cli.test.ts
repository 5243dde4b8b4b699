// `precursor-risk sharing package` as a user meets it (the real binary, no Kafka or ClickHouse used):
// one signed CASE envelope per flagged report, each of which the partner's receiver verifies and
// accepts; bad lines are named on stderr; a partner without an agreement is one line and a non-zero exit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSigningKey, loadPublicKey, loadSigningKey } from '../../services/sharing/signing.ts';
import { createStixValidator } from '../../services/sharing/stix-validate.ts';
import { TEST_SECRETS, testAgreements } from '../../services/sharing/test-fixtures.ts';
import { createTrustStore } from '../../services/sharing/trust-store.ts';
import { verifyInbound } from '../../services/sharing/verify.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = readFileSync(path.join(ROOT, 'examples/examples.jsonl'), 'utf8');
const key = generateSigningKey();
const out = mkdtempSync(path.join(tmpdir(), 'sharing-package-'));

function cli(args: string[], input: string) {
  const r = spawnSync(process.execPath, ['bin/precursor-risk.mjs', 'sharing', 'package', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      AGENCY_ID: 'CBSA',
      AGENCY_SIGNING_KEY: key.privateKeyPem,
      SHARING_PSEUDONYM_KEY_CA_IN: TEST_SECRETS.CBSA,
      LOG_LEVEL: 'warn',
    },
    input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('precursor-risk sharing package', () => {
  it('writes one signed CASE envelope per flagged report, which the partner accepts', () => {
    const r = cli(['--input', '-', '--partner', 'CBIC', '--out', out], `${EXAMPLES}{"not":"a report"}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^line 4: /m);
    const summary = JSON.parse(r.stdout) as {
      lines: number;
      invalid: number;
      scored: number;
      packaged: number;
    };
    expect(summary).toMatchObject({ invalid: 1, scored: 3 });
    expect(summary.packaged).toBeGreaterThanOrEqual(1);
    const files = readdirSync(out).sort();
    expect(files.length).toBe(summary.packaged);
    const flagged = EXAMPLES.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { messageId: string });
    const signer = loadSigningKey(key.privateKeyPem);
    const ctx = {
      me: 'CBIC',
      trustStore: createTrustStore([
        {
          agency: 'CBSA',
          keyId: signer.keyId,
          publicKey: loadPublicKey(key.publicKeyPem, 'test key'),
          validFrom: new Date('2020-01-01T00:00:00Z'),
          validUntil: new Date('2099-01-01T00:00:00Z'),
          revoked: false,
        },
      ]),
      agreements: testAgreements('CBIC'),
      validator: createStixValidator(),
      now: new Date(),
    };
    for (const f of files) {
      expect(flagged.map((x) => `${x.messageId}.json`)).toContain(f);
      const result = verifyInbound(readFileSync(path.join(out, f)), ctx);
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (result.ok)
        expect(result.verified.pkg).toMatchObject({ kind: 'CASE', sender: 'CBSA', recipient: 'CBIC' });
    }
  });

  it('refuses a partner without an agreement in one line, with a non-zero exit', () => {
    const r = cli(['--input', '-', '--partner', 'ICE', '--out', path.join(out, 'none')], EXAMPLES);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('ICE');
  });
});
