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

/** An organization as the local directory file describes it: who belongs to it, and what it uses. */
export interface OrganizationEntry extends Organization {
  readonly usage?: OrganizationUsage;
}

/** The whole local directory file. */
export interface DirectoryFile {
  readonly tenants: readonly Tenant[];
  readonly users: readonly DirectoryUser[];
  readonly organizations: readonly OrganizationEntry[];
  readonly subscriptions: readonly Subscription[];
  readonly roleAssignments: readonly RoleAssignment[];
}

/** What a user may use in an organization (BILLING.md, "How Azure DevOps bills today"). */
export type AccessLevel = 'stakeholder' | 'basic' | 'basicTestPlans';
/** `msdn`: the access comes with the user's Visual Studio subscription and is never billed. */
export type LicensingSource = 'account' | 'msdn';
/** `groupRule`: a group rule gives the access level; it is billed from the user's first sign-in. */
export type AssignedBy = 'direct' | 'groupRule';
/** `multiOrg`: the organizations of one subscription bill each user once and share the free five. */
export type BillingMode = 'singleOrg' | 'multiOrg';
/** `free`: Artifacts turns read-only above the free 2 GiB; `payAsYouGo`: usage above it is billed. */
export type ArtifactsUsageLimit = 'free' | 'payAsYouGo';

export const ACCESS_LEVELS: readonly AccessLevel[] = ['stakeholder', 'basic', 'basicTestPlans'];
export const LICENSING_SOURCES: readonly LicensingSource[] = ['account', 'msdn'];
export const ASSIGNED_BY: readonly AssignedBy[] = ['direct', 'groupRule'];
export const BILLING_MODES: readonly BillingMode[] = ['singleOrg', 'multiOrg'];
export const ARTIFACTS_USAGE_LIMITS: readonly ArtifactsUsageLimit[] = ['free', 'payAsYouGo'];

/** One user's access to one organization, as the user entitlements API reports it. */
export interface Entitlement {
  readonly userId: string;
  readonly accessLevel: AccessLevel;
  readonly licensingSource: LicensingSource;
  readonly assignedBy: AssignedBy;
  /** When the access level was assigned; absent when not known. */
  readonly assigned?: string;
  /** The last sign-in; null when the user has never signed in. */
  readonly lastAccessed: string | null;
}

/** The paid parallel jobs, on top of the free grant. */
export interface ParallelJobs {
  readonly microsoftHosted: number;
  readonly selfHosted: number;
}

export interface ArtifactsUsage {
  readonly usedGiB: number;
  readonly usageLimit: ArtifactsUsageLimit;
}

/**
 * What an organization uses and who in it is billed. Every part is optional: a directory that does
 * not know one says so rather than guess ("usage not known").
 */
export interface OrganizationUsage {
  readonly billingMode?: BillingMode;
  readonly entitlements?: readonly Entitlement[];
  readonly parallelJobs?: ParallelJobs;
  readonly artifacts?: ArtifactsUsage;
}

/** An access level the bot set, laid over what the directory file says. */
export interface AccessLevelChange {
  readonly organizationId: string;
  readonly userId: string;
  readonly accessLevel: AccessLevel;
  readonly changedBy: string;
  readonly changedAt: string;
}
