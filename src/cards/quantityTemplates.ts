import quantitiesJson from '../../cards/quantities.json';
import quantitiesConfirmJson from '../../cards/quantitiesConfirm.json';
import quantitiesOrganizationPickerJson from '../../cards/quantitiesOrganizationPicker.json';
import { template } from './render';
import type { Fact, OrganizationPickerData } from './templates';

/** The data each paid-quantities card template binds; one interface per card. */

/** The organization step looks and binds exactly like set-up's. */
export type QuantitiesOrganizationPickerData = OrganizationPickerData;

export interface QuantitiesCardData {
  readonly title: string;
  readonly step: string;
  readonly facts: readonly Fact[];
  /** Empty when the organization already has billing. */
  readonly firstPurchaseNote: string;
  readonly problems: readonly string[];
  readonly intro: string;
  readonly meters: readonly {
    readonly id: string;
    readonly name: string;
    readonly details: string;
    readonly label: string;
    readonly max: number;
    readonly value: number;
    readonly errorMessage: string;
  }[];
  readonly artifactsDetails: string;
  /** Empty when there is nothing to warn about. */
  readonly artifactsWarning: string;
  readonly artifactsValue: string;
  /** How users are billed, and user seats of an earlier version explained once. */
  readonly notes: readonly string[];
  readonly estimate: string;
  readonly footnote: string;
  readonly flowId: string;
}

export interface QuantitiesConfirmData {
  readonly title: string;
  readonly step: string;
  readonly facts: readonly Fact[];
  readonly changes: readonly Fact[];
  readonly estimate: string;
  /** Empty when nothing goes down. */
  readonly reduction: string;
  readonly footnote: string;
  readonly flowId: string;
}

export const quantitiesOrganizationPickerTemplate = template<QuantitiesOrganizationPickerData>('quantities organization picker', quantitiesOrganizationPickerJson);
export const quantitiesTemplate = template<QuantitiesCardData>('quantities', quantitiesJson);
export const quantitiesConfirmTemplate = template<QuantitiesConfirmData>('quantities confirmation', quantitiesConfirmJson);
