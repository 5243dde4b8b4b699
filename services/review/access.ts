// Who may do what in the review app: roles and the permission matrix. Reads: nothing. Guarantees:
// one table decides every route's role check; which cases an agency may read is visibility.ts.
import type { Agency } from './visibility.ts';

export { AGENCIES, AGENCY_COUNTRIES, type Agency } from './visibility.ts';

export const ROLES = ['officer', 'supervisor', 'liaison', 'data_scientist', 'admin'] as const;
export type Role = (typeof ROLES)[number];

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
