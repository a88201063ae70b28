import { createHash } from 'node:crypto';
import type { DirectoryFile, DirectoryUser, Entitlement, Organization, OrganizationUsage, RoleName, Subscription, Tenant } from '../../../src/domain/directory';
import { BUILT_IN_ROLE_IDS } from '../../../src/directory/azure/builtInRoles';

export interface EmulatedAssignment {
  readonly name: string;
  readonly subscriptionId: string;
  readonly principalId: string;
  readonly role: RoleName;
  /** Where the assignment was made: the subscription itself, or a management group above it. */
  readonly scope: string;
  /** A group's assignment holds for its members, and theirs in nested groups. */
  readonly principalType?: 'User' | 'Group';
  /** A role that is not built in: `role` is then what the emulator lets it do. */
  readonly customRoleId?: string;
}

export interface EmulatedRoleDefinition {
  readonly roleName: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
}

/** A group inside an organization's Project Collection Administrators, holding users and further groups. */
export interface EmulatedDevOpsGroup {
  readonly displayName: string;
  readonly userIds: string[];
  readonly groupDescriptors: string[];
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
  /** Microsoft Entra groups by object id, each listing its members (users or groups). */
  readonly entraGroups = new Map<string, { readonly displayName: string; readonly members: string[] }>();
  readonly customRoles = new Map<string, EmulatedRoleDefinition>();
  /** Azure DevOps groups by descriptor; `nestedInAdministrators` names those directly inside PCA, by organization id. */
  readonly devOpsGroups = new Map<string, EmulatedDevOpsGroup>();
  readonly nestedInAdministrators = new Map<string, string[]>();
  /** Users' access levels by organization id, as the user entitlements API holds them. */
  readonly entitlements = new Map<string, Entitlement[]>();

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
    for (const organization of file.organizations) {
      // The file lists them on the organization; a loaded directory keeps them under usage.
      const entry = organization as { readonly usage?: OrganizationUsage; readonly entitlements?: readonly Entitlement[] };
      this.entitlements.set(organization.id, [...(entry.usage?.entitlements ?? entry.entitlements ?? [])]);
    }
  }

  entitlementsOf(organizationId: string): Entitlement[] {
    let found = this.entitlements.get(organizationId);
    if (!found) {
      found = [];
      this.entitlements.set(organizationId, found);
    }
    return found;
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

  /** The roles a principal holds on the subscription, directly or through the Entra groups it belongs to. */
  rolesOn(subscriptionId: string, principalId: string): RoleName[] {
    const principals = new Set([principalId, ...this.groupsOf(principalId)]);
    return this.assignments.filter((a) => a.subscriptionId === subscriptionId && principals.has(a.principalId)).map((a) => a.role);
  }

  /** The Entra groups the principal belongs to, directly or through nested groups. */
  groupsOf(principalId: string): string[] {
    const found = new Set<string>();
    let frontier = [principalId];
    while (frontier.length > 0) {
      const next = [...this.entraGroups].filter(([id, g]) => !found.has(id) && frontier.some((p) => g.members.includes(p))).map(([id]) => id);
      next.forEach((id) => found.add(id));
      frontier = next;
    }
    return [...found];
  }

  addEntraGroup(id: string, displayName: string, members: string[]): void {
    this.entraGroups.set(id, { displayName, members });
  }

  /** Gives a role to a user or group on the subscription; a custom role is given with what it amounts to. */
  assign(subscriptionId: string, principalId: string, role: RoleName, options: { principalType?: 'User' | 'Group'; customRoleId?: string } = {}): void {
    this.assignments.push({
      name: guidFrom(`assign:${subscriptionId}:${principalId}:${options.customRoleId ?? role}`),
      subscriptionId,
      principalId,
      role,
      scope: `/subscriptions/${subscriptionId}`,
      ...options,
    });
  }

  isMember(userId: string, organization: Organization): boolean {
    return this.isAdministrator(userId, organization) || organization.members.includes(userId);
  }

  isAdministrator(userId: string, organization: Organization): boolean {
    return organization.ownerId === userId || organization.projectCollectionAdministrators.includes(userId) || this.nestedAdministratorsOf(organization).includes(userId);
  }

  /** Everyone Azure DevOps lists directly in Project Collection Administrators: the owner is always one. */
  administratorsOf(organization: Organization): string[] {
    return [...new Set([organization.ownerId, ...organization.projectCollectionAdministrators])];
  }

  /** Makes the user an administrator through a chain of groups inside Project Collection Administrators, outermost first. */
  nestAdministrator(organizationId: string, groupNames: readonly string[], userId: string): void {
    let inside = this.nestedInAdministrators.get(organizationId) ?? [];
    this.nestedInAdministrators.set(organizationId, inside);
    groupNames.forEach((name, depth) => {
      const descriptor = devOpsGroupDescriptorOf(organizationId, name);
      if (!inside.includes(descriptor)) inside.push(descriptor);
      const group = this.devOpsGroups.get(descriptor) ?? { displayName: name, userIds: [], groupDescriptors: [] };
      this.devOpsGroups.set(descriptor, group);
      if (depth === groupNames.length - 1) group.userIds.push(userId);
      inside = group.groupDescriptors;
    });
  }

  private nestedAdministratorsOf(organization: Organization): string[] {
    const users: string[] = [];
    const visit = (descriptors: readonly string[], depth: number): void => {
      if (depth > 10) return;
      for (const descriptor of descriptors) {
        const group = this.devOpsGroups.get(descriptor);
        if (!group) continue;
        users.push(...group.userIds);
        visit(group.groupDescriptors, depth + 1);
      }
    };
    visit(this.nestedInAdministrators.get(organization.id) ?? [], 0);
    return users;
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

export function devOpsGroupDescriptorOf(organizationId: string, name: string): string {
  return `aadgp.${Buffer.from(`group:${organizationId}:${name}`).toString('base64url')}`;
}

export function roleIdOf(role: RoleName): string {
  return BUILT_IN_ROLE_IDS[role];
}

export function guidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
