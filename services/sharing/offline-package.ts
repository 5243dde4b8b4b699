// Packages without servers (`precursor-risk sharing package`, CONTRACT.md §4): scores newline-delimited
// reports as `score` does and writes one signed CASE envelope per flagged report (lane not GREEN) to
// `<outDir>/<messageId>.json`, redacted to the agreement with the partner exactly as a share from the
// review app would be. Reads: the reports. Writes: envelope files (never overwriting one), a line per
// invalid report to `errors`. Guarantees: each envelope is validated against the schemas and signed
// (sealPackage) before it is written; no Kafka or ClickHouse is touched, so nothing is audited or
// recorded as sent — the files are the record.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { decodeMessage } from '../pipeline/decode.ts';
import type { Scorer } from '../scoring/scorer.ts';
import { redactDecision } from './case-fields.ts';
import type { SharingSetup } from './config.ts';
import { sealPackage } from './envelope.ts';
import { SharingError } from './errors.ts';
import { caseIdFor, shareIdFor } from './ids.ts';
import { identityOf, termsOf } from './outbox.ts';
import { freshIds, noteCount, type SharingPackage } from './stix-package.ts';
import { writeEnvelopeFile } from './transport.ts';

/** `<messageId>.json` must stay inside the output directory. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface PackageSummary {
  lines: number;
  invalid: number;
  scored: number;
  packaged: number;
}

export async function packageReports(opts: {
  input: Readable;
  errors: Writable;
  partner: string;
  outDir: string;
  setup: Pick<SharingSetup, 'config' | 'agreements' | 'signingKey' | 'validator'>;
  scorer: Scorer;
  clock?: () => Date;
}): Promise<PackageSummary> {
  const me = opts.setup.config.AGENCY_ID;
  const clock = opts.clock ?? (() => new Date());
  const agreement = opts.setup.agreements.forPartner(opts.partner);
  if (agreement === undefined) {
    throw new SharingError('NO_AGREEMENT', `${me} has no sharing agreement with ${opts.partner}`);
  }
  const secret = opts.setup.agreements.secretFor(agreement.id);
  const summary: PackageSummary = { lines: 0, invalid: 0, scored: 0, packaged: 0 };
  const lines = createInterface({ input: opts.input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    summary.lines++;
    if (line.trim().length === 0) continue;
    const decoded = decodeMessage(Buffer.from(line, 'utf8'));
    if (!decoded.ok) {
      summary.invalid++;
      opts.errors.write(`line ${summary.lines}: ${decoded.reason}: ${decoded.detail}\n`);
      continue;
    }
    const report = decoded.report;
    if (!SAFE_NAME.test(report.messageId)) {
      summary.invalid++;
      opts.errors.write(
        `line ${summary.lines}: messageId ${JSON.stringify(report.messageId)} is not usable as a file name\n`,
      );
      continue;
    }
    const now = clock();
    const [decision] = opts.scorer.scoreBatch([report], now);
    summary.scored++;
    if (decision === undefined || decision.lane === 'GREEN') continue;
    const r = redactDecision(report, decision, agreement, secret);
    const pkg: SharingPackage = {
      ids: freshIds('CASE', { notes: noteCount(r.case) }),
      kind: 'CASE',
      shareId: shareIdFor(me, opts.partner, report.messageId),
      caseId: caseIdFor(me, report.messageId),
      version: 1,
      sender: me,
      recipient: opts.partner,
      issuedAt: now.toISOString(),
      firstSharedAt: now.toISOString(),
      terms: termsOf(agreement, agreement.tlp),
      senderIdentity: identityOf(agreement, me),
      case: r.case,
      pseudonymised: r.pseudonymised,
    };
    const { envelope } = sealPackage(pkg, opts.setup.signingKey, opts.setup.validator);
    await writeEnvelopeFile(envelope, `${opts.outDir}/${report.messageId}.json`);
    summary.packaged++;
  }
  return summary;
}
