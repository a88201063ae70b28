import type { RoleName } from '../../domain/directory';

/** Azure's built-in role definition ids: the same in every tenant, so a role is recognised by its id. */
export const BUILT_IN_ROLE_IDS: Readonly<Record<RoleName, string>> = {
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  'User Access Administrator': '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
};

const ROLE_BY_ID = new Map(Object.entries(BUILT_IN_ROLE_IDS).map(([role, id]) => [id, role as RoleName]));

/**
 * The built-in role a role definition id names, whatever scope prefixes it
 * (`/providers/...` or `/subscriptions/{id}/providers/...`); undefined for custom roles.
 */
export function builtInRoleOf(roleDefinitionId: string | undefined): RoleName | undefined {
  const id = roleDefinitionId?.split('/').pop()?.toLowerCase();
  return id ? ROLE_BY_ID.get(id) : undefined;
}

/** The full role definition id to put in a role assignment on a subscription. */
export function roleDefinitionIdOn(subscriptionId: string, role: RoleName): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLE_IDS[role]}`;
}
