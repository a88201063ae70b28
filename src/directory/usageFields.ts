import type { DirectoryFile } from '../domain/directory';
import type { ProblemList } from './documentFields';

/** Entitlements name people of the file who belong to the organization, each once. */
export function checkUsageConsistency(directory: DirectoryFile, problems: ProblemList): void {
  const users = new Set(directory.users.map((user) => user.id));
  directory.organizations.forEach((organization, index) => {
    const people = new Set([organization.ownerId, ...organization.projectCollectionAdministrators, ...organization.members]);
    const seen = new Map<string, number>();
    (organization.usage?.entitlements ?? []).forEach((entitlement, at) => {
      const path = `organizations[${index}].entitlements[${at}].userId`;
      const where = `In organization "${organization.name}": ${path}`;
      if (!users.has(entitlement.userId)) {
        problems.add(path, `${where} is "${entitlement.userId}", which is not the id of any entry in users; add the person to users or correct the id.`);
      } else if (!people.has(entitlement.userId)) {
        problems.add(path, `${where} is "${entitlement.userId}", who is not a member of the organization; add them to its members or remove the entitlement.`);
      }
      const earlier = seen.get(entitlement.userId);
      if (earlier !== undefined) {
        problems.add(path, `${where} repeats entitlements[${earlier}] (one person has one access level per organization); remove one of them.`);
      } else {
        seen.set(entitlement.userId, at);
      }
    });
  });
}
