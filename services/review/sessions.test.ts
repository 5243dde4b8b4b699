import { describe, expect, it } from 'vitest';
import { createMemorySessionStore } from './sessions.ts';

const principal = { username: 'u', displayName: 'U', role: 'officer', agency: 'CBSA' } as const;

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

describe('sessions', () => {
  it('expire after idle time and absolute lifetime; ids and tokens are random', async () => {
    const clock = fakeClock();
    const store = createMemorySessionStore({ clock, idleMs: 1000, absoluteMs: 5000 });
    const a = await store.create(principal);
    const b = await store.create(principal);
    expect(a.id).not.toBe(b.id);
    expect(a.csrfToken).not.toBe(a.id);
    for (let i = 0; i < 4; i++) {
      clock.advance(900);
      expect(await store.get(a.id)).not.toBeNull();
    }
    clock.advance(1500);
    expect(await store.get(a.id)).toBeNull(); // past the absolute lifetime though never idle long
    const c = await store.create(principal);
    clock.advance(1001);
    expect(await store.get(c.id)).toBeNull();
    const d = await store.create(principal);
    expect(await store.destroyForUser('u')).toBeGreaterThanOrEqual(1);
    expect(await store.get(d.id)).toBeNull();
  });
});
