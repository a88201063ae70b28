import type { Organization } from '../domain/directory';

/** What a user is in an organization, as far as billing rules care. */
export type OrganizationAccess = 'project-collection-administrator' | 'member' | 'none';

export function organizationAccess(userId: string, organization: Organization): OrganizationAccess {
  // The owner is always a project collection administrator, even if the group list omits them.
  if (organization.ownerId === userId || organization.projectCollectionAdministrators.includes(userId)) {
    return 'project-collection-administrator';
  }
  return organization.members.includes(userId) ? 'member' : 'none';
}

export function isProjectCollectionAdministrator(userId: string, organization: Organization): boolean {
  return organizationAccess(userId, organization) === 'project-collection-administrator';
}
