/**
 * The billing link (organization → paying subscription) where it truly lives: the bot's own state
 * for the local directory, the organization's billing settings in Azure DevOps for DIRECTORY=azure.
 */

export interface CurrentBillingLink {
  readonly organizationId: string;
  readonly subscriptionId: string;
  /** Who set it up or last changed it, as the source records them (an Entra object id locally, an Azure DevOps identity id in Azure). */
  readonly updatedBy?: string;
  readonly updatedAt?: string;
}

/** What the organization's billing should become. No subscription means: billing removed. */
export interface BillingLinkTarget {
  readonly organization: { readonly id: string; readonly name: string };
  readonly subscription?: { readonly id: string; readonly name: string; readonly tenantId: string };
}

export interface BillingLinkRequest extends BillingLinkTarget {
  /** The Entra object id of the user who asks for the change. */
  readonly requestedBy: string;
  readonly at: string;
}

export type BillingLinkOutcome =
  /** Made, and reading it back shows it. */
  | { readonly status: 'applied'; readonly current: CurrentBillingLink | undefined }
  /** The bot may not make it: the user does it at `url`, as `instruction` says, then asks the bot to check. */
  | { readonly status: 'action-required'; readonly url: string; readonly instruction: string }
  /** A write was accepted but reading back shows something else; `message` says what. */
  | { readonly status: 'not-applied'; readonly current: CurrentBillingLink | undefined; readonly message: string };

export interface BillingLinkPort {
  /** The link as it is now, read fresh; undefined when billing is not set up. */
  current(organization: { readonly id: string; readonly name: string }): Promise<CurrentBillingLink | undefined>;
  /** Asks for the organization to be billed as `request` says. */
  request(request: BillingLinkRequest): Promise<BillingLinkOutcome>;
  /** "Check again": reads the link back and says whether it is now as `target` wants. */
  check(target: BillingLinkTarget): Promise<{ readonly done: boolean; readonly current: CurrentBillingLink | undefined }>;
  /** Where and how a person makes the change by hand; undefined when the bot makes it itself. */
  manualChange(target: BillingLinkTarget): { readonly url: string; readonly instruction: string } | undefined;
}

/** Whether `current` is what `target` asks for. */
export function linkMatches(target: BillingLinkTarget, current: CurrentBillingLink | undefined): boolean {
  if (!target.subscription) return current === undefined;
  return current !== undefined && current.subscriptionId.toLowerCase() === target.subscription.id.toLowerCase();
}
