import type { Caller } from '../../domain/caller';
import type { BillingLinkEvent } from '../../domain/changeEvent';
import type { DirectoryUser } from '../../domain/directory';
import type { AuditAction, BillingLink, Flow, FlowKind } from '../../domain/model';
import { Refused, refusal, success, type Outcome } from '../../domain/outcome';
import type { BillingLinkPort, BillingLinkTarget } from '../../domain/ports/billingLinks';
import type { DirectoryPort } from '../../domain/ports/directory';
import type { Transaction } from '../../domain/ports/store';
import { FLOW_COMMAND } from '../flows/progress';
import { toldAfterCommit } from '../notify/managerNotices';
import { FREE_TIER, describeChange, isFreeTier, paidQuantitiesOf, recordedQuantities, writeQuantitiesIn } from '../quantities';
import type { QuantityChange } from '../quantitiesViews';
import { BILLING_ROLES, principalsWith } from '../roles';
import { mutation, named, namedUser } from '../serviceSupport';
import type { BillingChange, Named, PendingBillingChange } from '../views';
import { alreadyLinked, checkPlan, linksFor, namedSubscription, type LinkPlan } from './linkChecks';
import type { LinkContext } from './linkContext';
import { viewOf } from './linkFlow';

const AUDIT_ACTION: Record<FlowKind, AuditAction & BillingLinkEvent['kind']> = {
  setup: 'billing.setup',
  change: 'billing.change',
  remove: 'billing.remove',
};

/**
 * Makes the change the flow describes, after checking every rule again with fresh data. Removal
 * needs `acknowledged`: the user has read that paid quantities fall to the free tier at once.
 */
export async function confirmLink(context: LinkContext, caller: Caller, flowId: string, acknowledged: boolean): Promise<Outcome<BillingChange | PendingBillingChange>> {
  const directory = await context.directoryFor(caller);
  const checked = await context.flows.load(directory, caller, flowId);
  if (!checked.ok) return checked;
  const { flow, user } = checked.value;
  if (!flow.organizationId || (flow.kind !== 'remove' && !flow.subscriptionId)) {
    return refusal('flow-out-of-order', `Some choices are missing. Type "${FLOW_COMMAND[flow.kind]}" to start again.`);
  }
  if (flow.kind === 'remove' && !acknowledged) {
    return refusal('confirmation-required', 'Tick the box to confirm that paid quantities fall back to the free tier at once, then press "Remove billing" again.');
  }
  const plan = await checkPlan(directory, await linksFor(context, caller), user, flow.kind, flow.organizationId, flow.subscriptionId);
  if (!plan.ok) return plan;
  if (context.billingLinksFor) return requestAtSource(context, directory, await context.billingLinksFor(caller), caller, flow, user, plan.value);
  // The store holds the link: decided again from the store at the moment of writing, since another
  // flow may have linked, changed or removed this organization since the checks above.
  return recordLinkChange(context, directory, caller, flow.id, user, plan.value, (link, current) => {
    if (current.kind === 'setup' && link) throw new Refused(alreadyLinked(plan.value.organization));
    if (current.kind !== 'setup' && (link === undefined || link.subscriptionId !== current.expectedSubscriptionId)) throw new Refused(changedMeanwhile(plan.value.organization));
  });
}

/**
 * "Check again" after the user changed billing on the organization's Billing settings page: reads
 * the link back and completes the flow once it shows the change. Azure DevOps checked the user's
 * permissions when they made it; here only the flow itself is checked.
 */
export async function checkAgain(context: LinkContext, caller: Caller, flowId: string): Promise<Outcome<BillingChange | PendingBillingChange>> {
  const directory = await context.directoryFor(caller);
  const checked = await context.flows.load(directory, caller, flowId);
  if (!checked.ok) return checked;
  const { flow, user } = checked.value;
  if (!context.billingLinksFor || !flow.organizationId || (flow.kind !== 'remove' && !flow.subscriptionId)) {
    return refusal('flow-out-of-order', `There is nothing to check yet. Type "${FLOW_COMMAND[flow.kind]}" to start again.`);
  }
  const organization = await directory.getOrganization(flow.organizationId);
  if (!organization) return refusal('organization-not-found', 'That organization does not exist, or you cannot see it. Nothing was changed.');
  const subscription = flow.subscriptionId ? await directory.getSubscription(flow.subscriptionId) : undefined;
  const recorded = await context.store.read((tx) => tx.links.get(organization.id));
  const plan: LinkPlan = {
    organization: named(organization),
    from: recorded ? namedSubscription(recorded.subscriptionId, await directory.getSubscription(recorded.subscriptionId)) : undefined,
    to: flow.subscriptionId ? namedSubscription(flow.subscriptionId, subscription) : undefined,
  };
  const port = await context.billingLinksFor(caller);
  const target = linkTarget(plan.organization, plan.to, subscription?.tenantId);
  const { done, current } = await port.check(target);
  if (done) return recordLinkChange(context, directory, caller, flow.id, user, plan);
  const manual = port.manualChange(target);
  if (!manual) return refusal('flow-out-of-order', `There is nothing to check: I make this change myself. Type "${FLOW_COMMAND[flow.kind]}" to start again.`);
  const moved = await context.flows.advance(caller, flow.id);
  if (!moved.ok) return moved;
  const shows = current ? namedSubscription(current.subscriptionId, await directory.getSubscription(current.subscriptionId)).name : 'no subscription';
  return success<PendingBillingChange>({
    pending: true,
    flow: viewOf(moved.value),
    ...plan,
    ...manual,
    notYet: `Not yet: ${organization.name}'s billing settings still show ${shows}. Make the change there, then press "Check again".`,
  });
}

/**
 * Asks the link's source for the change the confirmed flow describes. The change is complete when
 * reading back shows it; when the user has to make it themselves, the flow stays open for "Check again".
 */
async function requestAtSource(
  context: LinkContext,
  directory: DirectoryPort,
  port: BillingLinkPort,
  caller: Caller,
  flow: Flow,
  user: DirectoryUser,
  plan: LinkPlan,
): Promise<Outcome<BillingChange | PendingBillingChange>> {
  // The confirmation showed what paid then; if the source shows otherwise now, it no longer says what would happen.
  if (flow.kind !== 'setup' && !sameSubscription(plan.from?.id, flow.expectedSubscriptionId)) return { ok: false, problem: changedMeanwhile(plan.organization) };
  const target = linkTarget(plan.organization, plan.to, plan.toTenantId);
  const requested = await port.request({ ...target, requestedBy: user.id, at: context.now().toISOString() });
  if (requested.status === 'applied') return recordLinkChange(context, directory, caller, flow.id, user, plan);
  if (requested.status === 'not-applied') return refusal('billing-not-applied', requested.message);
  const moved = await context.flows.advance(caller, flow.id);
  if (!moved.ok) return moved;
  return success<PendingBillingChange>({ pending: true, flow: viewOf(moved.value), organization: plan.organization, from: plan.from, to: plan.to, url: requested.url, instruction: requested.instruction });
}

/**
 * Everything one billing change writes, in one transaction: the link, the completed flow, the audit
 * entry, the paid quantities that move with the link (a first purchase made with the set-up, the
 * fall to the free tier with removal) and the outbox entries that tell the billing managers. A crash
 * keeps all of it or none. `decide` refuses, inside the transaction, a change the store no longer allows.
 */
async function recordLinkChange(
  context: LinkContext,
  directory: DirectoryPort,
  caller: Caller,
  flowId: string,
  user: DirectoryUser,
  plan: LinkPlan,
  decide: (link: BillingLink | undefined, flow: Flow) => void = () => undefined,
): Promise<Outcome<BillingChange>> {
  const { organization, from, to } = plan;
  const at = context.now().toISOString();
  const eventId = context.newId();
  const kind = (await context.store.read((tx) => tx.flows.get(flowId)))?.kind ?? 'setup';
  const notice = await context.notices.prepare(directory, { id: eventId, kind: AUDIT_ACTION[kind], organization, from, to, actor: namedUser(user), at });
  const saved = await mutation(
    () =>
      context.store.transaction(async (tx) => {
        const flow = await context.flows.openIn(tx, caller, flowId, user.displayName);
        const previous = await tx.links.get(organization.id);
        decide(previous, flow);
        if (flow.kind === 'remove') await tx.links.delete(organization.id);
        else await tx.links.put(nextLink(previous, organization.id, (to as Named).id, user.id, at));
        const done = await context.flows.finishIn(tx, flow, 'completed', describeOutcome(flow.kind, organization, from, to, flow.pendingPurchase !== undefined));
        await tx.audit.append({ id: eventId, at, actorId: user.id, action: AUDIT_ACTION[flow.kind], organizationId: organization.id, ...(from ? { fromSubscriptionId: from.id } : {}), ...(to ? { toSubscriptionId: to.id } : {}) });
        const quantities = await quantitiesWithLink(context, tx, flow, user.id, at);
        const event: BillingLinkEvent = { id: eventId, kind: AUDIT_ACTION[flow.kind], organization, from, to, actor: namedUser(user), at, ...(quantities ? { quantities: recordedQuantities(quantities) } : {}) };
        const queued = await context.notices.queueIn(tx, event, notice, at);
        return { flow: viewOf(done), quantities, event, queued };
      }),
    context.reportError,
  );
  if (!saved.ok) return saved;
  const notifications = await toldAfterCommit(context.notices, saved.value.event, saved.value.queued, notice, context.reportError);
  const managers = to ? await namesOfManagers(directory, to.id) : undefined;
  return success({ flow: saved.value.flow, organization, from, to, by: namedUser(user), at, notifications, managers, ...(saved.value.quantities ? { quantities: saved.value.quantities } : {}) });
}

/** Inside the change's transaction: applies a set-up's pending purchase, or removal's reset to the free tier. */
async function quantitiesWithLink(context: LinkContext, tx: Transaction, flow: Flow, actorId: string, at: string): Promise<QuantityChange | undefined> {
  const organizationId = flow.organizationId as string;
  if (flow.kind === 'setup' && flow.pendingPurchase) {
    const from = await writeQuantitiesIn(tx, { organizationId, to: flow.pendingPurchase, actorId, at, action: 'quantities.purchase', auditId: context.newId() });
    return describeChange(from, flow.pendingPurchase, context.prices);
  }
  if (flow.kind !== 'remove') return undefined;
  const paid = paidQuantitiesOf(await tx.quantities.get(organizationId));
  if (isFreeTier(paid)) return undefined;
  await writeQuantitiesIn(tx, { organizationId, to: FREE_TIER, actorId, at, action: 'quantities.reset', auditId: context.newId() });
  return describeChange(paid, FREE_TIER, context.prices);
}

/** Who can manage billing paid by this subscription, named. */
async function namesOfManagers(directory: DirectoryPort, subscriptionId: string): Promise<Named[]> {
  const ids = principalsWith(await directory.roleAssignmentsOn(subscriptionId), BILLING_ROLES);
  return (await directory.getUsers(ids)).map(namedUser);
}

function changedMeanwhile(organization: Named): { readonly code: 'not-linked'; readonly message: string } {
  return { code: 'not-linked', message: `Billing of ${organization.name} changed while you were deciding, so nothing was done. Type "status" to see it now.` };
}

function sameSubscription(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

function linkTarget(organization: Named, to: Named | undefined, tenantId: string | undefined): BillingLinkTarget {
  return { organization, ...(to ? { subscription: { id: to.id, name: to.name, tenantId: tenantId ?? '' } } : {}) };
}

function nextLink(previous: BillingLink | undefined, organizationId: string, subscriptionId: string, userId: string, at: string): BillingLink {
  if (!previous) return { organizationId, subscriptionId, linkedBy: userId, linkedAt: at };
  // The subscription that paid before keeps the organization's resource group until someone deletes it.
  return { ...previous, subscriptionId, changedBy: userId, changedAt: at, previousSubscriptionId: previous.subscriptionId };
}

function describeOutcome(kind: FlowKind, organization: Named, from: Named | undefined, to: Named | undefined, withPurchase: boolean): string {
  switch (kind) {
    case 'setup':
      return `${to?.name ?? 'the subscription'} pays for ${organization.name}${withPurchase ? ', and the purchase was made' : ''}`;
    case 'change':
      return `${organization.name} moved from ${from?.name ?? 'its old subscription'} to ${to?.name ?? 'the new one'}`;
    case 'remove':
      return `billing of ${organization.name} was removed`;
  }
}
