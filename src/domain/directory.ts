/**
 * Who is who: the facts the directory answers. Field names follow the local directory file format
 * (DESIGN.md) so that a file and the Azure backend describe the world the same way.
 */

export type SubscriptionState = 'Enabled' | 'Disabled' | 'Deleted' | 'PastDue' | 'Warned';
export type SpendingLimit = 'On' | 'Off' | 'CurrentPeriodOff';
export type RoleName = 'Owner' | 'Contributor' | 'Reader' | 'User Access Administrator';

export const ROLE_NAMES: readonly RoleName[] = ['Owner', 'Contributor', 'Reader', 'User Access Administrator'];
export const SUBSCRIPTION_STATES: readonly SubscriptionState[] = ['Enabled', 'Disabled', 'Deleted', 'PastDue', 'Warned'];
export const SPENDING_LIMITS: readonly SpendingLimit[] = ['On', 'Off', 'CurrentPeriodOff'];

export interface Tenant {
  readonly id: string;
  readonly displayName: string;
}

export interface DirectoryUser {
  readonly id: string;
  readonly displayName: string;
  readonly email: string;
  readonly tenantId: string;
}

export interface Organization {
  readonly id: string;
  readonly name: string;
  readonly tenantId: string;
  readonly ownerId: string;
  readonly projectCollectionAdministrators: readonly string[];
  readonly members: readonly string[];
}

export interface Subscription {
  readonly id: string;
  readonly displayName: string;
  readonly tenantId: string;
  readonly state: SubscriptionState;
  readonly quotaId: string;
  readonly spendingLimit: SpendingLimit;
}

export interface RoleAssignment {
  readonly subscriptionId: string;
  readonly principalId: string;
  readonly role: RoleName;
}

/** The whole local directory file. */
export interface DirectoryFile {
  readonly tenants: readonly Tenant[];
  readonly users: readonly DirectoryUser[];
  readonly organizations: readonly Organization[];
  readonly subscriptions: readonly Subscription[];
  readonly roleAssignments: readonly RoleAssignment[];
}
