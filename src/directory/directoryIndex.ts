import type { DirectoryFile, DirectoryUser, Organization, OrganizationEntry, OrganizationUsage, RoleAssignment, Subscription, Tenant } from '../domain/directory';

const NONE: readonly never[] = Object.freeze([]);

/**
 * A validated directory file arranged for constant-time lookups. Built once per load of the file,
 * so a question costs a map lookup however large the world is. Lists keep the file's order.
 */
export class DirectoryIndex {
  private readonly users: ReadonlyMap<string, DirectoryUser>;
  private readonly tenants: ReadonlyMap<string, Tenant>;
  private readonly organizations: ReadonlyMap<string, Organization>;
  private readonly usages = new Map<string, OrganizationUsage>();
  private readonly subscriptions: ReadonlyMap<string, Subscription>;
  private readonly organizationsByUser = new Map<string, Organization[]>();
  private readonly assignmentsBySubscription = new Map<string, RoleAssignment[]>();
  private readonly subscriptionsByPrincipal = new Map<string, Subscription[]>();
  private readonly usersByTenant = new Map<string, DirectoryUser[]>();

  constructor(directory: DirectoryFile) {
    this.users = byId(directory.users);
    this.tenants = byId(directory.tenants);
    // Who belongs is asked on every turn, what the organization uses only by `users` and `costs`.
    this.organizations = byId(directory.organizations.map((entry) => this.withoutUsage(entry)));
    this.subscriptions = byId(directory.subscriptions);
    for (const user of directory.users) append(this.usersByTenant, user.tenantId, user);
    for (const users of this.usersByTenant.values()) users.sort((a, b) => a.displayName.localeCompare(b.displayName));

    for (const organization of this.organizations.values()) {
      // A user is often owner, administrator and member at once; list the organization once.
      const people = new Set([organization.ownerId, ...organization.projectCollectionAdministrators, ...organization.members]);
      for (const userId of people) append(this.organizationsByUser, userId, organization);
    }

    const seen = new Set<string>();
    for (const assignment of directory.roleAssignments) {
      append(this.assignmentsBySubscription, assignment.subscriptionId, assignment);
      // Several roles on one subscription still make it visible once.
      const visibility = JSON.stringify([assignment.principalId, assignment.subscriptionId]);
      const subscription = this.subscriptions.get(assignment.subscriptionId);
      if (subscription === undefined || seen.has(visibility)) continue;
      seen.add(visibility);
      append(this.subscriptionsByPrincipal, assignment.principalId, subscription);
    }
  }

  user(userId: string): DirectoryUser | undefined {
    return this.users.get(userId);
  }

  tenant(tenantId: string): Tenant | undefined {
    return this.tenants.get(tenantId);
  }

  organization(organizationId: string): Organization | undefined {
    return this.organizations.get(organizationId);
  }

  /** Undefined when the file says nothing about what the organization uses. */
  usage(organizationId: string): OrganizationUsage | undefined {
    return this.usages.get(organizationId);
  }

  subscription(subscriptionId: string): Subscription | undefined {
    return this.subscriptions.get(subscriptionId);
  }

  /** Where the user is owner, project collection administrator or member. */
  organizationsOf(userId: string): readonly Organization[] {
    return this.organizationsByUser.get(userId) ?? NONE;
  }

  /** Where the user holds any role, as Azure lists subscriptions. */
  subscriptionsVisibleTo(userId: string): readonly Subscription[] {
    return this.subscriptionsByPrincipal.get(userId) ?? NONE;
  }

  /** Sorted by display name. */
  usersOfTenant(tenantId: string): readonly DirectoryUser[] {
    return this.usersByTenant.get(tenantId) ?? NONE;
  }

  private withoutUsage({ usage, ...organization }: OrganizationEntry): Organization {
    if (usage !== undefined && Object.keys(usage).length > 0) this.usages.set(organization.id, usage);
    return organization;
  }

  roleAssignmentsOn(subscriptionId: string): readonly RoleAssignment[] {
    return this.assignmentsBySubscription.get(subscriptionId) ?? NONE;
  }
}

function byId<T extends { readonly id: string }>(entries: readonly T[]): Map<string, T> {
  return new Map(entries.map((entry) => [entry.id, entry]));
}

function append<T>(lists: Map<string, T[]>, key: string, item: T): void {
  const list = lists.get(key);
  if (list === undefined) lists.set(key, [item]);
  else list.push(item);
}
