import type { DirectoryUser, Organization, RoleAssignment, Subscription, Tenant } from './types';

/**
 * The directory port: every question the billing service asks about the world. Each call returns
 * fresh data; callers never cache answers across clicks, because a card is only a view.
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
}
