import type { AccessLevelChange, DirectoryUser, Organization, OrganizationUsage } from '../../domain/directory';
import { DirectoryChangeError } from '../../domain/ports/directory';
import { DirectoryFailure } from '../directoryFailure';
import type { EntitlementRead, UserEntitlements } from './userEntitlements';

/**
 * Who in an organization is billed for which access level, as Azure DevOps says now, for one request.
 * Each organization's entitlements are read once per request and never reused across requests: a
 * confirmation re-reads them, so that a change made meanwhile elsewhere is seen. The people the
 * entitlements name are known by name for the rest of the request.
 */
export class AzureUsage {
  private readonly byOrganization = new Map<string, Promise<EntitlementRead[]>>();
  private readonly people = new Map<string, DirectoryUser>();

  constructor(private readonly entitlements: UserEntitlements) {}

  /** Only the users' access levels: parallel jobs, Artifacts and the billing mode are not read from Azure DevOps. */
  async usageOf(organization: Organization): Promise<OrganizationUsage> {
    const reads = await this.read(organization);
    return { entitlements: reads.map((read) => read.entitlement) };
  }

  /** A person named by an entitlement read in this request. */
  person(userId: string): DirectoryUser | undefined {
    return this.people.get(userId);
  }

  async setAccessLevel(organization: Organization, change: AccessLevelChange): Promise<void> {
    try {
      const reads = await this.read(organization);
      const at = reads.findIndex((read) => read.user.id === change.userId);
      const held = reads[at];
      if (!held) {
        throw new DirectoryChangeError(`Azure DevOps lists no access level for this user in ${organization.name} any more, so it cannot be changed. Type "users" to see the users as they are now.`);
      }
      if (held.entitlement.accessLevel === change.accessLevel && held.entitlement.licensingSource === 'account') return;
      await this.entitlements.setAccessLevel(organization.name, held.entitlementId, change.accessLevel);
      // Later questions of this request see the change without reading every page again.
      reads[at] = { ...held, entitlement: { ...held.entitlement, accessLevel: change.accessLevel, licensingSource: 'account', assignedBy: 'direct' } };
    } catch (error) {
      if (error instanceof DirectoryFailure) throw new DirectoryChangeError(error.message);
      throw error;
    }
  }

  private read(organization: Organization): Promise<EntitlementRead[]> {
    let reads = this.byOrganization.get(organization.id);
    if (!reads) {
      reads = this.entitlements.list(organization.name).then((found) => {
        for (const read of found) this.people.set(read.user.id, read.user);
        return found;
      });
      this.byOrganization.set(organization.id, reads);
      // A failed read is not kept: the next question asks Azure DevOps again.
      reads.catch(() => this.byOrganization.delete(organization.id));
    }
    return reads;
  }
}
