import changeNotificationJson from '../../cards/changeNotification.json';
import managerConfirmJson from '../../cards/managerConfirm.json';
import managerOrganizationPickerJson from '../../cards/managerOrganizationPicker.json';
import managerPersonPickerJson from '../../cards/managerPersonPicker.json';
import managerRolePickerJson from '../../cards/managerRolePicker.json';
import managersJson from '../../cards/managers.json';
import managerWelcomeJson from '../../cards/managerWelcome.json';
import { template } from './render';
import type { Choice, Fact, OrganizationPickerData } from './templates';

/** The data of the billing-manager cards and the notification cards; one interface per card. */

export interface ManagersCardData {
  readonly intro: string;
  readonly organizations: readonly {
    readonly id: string;
    readonly name: string;
    readonly headline: string;
    readonly managers: readonly { readonly title: string; readonly lines: readonly string[] }[];
    readonly warnings: readonly string[];
    readonly canChange: boolean;
  }[];
}

/** The organization step looks and binds exactly like set-up's. */
export type ManagerOrganizationPickerData = OrganizationPickerData;

export interface ManagerPersonPickerData {
  readonly title: string;
  readonly step: string;
  readonly facts: readonly Fact[];
  readonly prompt: string;
  readonly flowId: string;
  readonly showFilter: boolean;
  readonly filter: string;
  readonly choiceStyle: 'expanded' | 'compact';
  readonly defaultChoice: string;
  readonly choices: readonly Choice[];
  /** Teams searches people as the user types (an `application/search` invoke for `dataset`). */
  readonly searchable: boolean;
  readonly dataset: string;
  readonly unavailableHeading: string;
  readonly unavailable: readonly { readonly name: string; readonly reason: string }[];
}

export interface ManagerRolePickerData {
  readonly title: string;
  readonly step: string;
  readonly facts: readonly Fact[];
  readonly prompt: string;
  readonly flowId: string;
  readonly choices: readonly Choice[];
}

export interface ManagerConfirmData {
  readonly title: string;
  readonly step: string;
  readonly facts: readonly Fact[];
  readonly summary: string;
  readonly warning: string;
  readonly confirmTitle: string;
  readonly confirmStyle: 'positive' | 'destructive';
  readonly flowId: string;
}

export interface ChangeNotificationData {
  readonly title: string;
  readonly summary: string;
  readonly facts: readonly Fact[];
  readonly why: string;
  readonly organizationId: string;
}

export interface ManagerWelcomeData {
  readonly title: string;
  readonly why: string;
  readonly facts: readonly Fact[];
  readonly abilities: readonly Fact[];
  readonly footer: string;
  readonly organizationId: string;
}

export const managersTemplate = template<ManagersCardData>('billing managers', managersJson);
export const managerOrganizationPickerTemplate = template<ManagerOrganizationPickerData>('manager organization picker', managerOrganizationPickerJson);
export const managerPersonPickerTemplate = template<ManagerPersonPickerData>('manager person picker', managerPersonPickerJson);
export const managerRolePickerTemplate = template<ManagerRolePickerData>('manager role picker', managerRolePickerJson);
export const managerConfirmTemplate = template<ManagerConfirmData>('manager confirmation', managerConfirmJson);
export const changeNotificationTemplate = template<ChangeNotificationData>('change notification', changeNotificationJson);
export const managerWelcomeTemplate = template<ManagerWelcomeData>('manager welcome', managerWelcomeJson);
