// Local accounts of the review app. Reads and writes <database>.review_users (latest row per
// username wins, read with FINAL). Guarantees: passwords are stored only as scrypt hashes; demo
// seeding is idempotent (an existing account is never overwritten).
import { type ClickHouseClient, insertRows, queryRows } from '../storage/clickhouse.ts';
import { formatDateTime, identifier, sql } from '../storage/sql.ts';
import { AGENCIES, type Agency, type Principal, ROLES, type Role } from './access.ts';
import { hashPassword } from './passwords.ts';

export interface UserRecord extends Principal {
  passwordHash: string;
  disabled: boolean;
  updatedAt: string;
  updatedBy: string;
}

export type PublicUser = Omit<UserRecord, 'passwordHash'>;

export interface UserDirectory {
  get(username: string): Promise<UserRecord | null>;
  list(agency?: Agency): Promise<PublicUser[]>;
  /** Creates or changes an account; `password` undefined keeps the current hash. */
  upsert(user: Principal & { disabled: boolean; password?: string }, by: string): Promise<PublicUser>;
}

interface Row {
  username: string;
  displayName: string;
  role: string;
  agency: string;
  passwordHash: string;
  disabled: number;
  updatedAt: string;
  updatedBy: string;
}

function toRecord(r: Row): UserRecord | null {
  const role = ROLES.find((x) => x === r.role);
  const agency = AGENCIES.find((x) => x === r.agency);
  // A row with a role or agency this build does not know grants nothing.
  if (role === undefined || agency === undefined) return null;
  return {
    username: r.username,
    displayName: r.displayName,
    role,
    agency,
    passwordHash: r.passwordHash,
    disabled: Number(r.disabled) === 1,
    updatedAt: r.updatedAt,
    updatedBy: r.updatedBy,
  };
}

const publicOf = ({ passwordHash: _, ...rest }: UserRecord): PublicUser => rest;

export function createUserDirectory(opts: {
  client: ClickHouseClient;
  database: string;
  clock: { now(): Date };
}): UserDirectory {
  const { client, database, clock } = opts;
  const table = identifier(`${database}.review_users`);
  const columns = sql`username, displayName, role, agency, passwordHash, disabled, updatedAt, updatedBy`;
  let lastMs = 0;
  const nextVersion = () => {
    lastMs = Math.max(lastMs + 1, clock.now().getTime());
    return lastMs;
  };

  async function get(username: string): Promise<UserRecord | null> {
    const rows = await queryRows<Row>(
      client,
      sql`SELECT ${columns} FROM ${table} FINAL WHERE username = ${username} LIMIT 1`.text,
    );
    return rows[0] === undefined ? null : toRecord(rows[0]);
  }

  return {
    get,
    async list(agency) {
      const where = agency === undefined ? sql`1` : sql`agency = ${agency}`;
      const rows = await queryRows<Row>(
        client,
        sql`SELECT ${columns} FROM ${table} FINAL WHERE ${where} ORDER BY agency, username`.text,
      );
      return rows
        .map(toRecord)
        .filter((u): u is UserRecord => u !== null)
        .map(publicOf);
    },
    async upsert(user, by) {
      const current = await get(user.username);
      const passwordHash =
        user.password !== undefined ? await hashPassword(user.password) : (current?.passwordHash ?? '');
      const at = clock.now();
      const record: UserRecord = {
        username: user.username,
        displayName: user.displayName,
        role: user.role,
        agency: user.agency,
        passwordHash,
        disabled: user.disabled,
        updatedAt: formatDateTime(at),
        updatedBy: by,
      };
      await insertRows(client, `${database}.review_users`, [
        { ...record, disabled: record.disabled ? 1 : 0, updatedAtMs: nextVersion() },
      ]);
      return publicOf(record);
    },
  };
}

/** Demo accounts (docs/review-app.md). Seeded only when asked (`npm run demo`), never by default. */
export const DEMO_PASSWORD = 'review-demo-2026';

const demo = (username: string, displayName: string, role: Role, agency: Agency) => ({
  username,
  displayName,
  role,
  agency,
  password: DEMO_PASSWORD,
});

export const DEMO_USERS: readonly (Principal & { password: string })[] = [
  demo('cbsa.officer', 'CBSA Officer (demo)', 'officer', 'CBSA'),
  demo('cbsa.supervisor', 'CBSA Supervisor (demo)', 'supervisor', 'CBSA'),
  demo('cbsa.liaison', 'CBSA Liaison (demo)', 'liaison', 'CBSA'),
  demo('cbsa.analyst', 'CBSA Data Scientist (demo)', 'data_scientist', 'CBSA'),
  demo('cbic.officer', 'CBIC Officer (demo)', 'officer', 'CBIC'),
  demo('cbic.supervisor', 'CBIC Supervisor (demo)', 'supervisor', 'CBIC'),
  demo('cbic.liaison', 'CBIC Liaison (demo)', 'liaison', 'CBIC'),
  demo('admin', 'CBSA Administrator (demo)', 'admin', 'CBSA'),
  demo('cbic.admin', 'CBIC Administrator (demo)', 'admin', 'CBIC'),
];

/** Creates the demo accounts that do not exist yet; returns the names created. */
export async function seedDemoUsers(users: UserDirectory): Promise<string[]> {
  const created: string[] = [];
  for (const u of DEMO_USERS) {
    if ((await users.get(u.username)) !== null) continue;
    await users.upsert({ ...u, disabled: false }, 'seed');
    created.push(u.username);
  }
  return created;
}
