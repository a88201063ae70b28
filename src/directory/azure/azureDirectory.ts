import { readUnverifiedClaims } from '../../auth/tokenClaims';
import { DirectoryFailure } from '../directoryFailure';
import type { DirectoryRequester } from '../factory';
import { DirectoryChangeError, type DirectoryPort } from '../../domain/ports/directory';
import type { AccessLevelChange, DirectoryUser, Organization, OrganizationUsage, RoleAssignment, Subscription, Tenant } from '../../domain/directory';
import type { AzureDevOps, DevOpsProfile } from './azureDevOps';
import { readOrganizations, type OrganizationsRead } from './organizationsRead';
import type { AzureRoleAssignments } from './azureRoleAssignments';
import type { ResourceManager } from './resourceManager';
import { SubscriptionRoles } from './subscriptionRoles';
import type { RecentReads } from './recentReads';
import { MICROSOFT_GRAPH, signInFirst } from './azureFailures';
import type { MicrosoftGraph } from './microsoftGraph';
import type { AzureUsage } from './azureUsage';


export interface AzureDirectoryParts {
  readonly requester: DirectoryRequester;
  readonly resourceManager: ResourceManager;
  readonly devOps: AzureDevOps;
  /** The tokens, for the account check (their claims, never the tokens themselves, are read). */
  readonly tokens: readonly string[];
  /** Role assignment writes, as the requester. */
  readonly roleAssignments: AzureRoleAssignments;
  /** The user's slow-changing answers from their recent commands; without it, everything is read. */
  readonly recentReads?: RecentReads;
  /** Microsoft Graph people search, or that the user has yet to sign in to it; absent when the bot has no Graph connection. */
  readonly people?: MicrosoftGraph | 'not-signed-in';
  /** Users' access levels through the user entitlements API. */
  readonly usage: AzureUsage;
}

/**
 * The directory as the signed-in user sees it in Azure DevOps and Azure Resource Manager, read with
 * their own token. One instance serves one request (one click or command), and within the request
 * each question is asked of Azure once. Slow-changing answers (who the user is, their organizations
 * and administrators, tenants, subscriptions) may come from the same user's requests of the last
 * minute (RecentReads); role assignments are read afresh for every request.
 *
 * Azure answers questions about the requester; about other people it says little. Other users are
 * known by name when they are project collection administrators of one of the requester's
 * organizations, or, once the user has signed in to Microsoft Graph, from their tenant's directory
 * (User.ReadBasic.All: names and addresses only).
 */
export class AzureDirectory implements DirectoryPort {
  private readonly requester: DirectoryRequester;
  private readonly arm: ResourceManager;
  private readonly devOps: AzureDevOps;
  private readonly tokens: readonly string[];
  private readonly roles: AzureRoleAssignments;
  private profile: Promise<DevOpsProfile> | undefined;
  private organizations: Promise<OrganizationsRead> | undefined;
  private subscriptions: Promise<Subscription[]> | undefined;
  private tenants: Promise<Tenant[]> | undefined;
  private readonly subscriptionById = new Map<string, Promise<Subscription | undefined>>();
  private readonly assignmentsBySubscription = new Map<string, Promise<RoleAssignment[]>>();
  private readonly subscriptionRoles: SubscriptionRoles;
  private readonly recentReads: RecentReads | undefined;
  private readonly people: MicrosoftGraph | 'not-signed-in' | undefined;
  private readonly graphUsers = new Map<string, Promise<DirectoryUser | undefined>>();
  private readonly usage: AzureUsage;

  constructor(parts: AzureDirectoryParts) {
    this.requester = parts.requester;
    this.arm = parts.resourceManager;
    this.devOps = parts.devOps;
    this.tokens = parts.tokens;
    this.roles = parts.roleAssignments;
    this.subscriptionRoles = new SubscriptionRoles(parts.resourceManager, parts.requester.userId);
    this.recentReads = parts.recentReads;
    this.people = parts.people;
    this.usage = parts.usage;
  }

  async getUser(userId: string): Promise<DirectoryUser | undefined> {
    if (userId === this.requester.userId) return this.me();
    const colleague = (await this.loadOrganizations()).colleagues.get(userId) ?? this.usage.person(userId);
    if (colleague || !this.people || this.people === 'not-signed-in') return colleague;
    const graph = this.people;
    let found = this.graphUsers.get(userId);
    if (!found) {
      found = graph.getUser(userId);
      this.graphUsers.set(userId, found);
    }
    return found;
  }

  async getUsers(userIds: readonly string[]): Promise<DirectoryUser[]> {
    const users = await Promise.all(userIds.map((id) => this.getUser(id)));
    return users.filter((user): user is DirectoryUser => user !== undefined);
  }

  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    this.tenants ??= this.recently('tenants', () => this.arm.listTenants());
    return (await this.tenants).find((tenant) => tenant.id === tenantId);
  }

  async organizationsOf(userId: string): Promise<Organization[]> {
    // Azure DevOps tells a user only their own organizations.
    if (userId !== this.requester.userId) return [];
    return [...(await this.loadOrganizations()).organizations];
  }

  async getOrganization(organizationId: string): Promise<Organization | undefined> {
    return (await this.loadOrganizations()).organizations.find((org) => org.id === organizationId);
  }

  async subscriptionsVisibleTo(userId: string): Promise<Subscription[]> {
    if (userId !== this.requester.userId) return [];
    this.subscriptions ??= this.recently('subscriptions', () => this.arm.listSubscriptions());
    return [...(await this.subscriptions)];
  }

  async getSubscription(subscriptionId: string): Promise<Subscription | undefined> {
    let found = this.subscriptionById.get(subscriptionId);
    if (!found) {
      found = this.arm.getSubscription(subscriptionId);
      this.subscriptionById.set(subscriptionId, found);
    }
    return found;
  }

  /**
   * The built-in roles held on the subscription, directly or inherited. When Azure refuses to show
   * them, the requester holds no role there that the billing rules could use, so the answer is none.
   */
  async roleAssignmentsOn(subscriptionId: string): Promise<RoleAssignment[]> {
    let found = this.assignmentsBySubscription.get(subscriptionId);
    if (!found) {
      found = this.readAssignments(subscriptionId);
      this.assignmentsBySubscription.set(subscriptionId, found);
    }
    return [...(await found)];
  }

  /** Only the people this directory knows: the requester and their organizations' administrators (searchUsersOfTenant finds others). */
  async usersOfTenant(tenantId: string): Promise<DirectoryUser[]> {
    const me = await this.me();
    const { colleagues } = await this.loadOrganizations();
    return [me, ...colleagues.values()]
      .filter((user) => user.tenantId === tenantId)
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  /**
   * Microsoft Graph's search of the requester's own tenant (the tenant their token is for): members
   * and guests. Another tenant's people cannot be searched with this token, so none are found there.
   * Without text, the people this directory already knows, once the user has signed in to Graph.
   */
  async searchUsersOfTenant(tenantId: string, text: string, max: number): Promise<DirectoryUser[]> {
    if (this.people === undefined) return [];
    if (this.people === 'not-signed-in') throw signInFirst('microsoft-graph', MICROSOFT_GRAPH);
    if (text.trim() === '') return (await this.usersOfTenant(tenantId)).slice(0, max);
    if (tenantId !== this.requester.tenantId) return [];
    const found = await this.people.searchUsers(text, max);
    for (const user of found) this.graphUsers.set(user.id, Promise.resolve(user));
    return found;
  }

  /** Holding the role already (RoleAssignmentExists) counts as done. */
  async grantRole(assignment: RoleAssignment): Promise<void> {
    await this.roles.grant(assignment.subscriptionId, assignment.principalId, assignment.role);
    this.assignmentsBySubscription.delete(assignment.subscriptionId);
  }

  /** The users' access levels, read afresh for every request; unknown for an organization the requester cannot read. */
  async usageOf(organizationId: string): Promise<OrganizationUsage | undefined> {
    const organization = await this.getOrganization(organizationId);
    if (!organization || organization.unreadable) return undefined;
    return this.usage.usageOf(organization);
  }

  async setAccessLevel(change: AccessLevelChange): Promise<void> {
    const organization = await this.getOrganization(change.organizationId);
    if (!organization || organization.unreadable) {
      throw new DirectoryChangeError(`I cannot read the organization ${change.organizationId} in Azure DevOps with your sign-in, so no access level was changed in it. Check that you still belong to it, then try again.`);
    }
    await this.usage.setAccessLevel(organization, change);
  }

  async revokeRole(assignment: RoleAssignment): Promise<void> {
    const held = (await this.roleAssignmentsOn(assignment.subscriptionId)).filter((a) => a.principalId === assignment.principalId && a.role === assignment.role);
    const group = held.find((a) => a.throughGroup)?.throughGroup;
    if (group && held.every((a) => a.throughGroup)) {
      throw new DirectoryChangeError(
        `The ${assignment.role} role on subscription ${assignment.subscriptionId} comes through the Microsoft Entra group ${group}, so it cannot be taken away from one person here. Remove them from that group, or ask its owners to.`,
      );
    }
    const result = await this.roles.revoke(assignment.subscriptionId, assignment.principalId, assignment.role);
    this.assignmentsBySubscription.delete(assignment.subscriptionId);
    if (result === 'held-above-subscription') {
      throw new DirectoryChangeError(
        `The ${assignment.role} role is given on a management group above subscription ${assignment.subscriptionId}, so it cannot be taken away on the subscription. Remove it where it is given, in the Azure portal's Access control (IAM).`,
      );
    }
  }

  private async readAssignments(subscriptionId: string): Promise<RoleAssignment[]> {
    try {
      return await this.subscriptionRoles.on(subscriptionId);
    } catch (error) {
      if (error instanceof DirectoryFailure && (error.code === 'access-denied' || error.code === 'not-found')) return [];
      throw error;
    }
  }

  private myProfile(): Promise<DevOpsProfile> {
    this.checkAccount();
    this.profile ??= this.recently('profile', () => this.devOps.myProfile());
    return this.profile;
  }

  private async me(): Promise<DirectoryUser> {
    const profile = await this.myProfile();
    return {
      id: this.requester.userId,
      displayName: profile.displayName,
      email: profile.emailAddress,
      tenantId: this.requester.tenantId ?? readUnverifiedClaims(this.tokens[0] ?? '').tenantId ?? '',
    };
  }

  /**
   * Teams vouches for who is chatting; the tokens say who signed in to Azure. The billing rules
   * check the Teams identity against Azure's answers, so both must be the same person.
   */
  private checkAccount(): void {
    for (const token of this.tokens) {
      const claims = readUnverifiedClaims(token);
      if (claims.objectId && claims.objectId !== this.requester.userId) {
        throw new DirectoryFailure(
          'wrong-account',
          'You signed in to Azure with another account than the one you use in Teams, so I cannot check your permissions. Type "sign out", then sign in again with your Teams work account.',
          { service: 'Microsoft Entra ID' },
        );
      }
      if (claims.tenantId && this.requester.tenantId && claims.tenantId !== this.requester.tenantId) {
        throw new DirectoryFailure(
          'wrong-tenant',
          'You signed in to Azure in another Microsoft Entra tenant than the one you use Teams in. Type "sign out", then sign in again with your work account of this tenant.',
          { service: 'Microsoft Entra ID' },
        );
      }
    }
  }

  /** Reused from the user's recent commands when they read every organization. */
  private loadOrganizations(): Promise<OrganizationsRead> {
    this.organizations ??= this.recently('organizations', async () => {
      const [me, profile] = await Promise.all([this.me(), this.myProfile()]);
      return readOrganizations(this.devOps, me, profile);
    }, (read) => read.organizations.every((org) => !org.unreadable));
    return this.organizations;
  }

  /** A reused answer is the Teams user's own: the tokens of this request must be theirs too. */
  private recently<T>(question: string, read: () => Promise<T>, keep?: (answer: T) => boolean): Promise<T> {
    this.checkAccount();
    if (!this.recentReads) return read();
    return this.recentReads.remember(`${this.requester.tenantId ?? ''}/${this.requester.userId}`, question, read, keep);
  }
}
