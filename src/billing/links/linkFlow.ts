import type { Caller } from '../../domain/caller';
import type { Organization } from '../../domain/directory';
import type { Flow, FlowKind, PaidQuantities } from '../../domain/model';
import { refusal, success, type Outcome } from '../../domain/outcome';
import type { FlowFamily } from '../flows/engine';
import { FLOW_COMMAND } from '../flows/progress';
import { FREE_TIER, describeChange, isFreeTier, paidQuantitiesOf } from '../quantities';
import type { QuantityChange } from '../quantitiesViews';
import { directoryUserOf, named, unknownCaller } from '../serviceSupport';
import type { ConfirmStep, FlowView, OrganizationStep, SubscriptionStep } from '../views';
import { checkPlan, linksFor, namedSubscription, organizationOptions, organizationProblem, subscriptionOptions } from './linkChecks';
import type { LinkContext } from './linkContext';
import { startingCaller } from '../useCaseContext';

/** Set-up, change and removal of billing: organization → subscription (not for removal) → confirm. */
export const LINK_FLOWS: FlowFamily<Flow> = {
  name: 'billing',
  read: (tx) => tx.flows,
  write: (tx) => tx.flows,
  restart: (flow) => (flow ? FLOW_COMMAND[flow.kind] : 'help'),
  kindOf: (flow) => flow.kind,
};

export function viewOf(flow: Flow): FlowView {
  return { id: flow.id, kind: flow.kind, expiresAt: flow.expiresAt };
}

/** Starts a set-up, change or removal and lists the organizations, each with whether it can be picked. */
export async function startLinkFlow(context: LinkContext, caller: Caller, kind: FlowKind): Promise<Outcome<OrganizationStep>> {
  const starting = await startingCaller(context, caller, FLOW_COMMAND[kind]);
  if (!starting.ok) return starting;
  const { directory, user } = starting.value;
  const organizations = await organizationOptions(directory, await linksFor(context, caller), user, kind);
  const opened = await context.flows.open(caller, user, { kind });
  return opened.ok ? success({ flow: viewOf(opened.value), organizations }) : opened;
}

/**
 * A first purchase for an organization without billing: starts "set up billing" for it, with all of
 * set-up's rules, carrying the purchase so that confirming the set-up makes it in the same write.
 * Answers with the subscription step, since the organization is already chosen.
 */
export async function startFirstPurchase(context: LinkContext, caller: Caller, organizationId: string, purchase: PaidQuantities): Promise<Outcome<SubscriptionStep>> {
  // With the link kept by Azure DevOps the purchase could not be made in the same write as the
  // set-up (the user may finish the set-up there and never come back), so none is started.
  if (context.billingLinksFor) {
    return refusal('not-available-here', 'A first purchase cannot be made together with setting up billing here, because Azure DevOps keeps the billing link. Type "set up billing" first, then buy paid quantities on the organization\'s Billing settings page in Azure DevOps.');
  }
  const directory = await context.directoryFor(caller);
  const user = await directoryUserOf(directory, caller);
  if (!user) return unknownCaller(caller);
  const organization = await directory.getOrganization(organizationId);
  const problem = await organizationProblem(directory, await linksFor(context, caller), user, organization, 'setup');
  if (problem) return { ok: false, problem };
  const org = organization as Organization;
  const opened = await context.flows.open(caller, user, { kind: 'setup', organizationId: org.id, pendingPurchase: { ...purchase } });
  if (!opened.ok) return opened;
  const subscriptions = await subscriptionOptions(directory, user, org, undefined);
  return success({ flow: viewOf(opened.value), organization: named(org), subscriptions, quantities: purchaseChange(context, opened.value) });
}

/** The organization step's answer: for set-up and change, the subscriptions; for removal, the confirmation. */
export async function chooseOrganization(context: LinkContext, caller: Caller, flowId: string, organizationId: string): Promise<Outcome<SubscriptionStep | ConfirmStep>> {
  const directory = await context.directoryFor(caller);
  const checked = await context.flows.load(directory, caller, flowId);
  if (!checked.ok) return checked;
  const { flow, user } = checked.value;
  if (flow.pendingPurchase) {
    // The purchase was chosen for one organization; it cannot move to another.
    return refusal('flow-out-of-order', 'This set-up belongs to a purchase for one organization, which cannot be changed. Type "buy" to start again.');
  }
  const links = await linksFor(context, caller);
  const organization = await directory.getOrganization(organizationId);
  const allowed = await organizationProblem(directory, links, user, organization, flow.kind);
  if (allowed) return { ok: false, problem: allowed };
  const org = organization as Organization;
  const link = await links(org);

  const moved = await context.flows.advance(caller, flow.id, ({ subscriptionId: _dropped, expectedSubscriptionId: _old, ...rest }) => ({
    ...rest,
    organizationId: org.id,
    // What the user is shown as paying now; confirming refuses if it has changed meanwhile.
    ...(link ? { expectedSubscriptionId: link.subscriptionId } : {}),
  }));
  if (!moved.ok) return moved;

  if (flow.kind === 'remove') {
    const current = link ? await directory.getSubscription(link.subscriptionId) : undefined;
    const reset = await resetChange(context, org.id);
    return success<ConfirmStep>({ flow: viewOf(moved.value), organization: named(org), from: namedSubscription(link?.subscriptionId, current), ...(reset ? { quantities: reset } : {}) });
  }
  const current = link ? namedSubscription(link.subscriptionId, await directory.getSubscription(link.subscriptionId)) : undefined;
  const subscriptions = await subscriptionOptions(directory, user, org, current?.id);
  return success<SubscriptionStep>({ flow: viewOf(moved.value), organization: named(org), current, subscriptions });
}

export async function chooseSubscription(context: LinkContext, caller: Caller, flowId: string, subscriptionId: string): Promise<Outcome<ConfirmStep>> {
  const directory = await context.directoryFor(caller);
  const checked = await context.flows.load(directory, caller, flowId);
  if (!checked.ok) return checked;
  const { flow, user } = checked.value;
  if (flow.kind === 'remove' || !flow.organizationId) {
    return refusal('flow-out-of-order', `Pick the organization first. Type "${FLOW_COMMAND[flow.kind]}" to start again.`);
  }
  const plan = await checkPlan(directory, await linksFor(context, caller), user, flow.kind, flow.organizationId, subscriptionId);
  if (!plan.ok) return plan;
  const moved = await context.flows.advance(caller, flow.id, (f) => ({
    ...f,
    subscriptionId,
    // The confirmation card shows this "from"; confirming refuses if it changes before the click.
    ...(plan.value.from ? { expectedSubscriptionId: plan.value.from.id } : {}),
  }));
  if (!moved.ok) return moved;
  const purchase = purchaseChange(context, flow);
  return success({ flow: viewOf(moved.value), organization: plan.value.organization, from: plan.value.from, to: plan.value.to, ...(purchase ? { quantities: purchase } : {}) });
}

export async function cancelLinkFlow(context: LinkContext, caller: Caller, flowId: string): Promise<Outcome<{ readonly kind: FlowKind }>> {
  const cancelled = await context.flows.cancel(await context.directoryFor(caller), caller, flowId);
  return cancelled.ok ? success({ kind: cancelled.value.kind }) : cancelled;
}

/** A set-up's pending first purchase, from the free tier to what was chosen. */
export function purchaseChange(context: LinkContext, flow: Flow): QuantityChange | undefined {
  return flow.pendingPurchase ? describeChange(FREE_TIER, flow.pendingPurchase, context.prices) : undefined;
}

/** What removing billing does to paid quantities; undefined when there are none to drop. */
async function resetChange(context: LinkContext, organizationId: string): Promise<QuantityChange | undefined> {
  const recorded = await context.store.read((tx) => tx.quantities.get(organizationId));
  const paid = paidQuantitiesOf(recorded);
  return isFreeTier(paid) ? undefined : describeChange(paid, FREE_TIER, context.prices);
}
