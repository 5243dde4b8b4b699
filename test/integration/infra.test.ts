// `npm run infra:up` is idempotent: run again on a running system it creates, formats, installs
// and migrates nothing, and says so.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('infra:up', () => {
  it('changes nothing when everything is already up', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'infra/cli.ts', 'up'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/kafka: already answering/);
    expect(r.stderr).not.toMatch(/created topics|applied migrations|format|apt-get|starting/i);
    expect(r.stderr).toMatch(/up done in/);
  });
});
