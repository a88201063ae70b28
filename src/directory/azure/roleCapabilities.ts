import type { RoleName } from '../../domain/directory';

/** One permission block of an Azure role definition. */
export interface RolePermissions {
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
}

/** Granting a role on a subscription is this action; Owner, User Access Administrator and RBAC Administrator allow it. */
const GRANT_ACTION = 'Microsoft.Authorization/roleAssignments/write';
/**
 * Billing needs write access to the subscription's resources (what Owner and Contributor have). Azure
 * has no single "billing" action, so a role counts when it allows writing resources in general:
 * an action pattern that covers this write and is not taken back by a not-action.
 */
const WRITE_ACTION = 'Microsoft.Resources/subscriptions/resourceGroups/write';

/**
 * The built-in role a role definition's permissions amount to for billing: both granting and writing
 * make it an Owner, writing alone a Contributor, granting alone a User Access Administrator, and
 * reading only a Reader. Undefined when it allows neither and does not read either.
 */
export function equivalentRole(permissions: readonly RolePermissions[]): RoleName | undefined {
  const grants = allows(permissions, GRANT_ACTION);
  const writes = allows(permissions, WRITE_ACTION);
  if (grants && writes) return 'Owner';
  if (writes) return 'Contributor';
  if (grants) return 'User Access Administrator';
  return allows(permissions, 'Microsoft.Resources/subscriptions/read') ? 'Reader' : undefined;
}

/** Whether some permission block allows the action (Azure joins blocks with "or"). */
export function allows(permissions: readonly RolePermissions[], action: string): boolean {
  return permissions.some((p) => p.actions.some((pattern) => covers(pattern, action)) && !p.notActions.some((pattern) => covers(pattern, action)));
}

/** Azure action patterns: case-insensitive, `*` stands for any run of characters. */
function covers(pattern: string, action: string): boolean {
  const expression = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*');
  return new RegExp(`^${expression}$`, 'i').test(action);
}
