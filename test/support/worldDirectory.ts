import { DirectoryIndex } from '../../src/directory/directoryIndex';
import type { DirectoryPort } from '../../src/directory/port';
import type { DirectoryFile, DirectoryUser, Organization, RoleAssignment, Subscription, Tenant } from '../../src/directory/types';

/**
 * A DirectoryPort over a world written in the test itself, for unit tests of one billing module that
 * need people the demo world does not have. It answers through the same index as the local file.
 */
export class WorldDirectory implements DirectoryPort {
  private readonly index: DirectoryIndex;

  constructor(world: DirectoryFile) {
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
}
