import type { DirectoryUser, Organization } from '../../domain/directory';
import { DirectoryFailure } from '../directoryFailure';
import type { AzureDevOps, DevOpsAccount, DevOpsGraphUser, DevOpsProfile } from './azureDevOps';

/** The organizations a user belongs to, and the administrators they name, read together. */
export interface OrganizationsRead {
  readonly organizations: readonly Organization[];
  readonly colleagues: ReadonlyMap<string, DirectoryUser>;
}

/**
 * Each organization is read on its own: one that refuses (conditional access, a revoked membership,
 * an outage) is listed with why, and the others still answer. Only when every one fails is it the
 * sign-in or the service, and then the first failure is the answer.
 */
export async function readOrganizations(devOps: AzureDevOps, me: DirectoryUser, profile: DevOpsProfile): Promise<OrganizationsRead> {
  const [memberOf, owned] = await Promise.all([devOps.accounts('memberId', profile.id), devOps.accounts('ownerId', profile.id)]);
  const ownedIds = new Set(owned.map((a) => a.accountId));
  const accounts = uniqueAccounts([...memberOf, ...owned]);
  const colleagues = new Map<string, DirectoryUser>();
  const reads = await Promise.all(accounts.map(async (account) => {
    // Azure DevOps names the owner only to the owner; the owner is always an administrator anyway.
    const basics = { id: account.accountId, name: account.accountName, ownerId: ownedIds.has(account.accountId) ? me.id : '', members: [me.id] };
    try {
      const administrators = await devOps.projectCollectionAdministrators(account.accountName);
      for (const user of administrators.users) {
        if (user.objectId !== me.id) colleagues.set(user.objectId, { id: user.objectId, displayName: user.displayName, email: user.mailAddress, tenantId: user.tenantId });
      }
      const organization: Organization = {
        ...basics,
        tenantId: administrators.tenantId ?? '',
        projectCollectionAdministrators: administrators.users.map((user) => user.objectId),
        ...administratorGroupsOf(administrators.users),
      };
      return { organization };
    } catch (error) {
      if (!(error instanceof DirectoryFailure)) throw error;
      return { organization: { ...basics, tenantId: '', projectCollectionAdministrators: [], unreadable: error.message } satisfies Organization, failure: error };
    }
  }));
  const failures = reads.flatMap((r) => (r.failure ? [r.failure] : []));
  if (failures.length > 0 && failures.length === reads.length) throw failures[0];
  const organizations = reads.map((r) => r.organization).sort((a, b) => a.name.localeCompare(b.name));
  return { organizations, colleagues };
}

function administratorGroupsOf(users: readonly DevOpsGraphUser[]): { administratorGroups?: Record<string, string> } {
  const through = users.flatMap((user) => (user.throughGroup ? [[user.objectId, user.throughGroup] as const] : []));
  return through.length > 0 ? { administratorGroups: Object.fromEntries(through) } : {};
}

function uniqueAccounts(accounts: readonly DevOpsAccount[]): DevOpsAccount[] {
  const byId = new Map<string, DevOpsAccount>();
  for (const account of accounts) byId.set(account.accountId, account);
  return [...byId.values()];
}
