import type { AccessLevelChange, DirectoryUser, Organization, OrganizationUsage, RoleAssignment, Subscription, Tenant } from '../directory';

/**
 * The directory port: every question the billing service asks about the world. Callers never cache
 * answers across clicks, because a card is only a view. Role assignments are always fresh; an
 * implementation may reuse slow-changing answers (a user's organizations) for a short while.
 * Implementations: the local JSON file (embedded default) and, later, the Azure REST APIs.
 */
export interface DirectoryPort {
  getUser(userId: string): Promise<DirectoryUser | undefined>;
  getUsers(userIds: readonly string[]): Promise<DirectoryUser[]>;
  getTenant(tenantId: string): Promise<Tenant | undefined>;
  /** Organizations the user belongs to: as owner, project collection administrator or member. */
  organizationsOf(userId: string): Promise<Organization[]>;
  getOrganization(organizationId: string): Promise<Organization | undefined>;
  /** Subscriptions on which the user holds any role (Azure lists only those). */
  subscriptionsVisibleTo(userId: string): Promise<Subscription[]>;
  getSubscription(subscriptionId: string): Promise<Subscription | undefined>;
  roleAssignmentsOn(subscriptionId: string): Promise<RoleAssignment[]>;
  /** The people of a tenant, sorted by name: whom a role on that tenant's subscriptions can be given to. */
  usersOfTenant(tenantId: string): Promise<DirectoryUser[]>;
  /**
   * People of a tenant whose name or address matches `text`, at most `max`: the search behind the
   * billing-manager picker, which may find people `usersOfTenant` does not list (a whole Entra tenant).
   */
  searchUsersOfTenant(tenantId: string, text: string, max: number): Promise<DirectoryUser[]>;
  /**
   * Gives a principal a role on a subscription (Azure: creates a role assignment). Idempotent.
   * @throws DirectoryChangeError with a message that says what to do when the directory refuses.
   */
  grantRole(assignment: RoleAssignment): Promise<void>;
  /** Takes a role away (Azure: deletes the role assignment). Idempotent. */
  revokeRole(assignment: RoleAssignment): Promise<void>;
  /**
   * What the organization uses and who in it is billed for which access level, with the access
   * levels the bot changed applied; undefined when the directory does not know ("usage not known").
   */
  usageOf(organizationId: string): Promise<OrganizationUsage | undefined>;
  /**
   * Sets one user's access level in one organization (Azure: the user entitlements PATCH). Idempotent.
   * @throws DirectoryChangeError with a message that says what to do when the directory refuses.
   */
  setAccessLevel(change: AccessLevelChange): Promise<void>;
}

/** The directory refused or could not make a change; nothing was changed. */
export class DirectoryChangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DirectoryChangeError';
  }
}

/**
 * A read a remote source (the Azure directory, a billing link in Azure DevOps) could not answer. Its
 * message is for the user: what happened and what to do. A use case that reads many organizations
 * reports this per organization instead of failing the whole answer.
 */
export class ReadFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadFailure';
  }
}
