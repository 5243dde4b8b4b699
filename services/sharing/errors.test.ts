// The catalogues and docs/sharing.md must list the same codes (STYLE.md: a test fails when they disagree).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHARING_AUDIT_ACTIONS } from './audit.ts';
import { RejectionReasons, SharingErrorCodes } from './errors.ts';

const doc = readFileSync(new URL('../../docs/sharing.md', import.meta.url), 'utf8');

/** First-column backticked names of the table under a heading. */
function tableUnder(heading: string): string[] {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/sharing.md has no "${heading}"`);
  const rest = doc.slice(start + heading.length + 2);
  const end = rest.search(/\n#{2,3} /);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^\| `([a-z.A-Z_]+)` +\|/gm)].map((m) => m[1]!);
}

describe('docs/sharing.md', () => {
  it('lists every rejection reason, in the order the receiver checks', () => {
    expect(tableUnder('### Rejection reasons')).toEqual(Object.keys(RejectionReasons));
  });

  it('lists every error code with its HTTP status', () => {
    expect(tableUnder('### Errors')).toEqual(Object.keys(SharingErrorCodes));
    for (const [code, { status }] of Object.entries(SharingErrorCodes)) {
      expect(doc).toMatch(new RegExp(`^\\| \`${code}\` +\\| ${status} +\\|`, 'm'));
    }
  });

  it('lists every audit action', () => {
    expect(tableUnder('## 7. Audit')).toEqual([...SHARING_AUDIT_ACTIONS]);
  });
});
