import { createHash } from 'node:crypto';
import type { DirectoryFile, DirectoryUser, Organization, RoleName, Subscription, Tenant } from '../../../src/domain/directory';
import { BUILT_IN_ROLE_IDS } from '../../../src/directory/azure/builtInRoles';

export interface EmulatedAssignment {
  readonly name: string;
  readonly subscriptionId: string;
  readonly principalId: string;
  readonly role: RoleName;
  /** Where the assignment was made: the subscription itself, or a management group above it. */
  readonly scope: string;
}

export interface EmulatedBillingLink {
  readonly subscriptionId: string;
  /** The Azure DevOps identity id (VSID) of whoever set it. */
  readonly updatedBy: string;
  readonly updatedAt: Date;
}

/**
 * The world of a local directory file, as Azure DevOps and Azure Resource Manager would hold it:
 * the same people, organizations, subscriptions and roles, plus the ids those services add
 * (Azure DevOps identity ids, Graph descriptors, role assignment names) and the billing links.
 */
export class EmulatedWorld {
  readonly tenants: Tenant[];
  readonly users: DirectoryUser[];
  readonly organizations: Organization[];
  readonly subscriptions: Subscription[];
  readonly assignments: EmulatedAssignment[];
  readonly billing = new Map<string, EmulatedBillingLink>();

  constructor(file: DirectoryFile) {
    this.tenants = file.tenants.map((t) => ({ ...t }));
    this.users = file.users.map((u) => ({ ...u }));
    this.organizations = file.organizations.map((o) => ({ ...o }));
    this.subscriptions = file.subscriptions.map((s) => ({ ...s }));
    this.assignments = file.roleAssignments.map((a, i) => ({
      name: guidFrom(`assignment:${i}:${a.subscriptionId}:${a.principalId}:${a.role}`),
      subscriptionId: a.subscriptionId,
      principalId: a.principalId,
      role: a.role,
      scope: `/subscriptions/${a.subscriptionId}`,
    }));
  }

  user(id: string): DirectoryUser | undefined {
    return this.users.find((u) => u.id === id);
  }

  userByVsid(vsid: string): DirectoryUser | undefined {
    return this.users.find((u) => vsidOf(u.id) === vsid);
  }

  subscription(id: string): Subscription | undefined {
    return this.subscriptions.find((s) => s.id.toLowerCase() === id.toLowerCase());
  }

  organizationById(id: string): Organization | undefined {
    return this.organizations.find((o) => o.id === id);
  }

  organizationByName(name: string): Organization | undefined {
    return this.organizations.find((o) => o.name.toLowerCase() === name.toLowerCase());
  }

  rolesOn(subscriptionId: string, principalId: string): RoleName[] {
    return this.assignments.filter((a) => a.subscriptionId === subscriptionId && a.principalId === principalId).map((a) => a.role);
  }

  isMember(userId: string, organization: Organization): boolean {
    return organization.ownerId === userId || organization.projectCollectionAdministrators.includes(userId) || organization.members.includes(userId);
  }

  isAdministrator(userId: string, organization: Organization): boolean {
    return organization.ownerId === userId || organization.projectCollectionAdministrators.includes(userId);
  }

  /** Everyone Azure DevOps lists in Project Collection Administrators: the owner is always one. */
  administratorsOf(organization: Organization): string[] {
    return [...new Set([organization.ownerId, ...organization.projectCollectionAdministrators])];
  }

  /** Gives a role through a management group above the subscription (it cannot be removed there). */
  inheritRole(subscriptionId: string, principalId: string, role: RoleName): void {
    this.assignments.push({ name: guidFrom(`inherited:${subscriptionId}:${principalId}:${role}`), subscriptionId, principalId, role, scope: '/providers/Microsoft.Management/managementGroups/contoso-root' });
  }
}

/** A stable fake Azure DevOps identity id (VSID) for a user: Azure DevOps ids differ from Entra object ids. */
export function vsidOf(userId: string): string {
  return guidFrom(`vsid:${userId}`);
}

export function userDescriptorOf(userId: string): string {
  return `aad.${Buffer.from(vsidOf(userId)).toString('base64url')}`;
}

export function administratorsGroupDescriptorOf(organizationId: string): string {
  return `vssgp.${Buffer.from(`pca:${organizationId}`).toString('base64url')}`;
}

export function roleIdOf(role: RoleName): string {
  return BUILT_IN_ROLE_IDS[role];
}

export function guidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
