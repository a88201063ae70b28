import { AuthorizationManagementClient, type RoleAssignment as ArmRoleAssignment } from '@azure/arm-authorization';
import { SubscriptionClient, type Subscription as ArmSubscription } from '@azure/arm-resources-subscriptions';
import { isRestError } from '@azure/core-rest-pipeline';
import { UserTokenCredential } from '../../auth/userTokenCredential';
import { SPENDING_LIMITS, SUBSCRIPTION_STATES, type RoleName, type SpendingLimit, type Subscription, type SubscriptionState, type Tenant } from '../../domain/directory';
import { applyAzureHttpPolicies, tlsOptionsFor, type AzureHttpOptions } from './azureHttp';
import { azureFailure, RESOURCE_MANAGER, type AzureAction } from './azureFailures';
import { builtInRoleOf, roleDefinitionIdOn } from './builtInRoles';
import type { RolePermissions } from './roleCapabilities';

const RESOURCE_MANAGER_SCOPE = 'https://management.azure.com/.default';

/** A role assignment as ARM lists it, reduced to what billing rules need. */
export interface SubscriptionRoleAssignment {
  /** The assignment's name (a GUID), needed to delete it. */
  readonly name: string;
  readonly principalId: string;
  readonly principalType: string;
  /** A built-in role, or undefined for another role definition (read it with getRoleDefinition). */
  readonly role: RoleName | undefined;
  readonly roleDefinitionId: string;
  /** True when made on the subscription itself; false when inherited from a management group or the root. */
  readonly onSubscription: boolean;
}

/** A role definition reduced to its name and what it allows. */
export interface RoleDefinitionSummary {
  readonly roleName: string;
  readonly permissions: readonly RolePermissions[];
}

/**
 * Azure Resource Manager with the signed-in user's token, through Microsoft's SDK clients
 * (@azure/arm-resources-subscriptions for subscriptions and tenants at api-version 2022-12-01,
 * @azure/arm-authorization for role assignments at 2022-04-01). Paging follows nextLink inside the
 * SDK; every failure becomes a DirectoryFailure with a message for the user.
 */
export class ResourceManager {
  private readonly subscriptionsClient: SubscriptionClient;
  private readonly authorizationClient: AuthorizationManagementClient;

  constructor(
    token: string,
    endpoint: string,
    private readonly http: AzureHttpOptions,
  ) {
    const credential = new UserTokenCredential(token);
    const tlsOptions = tlsOptionsFor(http);
    const common = {
      endpoint,
      $host: endpoint,
      credentialScopes: [RESOURCE_MANAGER_SCOPE],
      userAgentOptions: { userAgentPrefix: 'devops-billing-bot' },
      ...(tlsOptions ? { tlsOptions } : {}),
    };
    this.subscriptionsClient = new SubscriptionClient(credential, common);
    // The subscription id argument only serves operations this bot does not call; every call passes its scope.
    this.authorizationClient = new AuthorizationManagementClient(credential, '00000000-0000-0000-0000-000000000000', common);
    applyAzureHttpPolicies(this.subscriptionsClient.pipeline, http);
    applyAzureHttpPolicies(this.authorizationClient.pipeline, http);
  }

  async listTenants(): Promise<Tenant[]> {
    return this.call({ doing: 'list your Microsoft Entra tenants', whenDenied: 'Sign in with a work account of your organization.' }, async () => {
      const tenants: Tenant[] = [];
      for await (const tenant of this.subscriptionsClient.tenants.list()) {
        if (tenant.tenantId) tenants.push({ id: tenant.tenantId, displayName: tenant.displayName ?? tenant.defaultDomain ?? tenant.tenantId });
      }
      return tenants;
    });
  }

  async listSubscriptions(): Promise<Subscription[]> {
    return this.call({ doing: 'list your Azure subscriptions', whenDenied: 'Sign in with an account that has a role on the subscription that should pay.' }, async () => {
      const subscriptions: Subscription[] = [];
      for await (const subscription of this.subscriptionsClient.subscriptions.list()) {
        const mapped = toSubscription(subscription);
        if (mapped) subscriptions.push(mapped);
      }
      return subscriptions;
    });
  }

  /** The subscription, or undefined when Azure does not show it to this user. */
  async getSubscription(subscriptionId: string): Promise<Subscription | undefined> {
    return this.call({ doing: `read subscription ${subscriptionId}`, whenDenied: 'Ask an Owner of that subscription to give you at least the Reader role.' }, async () => {
      try {
        return toSubscription(await this.subscriptionsClient.subscriptions.get(subscriptionId));
      } catch (error) {
        if (isRestError(error) && error.statusCode === 404) return undefined;
        throw error;
      }
    });
  }

  /** Every role assignment that applies to the subscription, including those inherited from above it. */
  async listRoleAssignments(subscriptionId: string): Promise<SubscriptionRoleAssignment[]> {
    const action: AzureAction = {
      doing: `read the role assignments of subscription ${subscriptionId}`,
      whenDenied: 'Ask an Owner of that subscription to give you at least the Reader role.',
      whenNotFound: `Azure does not know subscription ${subscriptionId}, or does not show it to you. Pick a subscription from the list.`,
    };
    return this.call(action, async () => {
      const scope = subscriptionScope(subscriptionId);
      const assignments: SubscriptionRoleAssignment[] = [];
      for await (const assignment of this.authorizationClient.roleAssignments.listForScope(scope, { filter: 'atScope()' })) {
        const mapped = toAssignment(assignment, scope);
        if (mapped) assignments.push(mapped);
      }
      return assignments;
    });
  }

  /**
   * The principal's role assignments at or above the subscription, including those given to a group
   * they belong to, directly or through nested groups (ARM's `assignedTo`).
   */
  async listRoleAssignmentsOf(subscriptionId: string, principalId: string): Promise<SubscriptionRoleAssignment[]> {
    const action: AzureAction = {
      doing: `read your role assignments on subscription ${subscriptionId}`,
      whenDenied: 'Ask an Owner of that subscription to give you at least the Reader role.',
      whenNotFound: `Azure does not know subscription ${subscriptionId}, or does not show it to you. Pick a subscription from the list.`,
    };
    return this.call(action, async () => {
      const scope = subscriptionScope(subscriptionId);
      const assignments: SubscriptionRoleAssignment[] = [];
      // The filter is sent as written (the spec skips its URL encoding), so its spaces are written as '+'.
      const filter = `atScope()+and+assignedTo('${encodeURIComponent(principalId)}')`;
      for await (const assignment of this.authorizationClient.roleAssignments.listForScope(scope, { filter })) {
        const mapped = toAssignment(assignment, scope);
        if (mapped) assignments.push(mapped);
      }
      return assignments;
    });
  }

  /** A role definition as seen from the subscription, or undefined when Azure does not know it. */
  async getRoleDefinition(subscriptionId: string, roleDefinitionId: string): Promise<RoleDefinitionSummary | undefined> {
    const id = roleDefinitionId.split('/').pop() ?? roleDefinitionId;
    const action: AzureAction = {
      doing: `read the role definition ${id} on subscription ${subscriptionId}`,
      whenDenied: 'Ask an Owner of that subscription to give you at least the Reader role.',
      whenNotFound: `Azure does not know the role definition ${id}.`,
    };
    return this.call(action, async () => {
      try {
        const definition = await this.authorizationClient.roleDefinitions.get(subscriptionScope(subscriptionId), id);
        return {
          roleName: definition.roleName ?? id,
          permissions: (definition.permissions ?? []).map((p) => ({ actions: p.actions ?? [], notActions: p.notActions ?? [] })),
        };
      } catch (error) {
        if (isRestError(error) && error.statusCode === 404) return undefined;
        throw error;
      }
    });
  }

  /** Creates the assignment; a RestError (409 RoleAssignmentExists, 400 PrincipalNotFound) is left to the caller. */
  async createRoleAssignment(subscriptionId: string, name: string, role: RoleName, principalId: string): Promise<void> {
    await this.authorizationClient.roleAssignments.create(subscriptionScope(subscriptionId), name, {
      roleDefinitionId: roleDefinitionIdOn(subscriptionId, role),
      principalId,
      principalType: 'User',
    });
  }

  async deleteRoleAssignment(subscriptionId: string, name: string): Promise<void> {
    await this.authorizationClient.roleAssignments.delete(subscriptionScope(subscriptionId), name);
  }

  /** Runs an ARM call, reporting any failure as a DirectoryFailure for `action`. */
  async call<T>(action: AzureAction, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw azureFailure(error, { service: RESOURCE_MANAGER, audience: 'azure-resource-manager', action, timeoutMs: this.http.timeoutMs, maxRetries: this.http.maxRetries });
    }
  }
}

/** The scope as the ARM examples write it: no leading slash, since the path template adds one. */
function subscriptionScope(subscriptionId: string): string {
  return `subscriptions/${subscriptionId}`;
}

function toSubscription(subscription: ArmSubscription): Subscription | undefined {
  const id = subscription.subscriptionId;
  if (!id) return undefined;
  const state = SUBSCRIPTION_STATES.find((s) => s.toLowerCase() === subscription.state?.toLowerCase());
  const reported = subscription.subscriptionPolicies?.spendingLimit;
  const limit = SPENDING_LIMITS.find((s) => s.toLowerCase() === reported?.toLowerCase());
  return {
    id,
    displayName: subscription.displayName ?? id,
    tenantId: subscription.tenantId ?? '',
    // A state this version does not know is shown as Azure reported it, and is not taken for active.
    state: state ?? ('Unknown' satisfies SubscriptionState),
    ...(state ? {} : { reportedState: subscription.state ?? 'no state' }),
    quotaId: subscription.subscriptionPolicies?.quotaId ?? '',
    // Missing (or a value this version does not know) says nothing about a limit: not known, not off.
    spendingLimit: limit ?? ('NotKnown' satisfies SpendingLimit),
  };
}

function toAssignment(assignment: ArmRoleAssignment, scope: string): SubscriptionRoleAssignment | undefined {
  if (!assignment.name || !assignment.principalId) return undefined;
  return {
    name: assignment.name,
    principalId: assignment.principalId,
    principalType: assignment.principalType ?? 'User',
    role: builtInRoleOf(assignment.roleDefinitionId),
    roleDefinitionId: assignment.roleDefinitionId ?? '',
    onSubscription: (assignment.scope ?? '').replace(/^\//, '').toLowerCase() === scope.toLowerCase(),
  };
}
