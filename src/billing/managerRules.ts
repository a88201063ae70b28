import type { DirectoryUser, RoleAssignment, Subscription, Tenant } from '../domain/directory';
import type { ManagerRole } from '../domain/changeEvent';
import { joinNames } from './explanations';
import type { Problem } from '../domain/outcome';
import { BILLING_ROLES, holdsAny, principalsWith, ROLE_GRANTING_ROLES } from './roles';

/**
 * Who may add or remove a billing manager (BILLING.md, "Who may do what"): the one who grants must
 * be able to assign roles on the subscription, the new manager must belong to the subscription's
 * tenant, and billing must never be left without a manager. Pure functions over fresh directory data.
 */

export const MANAGER_ROLES: readonly ManagerRole[] = ['Contributor', 'Owner'];

export function isManagerRole(value: unknown): value is ManagerRole {
  return MANAGER_ROLES.some((role) => role === value);
}

/** The billing managers of a subscription: everyone holding Owner or Contributor on it. */
export function billingManagerIds(assignments: readonly RoleAssignment[]): string[] {
  return principalsWith(assignments, BILLING_ROLES);
}

export function managerRolesOf(principalId: string, assignments: readonly RoleAssignment[]): ManagerRole[] {
  return MANAGER_ROLES.filter((role) => assignments.some((a) => a.principalId === principalId && a.role === role));
}

/**
 * How a person holds their billing roles when it is not plainly: through a group (and which), or
 * through a role of another name whose permissions amount to Owner or Contributor.
 */
export function roleNotesOf(principalId: string, assignments: readonly RoleAssignment[]): string[] {
  const held = assignments.filter((a) => a.principalId === principalId && MANAGER_ROLES.some((role) => role === a.role));
  return MANAGER_ROLES.flatMap((role) => {
    const ways = held.filter((a) => a.role === role);
    if (ways.length === 0 || ways.some((a) => !a.throughGroup && !a.definitionName)) return [];
    return ways.map((a) => {
      const what = a.definitionName ? `${role} through the role "${a.definitionName}"` : role;
      return a.throughGroup ? `Holds ${what} as a member of the Microsoft Entra group ${a.throughGroup}.` : `Holds ${what}.`;
    });
  });
}

export function canAssignRoles(userId: string, assignments: readonly RoleAssignment[]): boolean {
  return holdsAny(userId, assignments, ROLE_GRANTING_ROLES);
}

export interface GrantorContext {
  readonly grantorId: string;
  readonly subscription: Subscription;
  readonly assignments: readonly RoleAssignment[];
  /** Names of those who can assign roles on the subscription, to say whom to ask. */
  readonly grantorNames: readonly string[];
}

export function grantorProblem(context: GrantorContext, kind: 'add' | 'remove'): Problem | undefined {
  if (canAssignRoles(context.grantorId, context.assignments)) return undefined;
  const ask = context.grantorNames.length > 0
    ? `Ask ${joinNames(context.grantorNames)}, who can, to do it or to make you Owner or User Access Administrator.`
    : 'Ask an Owner of the subscription to do it.';
  return {
    code: 'cannot-assign-roles',
    message: `To ${kind === 'add' ? 'add' : 'remove'} billing managers you need Owner or User Access Administrator on ${context.subscription.displayName}, because that grants or takes away a role on it. ${ask}`,
  };
}

export interface AdditionContext extends GrantorContext {
  readonly person: DirectoryUser | undefined;
  readonly personTenant: Tenant | undefined;
  readonly subscriptionTenant: Tenant | undefined;
}

/** Why `person` cannot be made a billing manager by `grantorId`; undefined when they can. */
export function additionProblem(context: AdditionContext): Problem | undefined {
  const grantor = grantorProblem(context, 'add');
  if (grantor) return grantor;
  const { person, subscription } = context;
  if (!person) {
    return { code: 'person-not-found', message: 'That person is not in the directory. Nothing was changed; pick someone from the list.' };
  }
  if (person.tenantId !== subscription.tenantId) {
    const theirs = context.personTenant?.displayName ?? 'another tenant';
    const ours = context.subscriptionTenant?.displayName ?? 'its own tenant';
    return {
      code: 'person-in-other-tenant',
      message: `${person.displayName} belongs to ${theirs}, but ${subscription.displayName} lives in ${ours}: a role on it can only go to people of ${ours}. Nothing was changed; pick someone from ${ours}.`,
    };
  }
  const roles = managerRolesOf(person.id, context.assignments);
  if (roles.length > 0) {
    return {
      code: 'already-manager',
      message: `${person.displayName} is already a billing manager (${roles.join(' and ')} on ${subscription.displayName}). Nothing was changed.`,
    };
  }
  return undefined;
}

export interface RemovalContext extends GrantorContext {
  readonly person: DirectoryUser | undefined;
}

/** Why `person` cannot be removed as billing manager by `grantorId`; undefined when they can. */
export function removalProblem(context: RemovalContext): Problem | undefined {
  const grantor = grantorProblem(context, 'remove');
  if (grantor) return grantor;
  const { person, subscription, assignments } = context;
  const managers = billingManagerIds(assignments);
  if (!person || !managers.includes(person.id)) {
    return {
      code: 'not-a-manager',
      message: `${person?.displayName ?? 'That person'} is not a billing manager of ${subscription.displayName}. Nothing was changed; type "managers" to see who is.`,
    };
  }
  if (managers.length <= 1) {
    const self = person.id === context.grantorId;
    return {
      code: 'last-manager',
      message: self
        ? `You are the only billing manager of ${subscription.displayName}, so you cannot remove yourself: billing would have nobody to manage it. Add another billing manager first ("add manager"), then remove yourself.`
        : `${person.displayName} is the only billing manager of ${subscription.displayName}; removing them would leave billing with nobody to manage it. Add another billing manager first ("add manager").`,
    };
  }
  return undefined;
}
