/**
 * Who is who: the facts the directory answers. Field names follow the local directory file format
 * (DESIGN.md) so that a file and the Azure backend describe the world the same way.
 */

/** `Unknown`: Azure reported a state this version does not know; `reportedState` holds it as reported. */
export type SubscriptionState = 'Enabled' | 'Disabled' | 'Deleted' | 'PastDue' | 'Warned' | 'Unknown';
/** `NotKnown`: Azure did not say (the field was missing), which is not the same as no limit. */
export type SpendingLimit = 'On' | 'Off' | 'CurrentPeriodOff' | 'NotKnown';
export type RoleName = 'Owner' | 'Contributor' | 'Reader' | 'User Access Administrator';

export const ROLE_NAMES: readonly RoleName[] = ['Owner', 'Contributor', 'Reader', 'User Access Administrator'];
/** The states and spending limits Azure reports, and a directory file may give. */
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
  /** A guest of the tenant (invited from elsewhere): 'invitation-pending' until they accept; 'accepted' once they have, or when the directory does not say. */
  readonly guest?: 'accepted' | 'invitation-pending';
}

export interface Organization {
  readonly id: string;
  readonly name: string;
  readonly tenantId: string;
  readonly ownerId: string;
  readonly projectCollectionAdministrators: readonly string[];
  readonly members: readonly string[];
  /** For administrators who are one through a group: the group that makes them one, by user id. */
  readonly administratorGroups?: Readonly<Record<string, string>>;
  /** Set when the directory could not read the organization's details: why, and what to do. */
  readonly unreadable?: string;
}

export interface Subscription {
  readonly id: string;
  readonly displayName: string;
  readonly tenantId: string;
  readonly state: SubscriptionState;
  /** The state as Azure reported it, when it is one this version does not know (state is then `Unknown`). */
  readonly reportedState?: string;
  readonly quotaId: string;
  readonly spendingLimit: SpendingLimit;
}

export interface RoleAssignment {
  readonly subscriptionId: string;
  readonly principalId: string;
  /** The built-in role, or for another role definition the built-in one its permissions amount to. */
  readonly role: RoleName;
  /** The role definition's own name when it is not the built-in `role` (a custom role, say). */
  readonly definitionName?: string;
  /** The group the principal holds the role through, when it is not given to them directly. */
  readonly throughGroup?: string;
}

/** The whole local directory file. */
export interface DirectoryFile {
  readonly tenants: readonly Tenant[];
  readonly users: readonly DirectoryUser[];
  readonly organizations: readonly Organization[];
  readonly subscriptions: readonly Subscription[];
  readonly roleAssignments: readonly RoleAssignment[];
}
