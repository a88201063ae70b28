import type { Named } from '../views';

/** Plain data about what organizations cost this month, for the `costs` card. */

export interface MeterCost {
  /** As a user reads it: "Basic users", "Microsoft-hosted parallel jobs", "Artifacts storage". */
  readonly meter: string;
  readonly monthlyCents: number;
}

export interface OrganizationCost {
  readonly organization: Named;
  /** Absent when billing is not set up: the organization is on the free tier. */
  readonly billedBy?: Named;
  /** False when the directory does not say what the organization uses. */
  readonly usageKnown: boolean;
  readonly meters: readonly MeterCost[];
  readonly monthlyCents: number;
  readonly soFarCents: number;
  /** The other organizations whose users are billed together with these (multi-organization billing). */
  readonly sharedWith: readonly string[];
}

export interface SubscriptionCost {
  readonly subscription: Named;
  readonly organizations: readonly string[];
  readonly soFarCents: number;
  readonly forecastCents: number;
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
