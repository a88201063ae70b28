import { DirectoryIndex } from '../../src/directory/directoryIndex';
import { peopleMatching } from '../../src/directory/peopleSearch';
import type { DirectoryPort } from '../../src/domain/ports/directory';
import { effectiveUsage, recordAccessLevel } from '../../src/directory/accessLevelOverlay';
import type { AccessLevelChange, DirectoryFile, DirectoryUser, Organization, OrganizationUsage, RoleAssignment, Subscription, Tenant } from '../../src/domain/directory';
import type { DirectoryOverlay } from '../../src/domain/model';

/**
 * A DirectoryPort over a world written in the test itself, for unit tests of one billing module that
 * need people the demo world does not have. It answers through the same index as the local file.
 */
export class WorldDirectory implements DirectoryPort {
  private world: DirectoryFile;
  private index: DirectoryIndex;
  private readonly overlay: DirectoryOverlay = { granted: [], revoked: [] };

  constructor(world: DirectoryFile) {
    this.world = world;
    this.index = new DirectoryIndex(world);
  }

  async getUser(userId: string): Promise<DirectoryUser | undefined> {
    return this.index.user(userId);
  }

  async getUsers(userIds: readonly string[]): Promise<DirectoryUser[]> {
    return userIds.map((id) => this.index.user(id)).filter((user): user is DirectoryUser => user !== undefined);
  }

  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    return this.index.tenant(tenantId);
  }

  async organizationsOf(userId: string): Promise<Organization[]> {
    return [...this.index.organizationsOf(userId)];
  }

  async getOrganization(organizationId: string): Promise<Organization | undefined> {
    return this.index.organization(organizationId);
  }

  async subscriptionsVisibleTo(userId: string): Promise<Subscription[]> {
    return [...this.index.subscriptionsVisibleTo(userId)];
  }

  async getSubscription(subscriptionId: string): Promise<Subscription | undefined> {
    return this.index.subscription(subscriptionId);
  }

  async roleAssignmentsOn(subscriptionId: string): Promise<RoleAssignment[]> {
    return [...this.index.roleAssignmentsOn(subscriptionId)];
  }

  async searchUsersOfTenant(tenantId: string, text: string, max: number): Promise<DirectoryUser[]> {
    return peopleMatching(await this.usersOfTenant(tenantId), text, max);
  }

  async usersOfTenant(tenantId: string): Promise<DirectoryUser[]> {
    return [...this.index.usersOfTenant(tenantId)];
  }

  /** Changes the world the way a granted role would, and answers from it from then on. */
  async grantRole(assignment: RoleAssignment): Promise<void> {
    if (this.index.roleAssignmentsOn(assignment.subscriptionId).some((a) => sameAssignment(a, assignment))) return;
    this.rebuild([...this.world.roleAssignments, { ...assignment }]);
  }

  async revokeRole(assignment: RoleAssignment): Promise<void> {
    this.rebuild(this.world.roleAssignments.filter((a) => !sameAssignment(a, assignment)));
  }

  async usageOf(organizationId: string): Promise<OrganizationUsage | undefined> {
    return effectiveUsage(this.index.usage(organizationId), this.overlay, organizationId);
  }

  async setAccessLevel(change: AccessLevelChange): Promise<void> {
    recordAccessLevel(this.overlay, change);
  }

  private rebuild(roleAssignments: RoleAssignment[]): void {
    this.world = { ...this.world, roleAssignments };
    this.index = new DirectoryIndex(this.world);
  }
}

function sameAssignment(a: RoleAssignment, b: RoleAssignment): boolean {
  return a.subscriptionId === b.subscriptionId && a.principalId === b.principalId && a.role === b.role;
}
