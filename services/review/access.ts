// Who may do what in the review app: roles, agencies, the permission matrix, and each agency's
// jurisdiction as a SQL condition. Reads: nothing. Guarantees: one table decides every route's
// role check, and one function decides which decisions an agency may see (its countries + shares).
import { identifier, join, type SqlFragment, sql } from '../storage/sql.ts';

export const ROLES = ['officer', 'supervisor', 'liaison', 'data_scientist', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const AGENCIES = ['CBSA', 'CBIC'] as const;
export type Agency = (typeof AGENCIES)[number];

/** Countries (ISO 3166-1 alpha-2) whose cases an agency works: reported there or bound there. */
export const AGENCY_COUNTRIES: Readonly<Record<Agency, readonly string[]>> = Object.freeze({
  CBSA: ['CA'],
  CBIC: ['IN'],
});

export const PERMISSIONS = [
  'queue.read',
  'case.read',
  'case.assign.self',
  'case.assign.others',
  'case.disposition',
  'dashboard.read',
  'labels.export',
  'sharing',
  'users.admin',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The role matrix (docs/review-app.md repeats it; a unit test keeps the two equal). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = Object.freeze({
  officer: ['queue.read', 'case.read', 'case.assign.self', 'case.disposition', 'dashboard.read'],
  supervisor: [
    'queue.read',
    'case.read',
    'case.assign.self',
    'case.assign.others',
    'case.disposition',
    'dashboard.read',
  ],
  liaison: ['queue.read', 'case.read', 'sharing'],
  data_scientist: ['dashboard.read', 'labels.export'],
  admin: ['users.admin'],
});

/** An authenticated person, whatever authenticated them (local password or an OIDC provider). */
export interface Principal {
  username: string;
  displayName: string;
  role: Role;
  agency: Agency;
}

export function can(principal: Pick<Principal, 'role'>, permission: Permission): boolean {
  return ROLE_PERMISSIONS[principal.role].includes(permission);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

/** Decisions in the agency's own jurisdiction (it may act on these). Columns of `decisions`. */
export function ownJurisdiction(agency: Agency): SqlFragment {
  const countries = join(
    AGENCY_COUNTRIES[agency].map((c) => sql`${c}`),
    ', ',
  );
  return sql`(reportingCountry IN (${countries}) OR destinationCountry IN (${countries}))`;
}

/**
 * messageIds of local decisions shared with the agency and not revoked (a share is revoked by any row
 * with revoked = 1). A share the sharing receiver stored (received_cases) is excluded: the agency then
 * sees only what the partner sent (received.ts), never a local decision of the same id in full.
 */
export function sharedWith(database: string, agency: Agency): SqlFragment {
  const shares = identifier(`${database}.case_shares`);
  const received = identifier(`${database}.received_cases`);
  return sql`messageId IN (SELECT messageId FROM ${shares} WHERE toAgency = ${agency} AND shareId NOT IN (SELECT shareId FROM ${received}) GROUP BY shareId, messageId HAVING max(revoked) = 0)`;
}

/** Everything the agency may read: its jurisdiction and what partners shared with it. */
export function visibleTo(database: string, agency: Agency): SqlFragment {
  return sql`(${ownJurisdiction(agency)} OR ${sharedWith(database, agency)})`;
}

/** Whether a decision's countries put it in the agency's own jurisdiction (same rule as the SQL). */
export function inOwnJurisdiction(
  agency: Agency,
  row: { reportingCountry: string; destinationCountry: string },
): boolean {
  const countries = AGENCY_COUNTRIES[agency];
  return countries.includes(row.reportingCountry) || countries.includes(row.destinationCountry);
}
