import { checkAgain, confirmLink } from './links/confirmLink';
import { linkContext, type LinkContext, type LinkDeps } from './links/linkContext';
import { cancelLinkFlow, chooseOrganization, chooseSubscription, startFirstPurchase, startLinkFlow } from './links/linkFlow';
import { status } from './links/status';
import { useCaseGroup, type UseCaseGroup } from './useCaseGroup';

/** The billing-link use cases (BILLING.md: set up, change and remove billing, and status); each lives in its own module under links/. */
const LINK_USE_CASES = {
  startFlow: startLinkFlow,
  startFirstPurchase,
  chooseOrganization,
  chooseSubscription,
  confirm: confirmLink,
  checkAgain,
  cancel: cancelLinkFlow,
  status,
};

export type BillingService = UseCaseGroup<LinkContext, typeof LINK_USE_CASES>;

export function createBillingService(deps: LinkDeps): BillingService {
  return useCaseGroup(linkContext(deps), LINK_USE_CASES);
}
