import type { Caller } from '../../domain/caller';
import type { QuantitiesEvent } from '../../domain/changeEvent';
import type { Organization } from '../../domain/directory';
import { Refused, success, type Outcome, type Problem } from '../../domain/outcome';
import { toldAfterCommit } from '../notify/managerNotices';
import { describeChange, paidQuantitiesOf, recordedQuantities, sameQuantities, writeQuantitiesIn } from '../quantities';
import type { QuantitiesChanged } from '../quantitiesViews';
import { named, namedUser, mutation } from '../serviceSupport';
import { billedBy, paymentProblem } from './purchaseAccess';
import { BUY_COMMAND, type PurchaseContext } from './purchaseContext';
import { loadWithTarget, quantitiesReviewed } from './purchaseFlow';

/**
 * Makes the change the confirmation showed, after checking every rule again with fresh data, in one
 * transaction: the quantities, their audit entry, the completed purchase and the outbox entries that
 * tell the other billing managers.
 */
export async function confirmPurchase(context: PurchaseContext, caller: Caller, flowId: string): Promise<Outcome<QuantitiesChanged>> {
  const loaded = await loadWithTarget(context, caller, flowId, quantitiesReviewed);
  if (!loaded.ok) return loaded;
  const { directory, user, flow, target } = loaded.value;
  const { requested, basedOn } = flow;
  const { organization, link } = target;
  if (!link) return { ok: false, problem: billingChangedMeanwhile(organization) };
  const cannotPay = paymentProblem(target, basedOn, requested);
  if (cannotPay) return { ok: false, problem: cannotPay };
  const at = context.now().toISOString();
  const subscription = billedBy(target);
  const eventId = context.newId();
  const announced = { id: eventId, kind: 'quantities.change', organization: named(organization), subscription, actor: namedUser(user), at } as const;
  const notice = await context.notices.prepare(directory, { ...announced, changes: [] });

  const saved = await mutation(
    () =>
      context.store.transaction(async (tx) => {
        const current = await context.flows.openIn(tx, caller, flowId, user.displayName);
        // Decided from the store at the moment of writing: billing or the quantities may have
        // changed since the confirmation was shown, and then it no longer says what would happen.
        if ((await tx.links.get(organization.id))?.subscriptionId !== link.subscriptionId) throw new Refused(billingChangedMeanwhile(organization));
        if (!sameQuantities(paidQuantitiesOf(await tx.quantities.get(organization.id)), basedOn)) {
          throw new Refused({
            code: 'quantities-changed',
            message: `Someone changed the paid quantities of ${organization.name} while you were deciding, so nothing was changed. Type "${BUY_COMMAND}" to see them now and choose again.`,
          });
        }
        const from = await writeQuantitiesIn(tx, { organizationId: organization.id, to: requested, actorId: user.id, at, action: 'quantities.change', auditId: eventId });
        await context.flows.finishIn(tx, current, 'completed', `the paid quantities of ${organization.name} were changed`);
        const change = describeChange(from, requested, context.prices);
        const event: QuantitiesEvent = { ...announced, ...recordedQuantities(change) };
        const queued = await context.notices.queueIn(tx, event, notice, at);
        return { change, event, queued };
      }),
    context.reportError,
  );
  if (!saved.ok) return saved;
  const notifications = await toldAfterCommit(context.notices, saved.value.event, saved.value.queued, notice, context.reportError);
  return success({ organization: named(organization), billedBy: subscription, change: saved.value.change, by: namedUser(user), at, notifications });
}

function billingChangedMeanwhile(organization: Organization): Problem {
  return {
    code: 'not-linked',
    message: `Billing of ${organization.name} changed while you were deciding, so nothing was changed. Type "status" to see it now, or "${BUY_COMMAND}" to start again.`,
  };
}
