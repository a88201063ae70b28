import type { RoleAssignment } from '../../domain/directory';
import { DirectoryFailure } from '../directoryFailure';
import { BUILT_IN_ROLE_IDS } from './builtInRoles';
import { equivalentRole } from './roleCapabilities';
import type { ResourceManager, RoleDefinitionSummary, SubscriptionRoleAssignment } from './resourceManager';

/**
 * The roles that count on a subscription, as one user can learn them from Azure Resource Manager:
 * everyone's assignments at or above it, plus the requester's own held through Microsoft Entra groups
 * (which name the group, not them). A role definition that is not built in counts as the built-in
 * role its permissions amount to, so a custom role that may assign roles grants like an Owner or User
 * Access Administrator would. Definitions are read once per directory.
 */
export class SubscriptionRoles {
  private readonly definitions = new Map<string, Promise<RoleDefinitionSummary | undefined>>();

  constructor(
    private readonly arm: ResourceManager,
    private readonly requesterId: string,
  ) {}

  async on(subscriptionId: string): Promise<RoleAssignment[]> {
    const [everyone, mine] = await Promise.all([this.arm.listRoleAssignments(subscriptionId), this.requesterAssignments(subscriptionId)]);
    const throughGroups = mine
      .filter((a) => a.principalId !== this.requesterId && a.principalType.toLowerCase() === 'group')
      .map((a) => ({ ...a, principalId: this.requesterId, throughGroup: a.principalId }));
    const mapped = await Promise.all([...everyone, ...throughGroups].map((a) => this.toRoleAssignment(subscriptionId, a)));
    const seen = new Set<string>();
    return mapped.flatMap((assignment) => {
      if (!assignment) return [];
      const key = `${assignment.principalId}|${assignment.role}|${assignment.throughGroup ?? ''}|${assignment.definitionName ?? ''}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [assignment];
    });
  }

  /** A requester without any role may not read their own assignments either: then there are none. */
  private async requesterAssignments(subscriptionId: string): Promise<SubscriptionRoleAssignment[]> {
    try {
      return await this.arm.listRoleAssignmentsOf(subscriptionId, this.requesterId);
    } catch (error) {
      if (error instanceof DirectoryFailure && (error.code === 'access-denied' || error.code === 'not-found')) return [];
      throw error;
    }
  }

  private async toRoleAssignment(subscriptionId: string, assignment: SubscriptionRoleAssignment & { throughGroup?: string }): Promise<RoleAssignment | undefined> {
    const through = assignment.throughGroup ? { throughGroup: assignment.throughGroup } : {};
    if (assignment.role) return { subscriptionId, principalId: assignment.principalId, role: assignment.role, ...through };
    const definition = await this.definition(subscriptionId, assignment.roleDefinitionId);
    const role = definition ? equivalentRole(definition.permissions) : undefined;
    if (!definition || !role) return undefined;
    return { subscriptionId, principalId: assignment.principalId, role, definitionName: definition.roleName, ...through };
  }

  private definition(subscriptionId: string, roleDefinitionId: string): Promise<RoleDefinitionSummary | undefined> {
    const id = roleDefinitionId.split('/').pop()?.toLowerCase() ?? '';
    if (id === '' || Object.values(BUILT_IN_ROLE_IDS).includes(id)) return Promise.resolve(undefined);
    let found = this.definitions.get(id);
    if (!found) {
      found = this.arm.getRoleDefinition(subscriptionId, id).catch((error: unknown) => {
        // A definition the user may not read cannot be judged; it gives nothing rather than failing the answer.
        if (error instanceof DirectoryFailure && error.code === 'access-denied') return undefined;
        throw error;
      });
      this.definitions.set(id, found);
    }
    return found;
  }
}
