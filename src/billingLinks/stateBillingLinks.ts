import type { Store } from '../domain/ports/store';
import type { BillingLink } from '../domain/model';
import { linkMatches, type BillingLinkOutcome, type BillingLinkPort, type BillingLinkRequest, type BillingLinkTarget, type CurrentBillingLink } from '../domain/ports/billingLinks';

/**
 * Billing links kept in the bot's state file: the truth for the local directory, where no service
 * holds them. A request is applied at once, in one atomic write.
 */
export class StateBillingLinks implements BillingLinkPort {
  constructor(private readonly store: Store) {}

  async current(organization: { readonly id: string }): Promise<CurrentBillingLink | undefined> {
    return toCurrent(await this.store.read((tx) => tx.links.get(organization.id)));
  }

  async request(request: BillingLinkRequest): Promise<BillingLinkOutcome> {
    const current = await this.store.transaction(async (tx) => {
      const previous = await tx.links.get(request.organization.id);
      if (!request.subscription) {
        await tx.links.delete(request.organization.id);
        return undefined;
      }
      const next: BillingLink = previous
        ? { ...previous, subscriptionId: request.subscription.id, changedBy: request.requestedBy, changedAt: request.at, previousSubscriptionId: previous.subscriptionId }
        : { organizationId: request.organization.id, subscriptionId: request.subscription.id, linkedBy: request.requestedBy, linkedAt: request.at };
      await tx.links.put(next);
      return toCurrent(next);
    });
    return { status: 'applied', current };
  }

  async check(target: BillingLinkTarget): Promise<{ done: boolean; current: CurrentBillingLink | undefined }> {
    const current = await this.current(target.organization);
    return { done: linkMatches(target, current), current };
  }

  manualChange(): undefined {
    return undefined;
  }
}

function toCurrent(link: BillingLink | undefined): CurrentBillingLink | undefined {
  if (!link) return undefined;
  return {
    organizationId: link.organizationId,
    subscriptionId: link.subscriptionId,
    updatedBy: link.changedBy ?? link.linkedBy,
    updatedAt: link.changedAt ?? link.linkedAt,
  };
}
