import type { StateStore } from '../store/port';
import type { BillingLink } from '../store/state';
import { linkMatches, type BillingLinkOutcome, type BillingLinkPort, type BillingLinkRequest, type BillingLinkTarget, type CurrentBillingLink } from './port';

/**
 * Billing links kept in the bot's state file: the truth for the local directory, where no service
 * holds them. A request is applied at once, in one atomic write.
 */
export class StateBillingLinks implements BillingLinkPort {
  constructor(private readonly store: StateStore) {}

  async current(organization: { readonly id: string }): Promise<CurrentBillingLink | undefined> {
    return toCurrent(this.store.read().links[organization.id]);
  }

  async request(request: BillingLinkRequest): Promise<BillingLinkOutcome> {
    const current = await this.store.update((state) => {
      const previous = state.links[request.organization.id];
      if (!request.subscription) {
        delete state.links[request.organization.id];
        return undefined;
      }
      const next: BillingLink = previous
        ? { ...previous, subscriptionId: request.subscription.id, changedBy: request.requestedBy, changedAt: request.at }
        : { organizationId: request.organization.id, subscriptionId: request.subscription.id, linkedBy: request.requestedBy, linkedAt: request.at };
      state.links[request.organization.id] = next;
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
