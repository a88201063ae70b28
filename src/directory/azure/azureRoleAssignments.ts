import { randomUUID } from 'node:crypto';
import { isRestError } from '@azure/core-rest-pipeline';
import { DirectoryFailure } from '../directoryFailure';
import type { RoleName } from '../../domain/directory';
import { RESOURCE_MANAGER, type AzureAction } from './azureFailures';
import type { ResourceManager } from './resourceManager';

export type GrantResult = 'granted' | 'already-held';
export type RevokeResult = 'revoked' | 'not-held' | 'held-above-subscription';

export interface AzureRoleAssignmentsOptions {
  /**
   * Waits before each new attempt when Azure does not know the principal yet (400 PrincipalNotFound):
   * a user invited minutes ago takes a while to replicate to Azure Resource Manager.
   */
  readonly principalNotFoundDelaysMs?: readonly number[];
  readonly newAssignmentName?: () => string;
  readonly sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_PRINCIPAL_DELAYS_MS = [2_000, 4_000, 8_000];

/**
 * Grants and removes a built-in role on a subscription with ARM role assignments (create and delete,
 * api-version 2022-04-01), acting as the signed-in user: Azure itself checks that they may assign
 * roles (Owner or User Access Administrator). Failures are DirectoryFailures with user messages.
 */
export class AzureRoleAssignments {
  private readonly delays: readonly number[];
  private readonly newName: () => string;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly arm: ResourceManager,
    options: AzureRoleAssignmentsOptions = {},
  ) {
    this.delays = options.principalNotFoundDelaysMs ?? DEFAULT_PRINCIPAL_DELAYS_MS;
    this.newName = options.newAssignmentName ?? randomUUID;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Gives `principalId` the role on the subscription; holding it already (409 RoleAssignmentExists) is success. */
  async grant(subscriptionId: string, principalId: string, role: RoleName): Promise<GrantResult> {
    const action: AzureAction = {
      doing: `grant ${role} on subscription ${subscriptionId}`,
      whenDenied: 'Only an Owner or a User Access Administrator of the subscription can grant roles; ask one of them to do it, or to give you one of those roles.',
      whenNotFound: `Azure does not know subscription ${subscriptionId}, or does not show it to you. Check that billing still uses it (type "status").`,
    };
    const name = this.newName();
    return this.arm.call(action, async () => {
      for (let attempt = 0; ; attempt += 1) {
        try {
          await this.arm.createRoleAssignment(subscriptionId, name, role, principalId);
          return 'granted';
        } catch (error) {
          const code = armCode(error);
          if (isRestError(error) && error.statusCode === 409 && code === 'RoleAssignmentExists') return 'already-held';
          if (isRestError(error) && error.statusCode === 400 && code === 'PrincipalNotFound') {
            const delay = this.delays[attempt];
            if (delay === undefined) throw principalNotFound(principalId, subscriptionId);
            await this.sleep(delay);
            continue;
          }
          throw error;
        }
      }
    });
  }

  /**
   * Removes the role given on the subscription itself. A role inherited from a management group
   * cannot be removed here, and says so.
   */
  async revoke(subscriptionId: string, principalId: string, role: RoleName): Promise<RevokeResult> {
    const assignments = await this.arm.listRoleAssignments(subscriptionId);
    const held = assignments.filter((a) => a.principalId === principalId && a.role === role);
    const removable = held.filter((a) => a.onSubscription);
    if (removable.length === 0) return held.length > 0 ? 'held-above-subscription' : 'not-held';
    const action: AzureAction = {
      doing: `remove ${role} on subscription ${subscriptionId}`,
      whenDenied: 'Only an Owner or a User Access Administrator of the subscription can remove roles; ask one of them.',
    };
    await this.arm.call(action, async () => {
      for (const assignment of removable) {
        try {
          await this.arm.deleteRoleAssignment(subscriptionId, assignment.name);
        } catch (error) {
          // Removed meanwhile by someone else: the goal is reached.
          if (!(isRestError(error) && error.statusCode === 404)) throw error;
        }
      }
    });
    return 'revoked';
  }
}

function principalNotFound(principalId: string, subscriptionId: string): DirectoryFailure {
  return new DirectoryFailure(
    'principal-not-found',
    `Azure does not know the user ${principalId} in the tenant of subscription ${subscriptionId} yet. Someone invited a few minutes ago takes a while to appear; try again in five minutes. If it still fails, check that they belong to the subscription's Microsoft Entra tenant.`,
    { service: RESOURCE_MANAGER, status: 400, serviceCode: 'PrincipalNotFound' },
  );
}

function armCode(error: unknown): string | undefined {
  return isRestError(error) && typeof error.code === 'string' ? error.code : undefined;
}
