import type { DirectoryFile, DirectoryUser, Organization, OrganizationUsage, RoleAssignment, Subscription, Tenant } from '../domain/directory';
import { DirectoryIndex } from './directoryIndex';

/**
 * The local directory cut into records, each holding everything one question needs, so that a
 * question reads one record, or one and those it names: a person with the ids of their organizations
 * and of the subscriptions they see, an organization with what it uses, a subscription with its role
 * assignments, a tenant with its people.
 */

/** Organizations and subscriptions by id: held whole, they made these records nine tenths of the copy. */
export interface UserRecord {
  readonly user: DirectoryUser;
  readonly organizationIds: readonly string[];
  readonly subscriptionIds: readonly string[];
}

export interface OrganizationRecord {
  readonly organization: Organization;
  readonly usage?: OrganizationUsage;
}

export interface SubscriptionRecord {
  readonly subscription: Subscription;
  readonly assignments: readonly RoleAssignment[];
}

export interface TenantRecord {
  readonly tenant: Tenant;
  /** Sorted by display name. */
  readonly users: readonly DirectoryUser[];
}

export type DirectoryRecord = UserRecord | OrganizationRecord | SubscriptionRecord | TenantRecord;

/** The key of each kind of record; ids may hold any character, the kind is always the first two. */
export const recordKey = {
  user: (id: string): string => `u:${id}`,
  organization: (id: string): string => `o:${id}`,
  subscription: (id: string): string => `s:${id}`,
  tenant: (id: string): string => `t:${id}`,
};

/** Every record of a checked directory, with its key; the answers are those of DirectoryIndex. */
export function* directoryRecords(directory: DirectoryFile): Generator<readonly [string, DirectoryRecord]> {
  const index = new DirectoryIndex(directory);
  for (const user of directory.users) {
    const record: UserRecord = {
      user,
      organizationIds: index.organizationsOf(user.id).map((organization) => organization.id),
      subscriptionIds: index.subscriptionsVisibleTo(user.id).map((subscription) => subscription.id),
    };
    yield [recordKey.user(user.id), record];
  }
  for (const { id } of directory.organizations) {
    const organization = index.organization(id);
    const usage = index.usage(id);
    if (organization) yield [recordKey.organization(id), usage === undefined ? { organization } : { organization, usage }];
  }
  for (const subscription of directory.subscriptions) {
    yield [recordKey.subscription(subscription.id), { subscription, assignments: index.roleAssignmentsOn(subscription.id) }];
  }
  for (const tenant of directory.tenants) {
    yield [recordKey.tenant(tenant.id), { tenant, users: index.usersOfTenant(tenant.id) }];
  }
}
