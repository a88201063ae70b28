import { confirmPurchase } from './purchases/confirmPurchase';
import { purchaseContext, type PurchaseContext, type PurchaseDeps } from './purchases/purchaseContext';
import { cancelPurchase, choosePurchaseOrganization, editPurchase, reviewPurchase, startPurchase } from './purchases/purchaseFlow';
import { useCaseGroup, type UseCaseGroup } from './useCaseGroup';

export { BUY_COMMAND } from './purchases/purchaseContext';
export type { ReviewAnswer } from './purchases/purchaseFlow';

/** The purchase use cases (BILLING.md: paid quantities); each lives in its own module under purchases/. */
const PURCHASE_USE_CASES = {
  start: startPurchase,
  chooseOrganization: choosePurchaseOrganization,
  review: reviewPurchase,
  edit: editPurchase,
  confirm: confirmPurchase,
  cancel: cancelPurchase,
};

export type QuantitiesService = UseCaseGroup<PurchaseContext, typeof PURCHASE_USE_CASES>;

export function createQuantitiesService(deps: PurchaseDeps): QuantitiesService {
  return useCaseGroup(purchaseContext(deps), PURCHASE_USE_CASES);
}
