import type { DirectoryUser, Organization, OrganizationUsage, RoleAssignment, Subscription, Tenant } from '../domain/directory';
import type { DirectoryIndex } from './directoryIndex';

/**
 * The questions one version of the local directory file answers, before the bot's own changes are
 * laid over them. Asynchronous, so that an answer may be read from disk (see CopiedDirectory) instead
 * of held in memory.
 */
export interface DirectoryLookups {
  user(userId: string): Promise<DirectoryUser | undefined>;
  tenant(tenantId: string): Promise<Tenant | undefined>;
  organization(organizationId: string): Promise<Organization | undefined>;
  /** Undefined when the file says nothing about what the organization uses. */
  usage(organizationId: string): Promise<OrganizationUsage | undefined>;
  subscription(subscriptionId: string): Promise<Subscription | undefined>;
  /** Where the user is owner, project collection administrator or member, in the file's order. */
  organizationsOf(userId: string): Promise<readonly Organization[]>;
  /** Where the user holds any role in the file, once each. */
  subscriptionsVisibleTo(userId: string): Promise<readonly Subscription[]>;
  /** Sorted by display name. */
  usersOfTenant(tenantId: string): Promise<readonly DirectoryUser[]>;
  roleAssignmentsOn(subscriptionId: string): Promise<readonly RoleAssignment[]>;
}

/** The answers of an index held in memory. */
export function memoryLookups(index: DirectoryIndex): DirectoryLookups {
  return {
    user: async (userId) => index.user(userId),
    tenant: async (tenantId) => index.tenant(tenantId),
    organization: async (organizationId) => index.organization(organizationId),
    usage: async (organizationId) => index.usage(organizationId),
    subscription: async (subscriptionId) => index.subscription(subscriptionId),
    organizationsOf: async (userId) => index.organizationsOf(userId),
    subscriptionsVisibleTo: async (userId) => index.subscriptionsVisibleTo(userId),
    usersOfTenant: async (tenantId) => index.usersOfTenant(tenantId),
    roleAssignmentsOn: async (subscriptionId) => index.roleAssignmentsOn(subscriptionId),
  };
}
