import type { BillingLinkWrites } from '../../config';
import { linkMatches, type BillingLinkOutcome, type BillingLinkPort, type BillingLinkRequest, type BillingLinkTarget, type CurrentBillingLink } from '../../domain/ports/billingLinks';
import type { BillingSetupClient } from './billingSetup';

/**
 * Billing links as Azure DevOps holds them, read from the organization's billing setup. Microsoft
 * publishes no API to write them, so by default the user makes the change on the organization's
 * Billing settings page (a deep link with the exact choice to make) and the bot reads it back. With
 * AZURE_BILLING_WRITES=api the bot writes through the same internal endpoint the page uses, and
 * still believes only what it reads back.
 */
export class AzureBillingLinks implements BillingLinkPort {
  constructor(
    private readonly billingSetup: BillingSetupClient,
    private readonly writes: BillingLinkWrites,
    private readonly devOpsWeb: string,
  ) {}

  async current(organization: { readonly id: string; readonly name: string }): Promise<CurrentBillingLink | undefined> {
    const setup = await this.billingSetup.read(organization);
    if (!setup.subscriptionId) return undefined;
    return {
      organizationId: organization.id,
      subscriptionId: setup.subscriptionId,
      ...(setup.updatedBy ? { updatedBy: setup.updatedBy } : {}),
      ...(setup.updatedAt ? { updatedAt: setup.updatedAt.toISOString() } : {}),
    };
  }

  async request(request: BillingLinkRequest): Promise<BillingLinkOutcome> {
    const manual = this.manualChange(request);
    if (manual) return { status: 'action-required', ...manual };
    if (request.subscription) {
      await this.billingSetup.write(request.organization, request.subscription.id, request.subscription.tenantId);
    } else {
      await this.billingSetup.remove(request.organization);
    }
    const { done, current } = await this.check(request);
    if (done) return { status: 'applied', current };
    return {
      status: 'not-applied',
      current,
      message: `Azure DevOps accepted the change, but ${request.organization.name}'s billing settings still show ${current ? `subscription ${current.subscriptionId}` : 'no subscription'}. Open ${this.settingsUrl(request.organization.name)} to check, and make the change there if needed.`,
    };
  }

  async check(target: BillingLinkTarget): Promise<{ done: boolean; current: CurrentBillingLink | undefined }> {
    const current = await this.current(target.organization);
    return { done: linkMatches(target, current), current };
  }

  manualChange(target: BillingLinkTarget): { url: string; instruction: string } | undefined {
    if (this.writes === 'api') return undefined;
    return { url: this.settingsUrl(target.organization.name), instruction: instructionFor(target) };
  }

  /** The organization's Billing settings page. */
  settingsUrl(organizationName: string): string {
    return `${this.devOpsWeb}/${encodeURIComponent(organizationName)}/_settings/billing`;
  }
}

function instructionFor(request: BillingLinkTarget): string {
  const org = request.organization.name;
  if (!request.subscription) {
    return `In ${org}'s Billing settings, choose "Remove billing" and confirm. Then come back and press "Check again".`;
  }
  const { name, id } = request.subscription;
  return `In ${org}'s Billing settings, choose "Set up billing" (or "Change billing" if another subscription pays now), select the subscription "${name}" (${id}) and save. Then come back and press "Check again".`;
}
