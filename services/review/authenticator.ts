// How a person proves who they are. The app talks only to the `Authenticator` interface; the local
// implementation checks scrypt hashes in review_users, and an OIDC provider can replace it
// (redirect + callback) without touching sessions, roles or routes. Reads: the user directory.
import type { Principal } from './access.ts';
import { DUMMY_HASH, verifyPassword } from './passwords.ts';
import type { UserDirectory } from './users.ts';

export interface Authenticator {
  /** 'local' shows the password form; anything else shows a "sign in with …" button. */
  readonly kind: string;
  /** Password sign-in. Resolves null for a wrong name, wrong password or disabled account (never says which). */
  passwordLogin?(username: string, password: string): Promise<Principal | null>;
  /** Redirect sign-in (OIDC authorization code flow): where to send the browser, given an opaque state. */
  beginLogin?(state: string): Promise<{ redirectUrl: string }>;
  /** Redirect sign-in callback: the query string the provider sent back; null when refused. */
  completeLogin?(query: Record<string, string>, state: string): Promise<Principal | null>;
  /** Whether a principal of an existing session is still allowed (disabled, role changed). */
  stillValid(principal: Principal): Promise<boolean>;
}

export function createLocalAuthenticator(users: UserDirectory): Authenticator {
  return {
    kind: 'local',
    async passwordLogin(username, password) {
      const user = await users.get(username.trim().toLowerCase());
      // Always spend one scrypt, so response time does not reveal whether the name exists.
      const ok = await verifyPassword(password, user?.passwordHash || DUMMY_HASH);
      if (user === null || !ok || user.disabled) return null;
      return { username: user.username, displayName: user.displayName, role: user.role, agency: user.agency };
    },
    async stillValid(principal) {
      const user = await users.get(principal.username);
      return (
        user !== null && !user.disabled && user.role === principal.role && user.agency === principal.agency
      );
    },
  };
}
