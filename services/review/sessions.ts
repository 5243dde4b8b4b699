// Server-side sessions: a random 256-bit id in an httpOnly SameSite=Strict cookie maps to the
// principal and the session's CSRF token. Kept in process memory (one review process; a restart
// signs everyone out); the `SessionStore` interface lets a shared store replace it.
// Guarantees: idle and absolute expiry; ids are never derived from user data.
import { randomBytes } from 'node:crypto';
import type { Principal } from './access.ts';

export interface Session {
  id: string;
  principal: Principal;
  csrfToken: string;
  createdAtMs: number;
  lastSeenMs: number;
  /** When the principal was last re-checked against the directory (set by the app). */
  validatedAtMs?: number;
}

export interface SessionStore {
  create(principal: Principal): Promise<Session>;
  /** The live session for an id (and marks it seen), or null when unknown or expired. */
  get(id: string): Promise<Session | null>;
  destroy(id: string): Promise<void>;
  /** Signs a user out everywhere (disabled, role changed). */
  destroyForUser(username: string): Promise<number>;
}

export interface MemorySessionOptions {
  clock: { now(): Date };
  idleMs?: number;
  absoluteMs?: number;
}

export const randomToken = () => randomBytes(32).toString('base64url');

export function createMemorySessionStore(opts: MemorySessionOptions): SessionStore {
  const idleMs = opts.idleMs ?? 30 * 60_000;
  const absoluteMs = opts.absoluteMs ?? 12 * 3_600_000;
  const sessions = new Map<string, Session>();
  const now = () => opts.clock.now().getTime();
  const expired = (s: Session, t: number) => t - s.lastSeenMs > idleMs || t - s.createdAtMs > absoluteMs;
  let lastSweep = 0;
  const sweep = (t: number) => {
    if (t - lastSweep < 60_000) return;
    lastSweep = t;
    for (const [id, s] of sessions) if (expired(s, t)) sessions.delete(id);
  };

  return {
    async create(principal) {
      const t = now();
      sweep(t);
      const session: Session = {
        id: randomToken(),
        principal,
        csrfToken: randomToken(),
        createdAtMs: t,
        lastSeenMs: t,
        validatedAtMs: t,
      };
      sessions.set(session.id, session);
      return session;
    },
    async get(id) {
      const s = sessions.get(id);
      if (s === undefined) return null;
      const t = now();
      if (expired(s, t)) {
        sessions.delete(id);
        return null;
      }
      s.lastSeenMs = t;
      return s;
    },
    async destroy(id) {
      sessions.delete(id);
    },
    async destroyForUser(username) {
      let n = 0;
      for (const [id, s] of sessions) {
        if (s.principal.username === username) {
          sessions.delete(id);
          n++;
        }
      }
      return n;
    },
  };
}
