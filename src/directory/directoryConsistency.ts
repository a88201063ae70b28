import { childPath, type ProblemList } from './documentFields';
import type { DirectoryFile, Organization } from '../domain/directory';

/**
 * The rules that span entries: ids are unique, every reference names an entry that exists, and an
 * organization's owner is one of its project collection administrators (BILLING.md: "The owner is
 * always a PCA"), so that code reading the lists never has to special-case the owner.
 * Runs in time linear in the size of the file: it is used on worlds with 100,000 organizations.
 */
export function checkConsistency(directory: DirectoryFile, problems: ProblemList): void {
  const tenants = new KnownIds('tenants', 'tenant', uniqueIds(directory.tenants, 'tenants', 'tenant', problems));
  const users = new KnownIds('users', 'user', uniqueIds(directory.users, 'users', 'user', problems));
  const subscriptions = new KnownIds(
    'subscriptions',
    'subscription',
    uniqueIds(directory.subscriptions, 'subscriptions', 'subscription', problems),
  );
  uniqueIds(directory.organizations, 'organizations', 'organization', problems);
  uniqueOrganizationNames(directory.organizations, problems);

  directory.users.forEach((user, index) => {
    tenants.check(user.tenantId, `users[${index}].tenantId`, problems);
  });
  directory.organizations.forEach((organization, index) => {
    checkOrganization(organization, `organizations[${index}]`, tenants, users, problems);
  });
  directory.subscriptions.forEach((subscription, index) => {
    tenants.check(subscription.tenantId, `subscriptions[${index}].tenantId`, problems);
  });

  const firstAssignment = new Map<string, number>();
  directory.roleAssignments.forEach((assignment, index) => {
    const path = `roleAssignments[${index}]`;
    subscriptions.check(assignment.subscriptionId, `${path}.subscriptionId`, problems);
    users.check(assignment.principalId, `${path}.principalId`, problems);
    const key = JSON.stringify([assignment.subscriptionId, assignment.principalId, assignment.role]);
    const earlier = firstAssignment.get(key);
    if (earlier === undefined) {
      firstAssignment.set(key, index);
    } else {
      problems.add(
        path,
        `${path} repeats roleAssignments[${earlier}] (the same role for the same principal on the same subscription); remove one of them.`,
      );
    }
  });
}

/** The ids of one collection, to check references against. */
class KnownIds {
  constructor(
    private readonly collection: string,
    private readonly kind: string,
    private readonly ids: ReadonlySet<string>,
  ) {}

  check(id: string, path: string, problems: ProblemList): void {
    if (this.ids.has(id)) return;
    problems.add(
      path,
      `${path} is "${id}", which is not the id of any ${this.kind} in "${this.collection}"; use the id of a listed ${this.kind} or add the ${this.kind}.`,
    );
  }
}

function uniqueIds(entries: readonly { readonly id: string }[], collection: string, kind: string, problems: ProblemList): Set<string> {
  const firstIndex = new Map<string, number>();
  entries.forEach((entry, index) => {
    const earlier = firstIndex.get(entry.id);
    if (earlier === undefined) {
      firstIndex.set(entry.id, index);
      return;
    }
    const path = `${collection}[${index}].id`;
    problems.add(path, `${path} "${entry.id}" is already the id of ${collection}[${earlier}]; give each ${kind} its own id.`);
  });
  return new Set(firstIndex.keys());
}

/** Organization names are their URL (dev.azure.com/{name}), which ignores case. */
function uniqueOrganizationNames(organizations: readonly Organization[], problems: ProblemList): void {
  const firstIndex = new Map<string, number>();
  organizations.forEach((organization, index) => {
    const key = organization.name.toLowerCase();
    const earlier = firstIndex.get(key);
    if (earlier === undefined) {
      firstIndex.set(key, index);
      return;
    }
    const path = `organizations[${index}].name`;
    problems.add(
      path,
      `${path} "${organization.name}" is already the name of organizations[${earlier}] (names ignore case, like the organization's URL); rename one of them.`,
    );
  });
}

function checkOrganization(organization: Organization, path: string, tenants: KnownIds, users: KnownIds, problems: ProblemList): void {
  tenants.check(organization.tenantId, `${path}.tenantId`, problems);
  users.check(organization.ownerId, `${path}.ownerId`, problems);
  checkUserList(organization.projectCollectionAdministrators, `${path}.projectCollectionAdministrators`, users, problems);
  checkUserList(organization.members, `${path}.members`, users, problems);
  if (!organization.projectCollectionAdministrators.includes(organization.ownerId)) {
    problems.add(
      `${path}.ownerId`,
      `${path}.ownerId "${organization.ownerId}" is not listed in ${path}.projectCollectionAdministrators; the owner is always a project collection administrator, so add "${organization.ownerId}" there.`,
    );
  }
}

function checkUserList(userIds: readonly string[], path: string, users: KnownIds, problems: ProblemList): void {
  const firstIndex = new Map<string, number>();
  userIds.forEach((userId, index) => {
    const itemPath = childPath(path, index);
    users.check(userId, itemPath, problems);
    const earlier = firstIndex.get(userId);
    if (earlier === undefined) {
      firstIndex.set(userId, index);
    } else {
      problems.add(itemPath, `${itemPath} repeats "${userId}", already listed at ${childPath(path, earlier)}; list each user once.`);
    }
  });
}
