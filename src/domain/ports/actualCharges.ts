/**
 * What an organization was really charged this month, where a source of the bill can say so (Azure
 * Cost Management with DIRECTORY=azure). The local directory has no bill: there, `costs` estimates.
 */

export interface ActualMeterCharge {
  /** The meter as the bill names it ("Basic User", "Microsoft-hosted CI/CD"). */
  readonly meter: string;
  /** In `currency`, as billed: not rounded. */
  readonly amount: number;
}

export interface ActualMonthCharges {
  /** The subscription's billing currency, as the bill states it ("USD", "EUR"); empty when nothing was charged yet. */
  readonly currency: string;
  readonly meters: readonly ActualMeterCharge[];
  /** The last day of the month the bill has charges for (the bill lags by some hours); 0 when none. */
  readonly throughDay: number;
}

export interface ActualChargesRequest {
  /** Organizations that one subscription pays for: their bill is read in one go. */
  readonly organizations: readonly { readonly id: string; readonly name: string }[];
  /** The subscription that pays for them. */
  readonly subscriptionId: string;
  /** Charges from the first of `now`'s month (UTC) to the end of its day. */
  readonly now: Date;
}

/** The expected ways of not having the bill are values; `message` is a full sentence for the user. */
export type ActualChargesAnswer =
  /** One entry per organization asked for, by organization id; one without charges has no meters. */
  | { readonly kind: 'actual'; readonly byOrganization: ReadonlyMap<string, ActualMonthCharges> }
  /** The caller may not read the subscription's costs. */
  | { readonly kind: 'no-access'; readonly message: string }
  /** Throttled, failing or unreachable: try again later. */
  | { readonly kind: 'unavailable'; readonly message: string };

export interface ActualChargesPort {
  monthToDate(request: ActualChargesRequest): Promise<ActualChargesAnswer>;
}
