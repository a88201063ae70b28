import type { DirectoryPort } from '../../src/domain/ports/directory';
import { peopleMatching } from '../../src/directory/peopleSearch';
import type { AccessLevelChange, DirectoryFile, DirectoryUser, Organization, OrganizationUsage, RoleAssignment, RoleName, Subscription, Tenant } from '../../src/domain/directory';

/**
 * An in-memory DirectoryPort over a DirectoryFile-shaped world, for unit tests of the billing rules.
 * It answers the way the local directory does (organizations by owner, PCA or member; subscriptions
 * by any role held) and hands out copies, so a test can change the world between two clicks with
 * `edit` or the small helpers and prove that the next click sees the change.
 */
export interface World {
  tenants: Tenant[];
  users: DirectoryUser[];
  organizations: Organization[];
  subscriptions: Subscription[];
  roleAssignments: RoleAssignment[];
}

export class FakeDirectory implements DirectoryPort {
  private world: World;
  /** What each organization uses, by organization id; changed with `setUsage` or `setAccessLevel`. */
  private readonly usages = new Map<string, OrganizationUsage>();

  constructor(file: DirectoryFile) {
    this.world = copyWorld(file);
    for (const organization of file.organizations) if (organization.usage) this.usages.set(organization.id, organization.usage);
  }

  setUsage(organizationId: string, usage: OrganizationUsage): void {
    this.usages.set(organizationId, usage);
  }

  /** Changes the world in place; every later question sees the change. */
  edit(change: (world: World) => void): void {
    change(this.world);
  }

  /** Replaces fields of a subscription, e.g. `{ state: 'Disabled' }`. */
  updateSubscription(id: string, patch: Partial<Omit<Subscription, 'id'>>): void {
    this.edit((w) => {
      w.subscriptions = w.subscriptions.map((s) => (s.id === id ? { ...s, ...patch } : s));
    });
  }

  updateOrganization(id: string, patch: Partial<Omit<Organization, 'id'>>): void {
    this.edit((w) => {
      w.organizations = w.organizations.map((o) => (o.id === id ? { ...o, ...patch } : o));
    });
  }

  /** The subscription disappears, with every role on it. */
  removeSubscription(id: string): void {
    this.edit((w) => {
      w.subscriptions = w.subscriptions.filter((s) => s.id !== id);
      w.roleAssignments = w.roleAssignments.filter((a) => a.subscriptionId !== id);
    });
  }

  grant(subscriptionId: string, principalId: string, role: RoleName): void {
    this.edit((w) => {
      w.roleAssignments.push({ subscriptionId, principalId, role });
    });
  }

  /** Removes every role `principalId` holds on the subscription. */
  revoke(subscriptionId: string, principalId: string): void {
    this.edit((w) => {
      w.roleAssignments = w.roleAssignments.filter((a) => !(a.subscriptionId === subscriptionId && a.principalId === principalId));
    });
  }

  async getUser(userId: string): Promise<DirectoryUser | undefined> {
    return copy(this.world.users.find((u) => u.id === userId));
  }

  async getUsers(userIds: readonly string[]): Promise<DirectoryUser[]> {
    return userIds.flatMap((id) => this.world.users.filter((u) => u.id === id)).map((u) => ({ ...u }));
  }

  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    return copy(this.world.tenants.find((t) => t.id === tenantId));
  }

  async organizationsOf(userId: string): Promise<Organization[]> {
    return this.world.organizations
      .filter((o) => o.ownerId === userId || o.projectCollectionAdministrators.includes(userId) || o.members.includes(userId))
      .map(copyOrganization);
  }

  async getOrganization(organizationId: string): Promise<Organization | undefined> {
    const found = this.world.organizations.find((o) => o.id === organizationId);
    return found ? copyOrganization(found) : undefined;
  }

  async subscriptionsVisibleTo(userId: string): Promise<Subscription[]> {
    const ids = new Set(this.world.roleAssignments.filter((a) => a.principalId === userId).map((a) => a.subscriptionId));
    return this.world.subscriptions.filter((s) => ids.has(s.id)).map((s) => ({ ...s }));
  }

  async getSubscription(subscriptionId: string): Promise<Subscription | undefined> {
    return copy(this.world.subscriptions.find((s) => s.id === subscriptionId));
  }

  async roleAssignmentsOn(subscriptionId: string): Promise<RoleAssignment[]> {
    return this.world.roleAssignments.filter((a) => a.subscriptionId === subscriptionId).map((a) => ({ ...a }));
  }

  async searchUsersOfTenant(tenantId: string, text: string, max: number): Promise<DirectoryUser[]> {
    return peopleMatching(await this.usersOfTenant(tenantId), text, max);
  }

  async usersOfTenant(tenantId: string): Promise<DirectoryUser[]> {
    return this.world.users
      .filter((u) => u.tenantId === tenantId)
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
      .map((u) => ({ ...u }));
  }

  async grantRole(assignment: RoleAssignment): Promise<void> {
    if (!this.world.roleAssignments.some((a) => sameAssignment(a, assignment))) this.grant(assignment.subscriptionId, assignment.principalId, assignment.role);
  }

  async revokeRole(assignment: RoleAssignment): Promise<void> {
    this.edit((w) => {
      w.roleAssignments = w.roleAssignments.filter((a) => !sameAssignment(a, assignment));
    });
  }

  async usageOf(organizationId: string): Promise<OrganizationUsage | undefined> {
    return this.usages.get(organizationId);
  }

  async setAccessLevel(change: AccessLevelChange): Promise<void> {
    const usage = this.usages.get(change.organizationId);
    if (!usage?.entitlements) return;
    const entitlements = usage.entitlements.map((e) => (e.userId === change.userId ? { ...e, accessLevel: change.accessLevel, assignedBy: 'direct' as const } : e));
    this.usages.set(change.organizationId, { ...usage, entitlements });
  }
}

function sameAssignment(a: RoleAssignment, b: RoleAssignment): boolean {
  return a.subscriptionId === b.subscriptionId && a.principalId === b.principalId && a.role === b.role;
}

/** Defaults that make a subscription able to pay: enabled pay-as-you-go without a spending limit. */
export const PAYING: Pick<Subscription, 'state' | 'quotaId' | 'spendingLimit'> = {
  state: 'Enabled',
  quotaId: 'PayAsYouGo_2014-09-01',
  spendingLimit: 'Off',
};

export interface OrganizationSpec {
  readonly name?: string;
  readonly tenantId: string;
  readonly ownerId: string;
  readonly pcas?: readonly string[];
  readonly members?: readonly string[];
}

/**
 * A small builder for worlds: `world().tenant('t1').user('u1', 'Ann', 't1').org('o1', { ... })
 * .subscription('s1', 't1').role('s1', 'u1', 'Owner').directory()`.
 */
export class WorldBuilder {
  private readonly w: World = { tenants: [], users: [], organizations: [], subscriptions: [], roleAssignments: [] };

  tenant(id: string, displayName = id): this {
    this.w.tenants.push({ id, displayName });
    return this;
  }

  user(id: string, displayName: string, tenantId: string): this {
    this.w.users.push({ id, displayName, email: `${id}@example.test`, tenantId });
    return this;
  }

  /** The owner is listed as a member; list them in `pcas` too, or not, as the case needs. */
  org(id: string, spec: OrganizationSpec): this {
    this.w.organizations.push({
      id,
      name: spec.name ?? id,
      tenantId: spec.tenantId,
      ownerId: spec.ownerId,
      projectCollectionAdministrators: [...(spec.pcas ?? [])],
      members: [...new Set([spec.ownerId, ...(spec.pcas ?? []), ...(spec.members ?? [])])],
    });
    return this;
  }

  subscription(id: string, tenantId: string, fields: Partial<Omit<Subscription, 'id' | 'tenantId'>> = {}): this {
    this.w.subscriptions.push({ id, displayName: id, tenantId, ...PAYING, ...fields });
    return this;
  }

  role(subscriptionId: string, principalId: string, role: RoleName): this {
    this.w.roleAssignments.push({ subscriptionId, principalId, role });
    return this;
  }

  build(): DirectoryFile {
    return copyWorld(this.w);
  }

  directory(): FakeDirectory {
    return new FakeDirectory(this.w);
  }
}

export function world(): WorldBuilder {
  return new WorldBuilder();
}

function copy<T extends object>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : { ...value };
}

function copyOrganization(o: Organization): Organization {
  return { ...o, projectCollectionAdministrators: [...o.projectCollectionAdministrators], members: [...o.members] };
}

function copyWorld(file: DirectoryFile): World {
  return {
    tenants: file.tenants.map((t) => ({ ...t })),
    users: file.users.map((u) => ({ ...u })),
    organizations: file.organizations.map(copyOrganization),
    subscriptions: file.subscriptions.map((s) => ({ ...s })),
    roleAssignments: file.roleAssignments.map((a) => ({ ...a })),
  };
}
