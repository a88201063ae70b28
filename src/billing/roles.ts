import type { RoleAssignment, RoleName } from '../domain/directory';

/** Roles that make someone a billing manager: they may pay for, change and remove billing. */
export const BILLING_ROLES: readonly RoleName[] = ['Owner', 'Contributor'];
/** Roles that may grant roles to others (used to name who can help). */
export const ROLE_GRANTING_ROLES: readonly RoleName[] = ['Owner', 'User Access Administrator'];

export function rolesOf(userId: string, assignments: readonly RoleAssignment[]): RoleName[] {
  return assignments.filter((a) => a.principalId === userId).map((a) => a.role);
}

export function holdsAny(userId: string, assignments: readonly RoleAssignment[], roles: readonly RoleName[]): boolean {
  return assignments.some((a) => a.principalId === userId && roles.includes(a.role));
}

export function isBillingManager(userId: string, assignments: readonly RoleAssignment[]): boolean {
  return holdsAny(userId, assignments, BILLING_ROLES);
}

/** Distinct principals holding one of `roles`, in the order the directory lists them. */
export function principalsWith(assignments: readonly RoleAssignment[], roles: readonly RoleName[]): string[] {
  return [...new Set(assignments.filter((a) => roles.includes(a.role)).map((a) => a.principalId))];
}
