import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS } from './access.ts';
import { REVIEW_ERRORS } from './http-errors.ts';

const doc = readFileSync(new URL('../../docs/review-app.md', import.meta.url), 'utf8');

describe('docs/review-app.md agrees with the code', () => {
  it('lists every error code with its status', () => {
    for (const [code, { status }] of Object.entries(REVIEW_ERRORS)) {
      expect(doc, code).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`));
    }
  });

  it('documents the role matrix exactly', () => {
    for (const [role, permissions] of Object.entries(ROLE_PERMISSIONS)) {
      const line = doc.split('\n').find((l) => new RegExp(`^\\|\\s*\`${role}\`\\s*\\|\\s*\``).test(l));
      expect(line, role).toBeDefined();
      const documented = [...(line ?? '').matchAll(/`([a-z._]+)`/g)].map((m) => m[1]).slice(1);
      expect(documented.sort(), role).toEqual([...permissions].sort());
    }
  });
});
