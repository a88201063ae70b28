/**
 * What changed, as the people who manage billing are told about it. Recorded in the state in the same
 * write as the change itself, so that a crash right after the change cannot lose the notifications.
 * Plain data: names are resolved when the change is made, so a later rename does not rewrite history.
 */

export interface NamedRef {
  readonly id: string;
  readonly name: string;
}

export type ChangeKind =
  | 'billing.setup'
  | 'billing.change'
  | 'billing.remove'
  | 'quantities.change'
  | 'manager.add'
  | 'manager.remove'
  | 'access.change';

interface ChangeEventBase {
  /** Unique per change; with a recipient it forms the dedupe key of a notification. */
  readonly id: string;
  readonly organization: NamedRef;
  readonly actor: NamedRef;
  readonly at: string;
}

export interface BillingLinkEvent extends ChangeEventBase {
  readonly kind: 'billing.setup' | 'billing.change' | 'billing.remove';
  /** The subscription that paid before; absent for a first set-up. */
  readonly from?: NamedRef;
  /** The subscription that pays now; absent after a removal. */
  readonly to?: NamedRef;
  /**
   * Paid quantities changed in the same act: a first purchase made with the set-up, or the fall to
   * the free tier with the removal. Absent when none changed.
   */
  readonly quantities?: RecordedQuantities;
}

export interface QuantityChange {
  /** What is bought, as people say it: "Basic users", "Microsoft-hosted parallel jobs". */
  readonly what: string;
  readonly from: string;
  readonly to: string;
}

/** A change of paid quantities as it is told: the meters that changed, and the monthly estimate. */
export interface RecordedQuantities {
  readonly changes: readonly QuantityChange[];
  /** The list-price estimate a month before and after, in US cents. */
  readonly monthlyCents?: { readonly from: number; readonly to: number };
}

export interface QuantitiesEvent extends ChangeEventBase, RecordedQuantities {
  readonly kind: 'quantities.change';
  readonly subscription: NamedRef;
}

export type ManagerRole = 'Owner' | 'Contributor';

export interface ManagerEvent extends ChangeEventBase {
  readonly kind: 'manager.add' | 'manager.remove';
  readonly subscription: NamedRef;
  /** The person who became, or stopped being, a billing manager. */
  readonly person: NamedRef;
  /** For an addition, the role granted; for a removal, the roles taken away. */
  readonly roles: readonly ManagerRole[];
}

/** Users of an organization made Stakeholders, so that they stop costing money. */
export interface AccessEvent extends ChangeEventBase {
  readonly kind: 'access.change';
  /** The subscription that pays for the organization; absent when billing is not set up (nobody to tell). */
  readonly subscription?: NamedRef;
  /** Who became a Stakeholder, and the paid level each had before. */
  readonly people: readonly { readonly id: string; readonly name: string; readonly from: string }[];
  /** The list-price estimate of the organization's users a month before and after, in US cents. */
  readonly monthlyCents: { readonly from: number; readonly to: number };
}

export type ChangeEvent = BillingLinkEvent | QuantitiesEvent | ManagerEvent | AccessEvent;

/** The subscriptions whose billing managers hear about a change. */
export function subscriptionsConcerned(event: ChangeEvent): NamedRef[] {
  switch (event.kind) {
    case 'billing.setup':
    case 'billing.change':
    case 'billing.remove':
      return [event.from, event.to].filter((s): s is NamedRef => s !== undefined);
    case 'quantities.change':
    case 'manager.add':
    case 'manager.remove':
      return [event.subscription];
    case 'access.change':
      return event.subscription ? [event.subscription] : [];
  }
}
