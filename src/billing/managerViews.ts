import type { ManagerRole } from '../domain/changeEvent';
import type { ManagerFlowKind } from '../domain/model';
import type { NotificationPlan } from './notify/plan';
import type { ReachView } from './managers/reach';
import type { Named } from './views';

/** Plain data for the billing-manager flows and the `managers` list. No Teams types. */

export interface ManagerFlowView {
  readonly id: string;
  readonly kind: ManagerFlowKind;
  readonly expiresAt: string;
}

export interface ManagerOrganizationOption extends Named {
  readonly selectable: boolean;
  readonly reason?: string;
}

export interface ManagerOrganizationStep {
  readonly flow: ManagerFlowView;
  readonly organizations: readonly ManagerOrganizationOption[];
}

export interface PersonOption extends Named {
  readonly email: string;
  readonly roles: readonly ManagerRole[];
  /** A guest of the tenant, and whether they accepted the invitation. */
  readonly guest?: 'accepted' | 'invitation-pending';
}

export interface ManagerPersonStep {
  readonly flow: ManagerFlowView;
  readonly organization: Named;
  readonly subscription: Named;
  readonly tenant: Named;
  readonly filter: string;
  /** At most MAX_PEOPLE_SHOWN of those matching the filter. */
  readonly people: readonly PersonOption[];
  readonly matching: number;
  /** People shown but not offered, each with the reason (say, already a manager). */
  readonly unavailable: readonly { readonly name: string; readonly reason: string }[];
  /** Why nobody can be picked, when nobody can. */
  readonly emptyReason?: string;
  /** More people are found by searching as one types (the card's typeahead) than are listed. */
  readonly searchable?: boolean;
}

export interface ManagerRoleStep {
  readonly flow: ManagerFlowView;
  readonly organization: Named;
  readonly subscription: Named;
  readonly person: Named;
}

export interface ManagerConfirmStep {
  readonly flow: ManagerFlowView;
  readonly organization: Named;
  readonly subscription: Named;
  readonly person: Named;
  /** Added: the one role granted. Removed: every billing role taken away. */
  readonly roles: readonly ManagerRole[];
  readonly self: boolean;
}

export interface ManagerChange extends ManagerConfirmStep {
  readonly by: Named;
  readonly at: string;
  readonly notifications: NotificationPlan | undefined;
  /** The billing managers after the change. */
  readonly managers: readonly Named[];
}

export interface ManagerView {
  readonly person: Named;
  /** Absent in a shared conversation. */
  readonly email?: string;
  readonly roles: readonly ManagerRole[];
  /** How the roles are held when not given to the person directly: through a group, or a role of another name. */
  readonly roleNotes?: readonly string[];
  /** Set billing up: the primary billing manager. */
  readonly primary: boolean;
  /** Present when the bot added this manager. */
  readonly addedBy?: Named;
  readonly addedAt?: string;
  /** Shown only to project collection administrators and billing managers. */
  readonly reach?: ReachView;
}

export interface OrganizationManagers {
  readonly organization: Named;
  readonly linked: boolean;
  readonly subscription?: Named;
  readonly managers: readonly ManagerView[];
  /** The caller may add and remove managers here. */
  readonly canChange: boolean;
  readonly warnings: readonly string[];
  /** Set when the organization could not be read: why, and what to do. */
  readonly unreadable?: string;
}

export function singleManagerWarning(organizationName: string, manager: string): string {
  return `Only ${manager} can manage billing of ${organizationName}. Add a backup billing manager, so that billing survives them leaving.`;
}
