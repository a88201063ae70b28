import confirmJson from '../../cards/confirm.json';
import helpJson from '../../cards/help.json';
import noticeJson from '../../cards/notice.json';
import organizationPickerJson from '../../cards/organizationPicker.json';
import resultJson from '../../cards/result.json';
import statusJson from '../../cards/status.json';
import subscriptionPickerJson from '../../cards/subscriptionPicker.json';
import { template } from './render';

/** The data each card template binds; one interface per card. */

export interface Fact {
  readonly title: string;
  readonly value: string;
}

export interface Choice {
  readonly title: string;
  readonly value: string;
}

export interface HelpCardData {
  readonly title: string;
  readonly intro: string;
  readonly commands: readonly { readonly name: string; readonly description: string }[];
  readonly footer: string;
}

export interface OrganizationPickerData {
  readonly title: string;
  readonly step: string;
  readonly prompt: string;
  readonly flowId: string;
  readonly choiceStyle: 'expanded' | 'compact';
  readonly defaultChoice: string;
  readonly choices: readonly Choice[];
  readonly unavailableHeading: string;
  readonly unavailable: readonly { readonly name: string; readonly reason: string }[];
}

export interface SubscriptionPickerData {
  readonly title: string;
  readonly step: string;
  readonly facts: readonly Fact[];
  readonly prompt: string;
  readonly flowId: string;
  readonly choiceStyle: 'expanded' | 'compact';
  readonly defaultChoice: string;
  readonly choices: readonly Choice[];
  readonly unavailable: readonly { readonly name: string; readonly problems: readonly { readonly reason: string; readonly fix: string }[] }[];
}

export interface ConfirmCardData {
  readonly title: string;
  readonly step: string;
  readonly facts: readonly Fact[];
  readonly summary: string;
  /** Empty when there is nothing to warn about. */
  readonly warning: string;
  /** The statement the user must tick; empty when no tick is needed. */
  readonly acknowledgement: string;
  readonly confirmTitle: string;
  readonly confirmStyle: 'positive' | 'destructive';
  readonly flowId: string;
}

export interface ResultCardData {
  readonly title: string;
  readonly facts: readonly Fact[];
  readonly summary: string;
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
  /** Shows "Add a backup billing manager" for this organization; empty for none. */
  readonly addManagerOrganizationId: string;
}

export interface StatusCardData {
  readonly intro: string;
  readonly organizations: readonly {
    readonly name: string;
    readonly headline: string;
    readonly facts: readonly Fact[];
    readonly warnings: readonly string[];
    /** Shows "Add a backup billing manager" for this organization; empty for none. */
    readonly addManagerOrganizationId: string;
  }[];
}

export interface NoticeCardData {
  readonly title: string;
  readonly message: string;
}

export const helpTemplate = template<HelpCardData>('help', helpJson);
export const organizationPickerTemplate = template<OrganizationPickerData>('organization picker', organizationPickerJson);
export const subscriptionPickerTemplate = template<SubscriptionPickerData>('subscription picker', subscriptionPickerJson);
export const confirmTemplate = template<ConfirmCardData>('confirmation', confirmJson);
export const resultTemplate = template<ResultCardData>('result', resultJson);
export const statusTemplate = template<StatusCardData>('status', statusJson);
export const noticeTemplate = template<NoticeCardData>('notice', noticeJson);
