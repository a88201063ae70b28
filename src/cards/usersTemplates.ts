import accessModelJson from '../../cards/accessModel.json';
import usersJson from '../../cards/users.json';
import usersConfirmJson from '../../cards/usersConfirm.json';
import usersOrganizationPickerJson from '../../cards/usersOrganizationPicker.json';
import { template } from './render';
import type { Choice, Fact, OrganizationPickerData } from './templates';

/** The data each `users` card template binds; one interface per card. */

export type UsersOrganizationPickerData = OrganizationPickerData;

export interface UsersCardData {
  readonly title: string;
  readonly intro: string;
  readonly facts: readonly Fact[];
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
  /** Empty when there is no list of inactive users to show. */
  readonly inactiveHeading: string;
  readonly inactiveIntro: string;
  /** The inactive users the viewer may tick; empty for a viewer who may not change access levels. */
  readonly choices: readonly Choice[];
  /** Comma-separated ids ticked on this page. */
  readonly ticked: string;
  /** Inactive users shown without a tick box, with why. */
  readonly readOnly: readonly { readonly name: string; readonly details: string }[];
  readonly problems: readonly string[];
  readonly pageNote: string;
  /** -1 when there is no such page. */
  readonly previousPage: number;
  readonly nextPage: number;
  readonly footnote: string;
  readonly flowId: string;
}

export interface UsersConfirmData {
  readonly title: string;
  readonly summary: string;
  readonly people: readonly Fact[];
  readonly estimate: string;
  readonly effect: string;
  readonly footnote: string;
  readonly confirmTitle: string;
  readonly flowId: string;
}

/** "buy users": how users are billed today, and the way to `users`. */
export interface AccessModelData {
  readonly title: string;
  readonly paragraphs: readonly string[];
  readonly levels: readonly Fact[];
}

export const accessModelTemplate = template<AccessModelData>('access model', accessModelJson);
export const usersOrganizationPickerTemplate = template<UsersOrganizationPickerData>('users organization picker', usersOrganizationPickerJson);
export const usersTemplate = template<UsersCardData>('users', usersJson);
export const usersConfirmTemplate = template<UsersConfirmData>('users confirmation', usersConfirmJson);
