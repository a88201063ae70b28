import type { Named } from '../views';

/** Plain data about what organizations cost this month, for the `costs` card. */

export interface MeterCost {
  /** As a user reads it: "Basic users", "Microsoft-hosted parallel jobs", "Artifacts storage". */
  readonly meter: string;
  readonly monthlyCents: number;
}

/** What the bill (Azure Cost Management) says, in the paying subscription's billing currency. */
export interface ActualCost {
  /** "USD", "EUR"; empty when nothing has been charged this month yet. */
  readonly currency: string;
  /** Charged so far this month, by meter as the bill names them, largest first. */
  readonly meters: readonly { readonly meter: string; readonly amount: number }[];
  readonly soFar: number;
  /** The actual so far, scaled from the days the bill covers to the whole month: a forecast, not a charge. */
  readonly forecast: number;
  /** The last day of the month the bill covers (it lags by some hours); 0 when it has no charges yet. */
  readonly throughDay: number;
}

export interface OrganizationCost {
  readonly organization: Named;
  /** Absent when billing is not set up: the organization is on the free tier. */
  readonly billedBy?: Named;
  /** False when the directory does not say what the organization uses. */
  readonly usageKnown: boolean;
  /** The list-price estimate by meter (also when `actual` is there: the card then shows the actual). */
  readonly meters: readonly MeterCost[];
  readonly monthlyCents: number;
  readonly soFarCents: number;
  /** The other organizations whose users are billed together with these (multi-organization billing). */
  readonly sharedWith: readonly string[];
  /** The bill's own figures, where the bill could be read. */
  readonly actual?: ActualCost;
  /** Where the bill was asked for but could not be read: why, and what to do; the estimate stands in. */
  readonly estimateBecause?: string;
}

export interface SubscriptionCost {
  readonly subscription: Named;
  readonly organizations: readonly string[];
  /** The list-price estimate of the organizations shown without actual costs; absent when every one has them. */
  readonly estimate?: { readonly organizations: readonly string[]; readonly soFarCents: number; readonly forecastCents: number };
  /** The actual costs of the others, one entry per billing currency (a subscription bills in one). */
  readonly actual: readonly { readonly currency: string; readonly organizations: readonly string[]; readonly soFar: number; readonly forecast: number }[];
}

export interface CostsReport {
  /** "December 2026". */
  readonly month: string;
  readonly dayOfMonth: number;
  readonly daysInMonth: number;
  readonly organizations: readonly OrganizationCost[];
  readonly subscriptions: readonly SubscriptionCost[];
  /** Organizations not shown, with why (say, the caller only belongs to them). */
  readonly hidden: readonly { readonly name: string; readonly reason: string }[];
}
