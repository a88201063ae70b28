import type { Caller } from '../../domain/caller';
import type { DirectoryUser } from '../../domain/directory';
import type { PaidQuantities, PurchaseFlow } from '../../domain/model';
import type { DirectoryPort } from '../../domain/ports/directory';
import { refusal, success, type Outcome } from '../../domain/outcome';
import { artifactsChange, artifactsLimitOf, artifactsLimitText, describeChange, paidQuantitiesOf, sameQuantities } from '../quantities';
import { readQuantities } from '../quantityInput';
import type { PurchaseFlowView, PurchaseOrganizationStep, PurchaseReview, QuantitiesStep } from '../quantitiesViews';
import { mutation, named } from '../serviceSupport';
import type { SubscriptionStep } from '../views';
import { billedBy, markSeatsExplained, paymentProblem, purchaseAccess, purchaseOptions, quantitiesStep, type PurchaseTarget } from './purchaseAccess';
import { BUY_COMMAND, purchaseViewOf, type PurchaseContext } from './purchaseContext';
import { startingCaller } from '../useCaseContext';

/** What "Next" on the quantities card leads to. */
export type ReviewAnswer =
  | { readonly kind: 'invalid'; readonly step: QuantitiesStep }
  | { readonly kind: 'confirm'; readonly review: PurchaseReview }
  | { readonly kind: 'setup'; readonly step: SubscriptionStep };

/** Starts a purchase: the organizations the caller may buy for, and why the others are not offered. */
export async function startPurchase(context: PurchaseContext, caller: Caller): Promise<Outcome<PurchaseOrganizationStep>> {
  if (context.boughtElsewhere !== undefined) return notHere(context.boughtElsewhere);
  const starting = await startingCaller(context, caller, BUY_COMMAND);
  if (!starting.ok) return starting;
  const { directory, user } = starting.value;
  const organizations = await purchaseOptions(context, directory, user);
  const opened = await context.flows.open(caller, user, {});
  return opened.ok ? success({ flow: purchaseViewOf(opened.value), organizations }) : opened;
}

/** The organization step's answer: the quantities card for it. */
export async function choosePurchaseOrganization(context: PurchaseContext, caller: Caller, flowId: string, organizationId: string): Promise<Outcome<QuantitiesStep>> {
  const checked = await load(context, caller, flowId);
  if (!checked.ok) return checked;
  const { directory, user } = checked.value;
  const target = await purchaseAccess(context, directory, user, await directory.getOrganization(organizationId));
  if (!target.ok) return target;
  const moved = await context.flows.advance(caller, flowId, ({ requested: _r, basedOn: _b, requestedArtifacts: _ra, basedOnArtifacts: _ba, ...rest }) => ({ ...rest, organizationId }));
  if (!moved.ok) return moved;
  const step = await quantitiesStep(context, directory, purchaseViewOf(moved.value), target.value, { counts: {} }, []);
  // Explained once: a failure to remember it only means the explanation comes again.
  await mutation(() => markSeatsExplained(context, step), context.reportError);
  return success(step);
}

/**
 * "Next" on the quantities card. Bad numbers bring the card back with the reasons; otherwise a
 * billed organization gets the confirmation, and one without billing goes on to set billing up.
 */
export async function reviewPurchase(context: PurchaseContext, caller: Caller, flowId: string, input: Readonly<Record<string, unknown>>): Promise<Outcome<ReviewAnswer>> {
  const loaded = await loadWithTarget(context, caller, flowId, organizationChosen);
  if (!loaded.ok) return loaded;
  const { directory, target } = loaded.value;
  const organization = target.organization;
  const recorded = await context.store.read((tx) => tx.quantities.get(organization.id));
  const current = paidQuantitiesOf(recorded);
  const usage = (await directory.usageOf(organization.id))?.artifacts;
  const artifactsNow = artifactsLimitOf(recorded, usage);
  const reading = readQuantities(input);

  const unchanged = reading.quantities !== undefined && sameQuantities(reading.quantities, current) && reading.artifactsLimit === artifactsNow;
  const problems = unchanged
    ? [`This is what ${organization.name} buys now, so there is nothing to change. Enter different numbers or switch Artifacts storage, or press Cancel.`]
    : !target.link && reading.artifactsLimit !== undefined && reading.artifactsLimit !== artifactsNow
      ? [`${organization.name} has no billing yet, so Artifacts storage stays on "${artifactsLimitText(artifactsNow)}" for this first purchase. Switch it once billing is set up.`]
      : reading.problems;
  if (!reading.quantities || !reading.artifactsLimit || problems.length > 0) {
    const kept = await context.flows.advance(caller, flowId);
    if (!kept.ok) return kept;
    const shown = { counts: reading.valid, ...(reading.artifactsLimit ? { artifactsLimit: reading.artifactsLimit } : {}) };
    return success({ kind: 'invalid', step: await quantitiesStep(context, directory, purchaseViewOf(kept.value), target, shown, problems) });
  }
  const requested: PaidQuantities = reading.quantities;
  const requestedArtifacts = reading.artifactsLimit;

  if (!target.link) {
    const setup = await context.startFirstPurchase(caller, organization.id, requested);
    if (!setup.ok) return setup;
    const handedOver = await context.flows.finish(caller, flowId, 'completed', `your purchase for ${organization.name} went on to "set up billing"`);
    if (!handedOver.ok) return handedOver;
    return success({ kind: 'setup', step: setup.value });
  }

  const cannotPay = paymentProblem(target, current, requested, artifactsNow === 'free' && requestedArtifacts === 'payAsYouGo');
  if (cannotPay) return { ok: false, problem: cannotPay };
  const moved = await context.flows.advance(caller, flowId, (f) => ({
    ...f, requested: { ...requested }, basedOn: { ...current }, requestedArtifacts, basedOnArtifacts: artifactsNow,
  }));
  if (!moved.ok) return moved;
  const change = describeChange(current, requested, context.prices, artifactsChange(artifactsNow, requestedArtifacts, usage?.usedGiB, context.prices));
  return success({ kind: 'confirm', review: { flow: purchaseViewOf(moved.value), organization: named(organization), billedBy: billedBy(target), change } });
}

/** "Back" on the confirmation: the quantities card again, with the numbers the user chose. */
export async function editPurchase(context: PurchaseContext, caller: Caller, flowId: string): Promise<Outcome<QuantitiesStep>> {
  const loaded = await loadWithTarget(context, caller, flowId, organizationChosen);
  if (!loaded.ok) return loaded;
  const { directory, flow, target } = loaded.value;
  const chosen = { counts: flow.requested ?? {}, ...(flow.requestedArtifacts ? { artifactsLimit: flow.requestedArtifacts } : {}) };
  const moved = await context.flows.advance(caller, flowId, ({ requested: _r, basedOn: _b, requestedArtifacts: _ra, basedOnArtifacts: _ba, ...rest }) => rest);
  if (!moved.ok) return moved;
  return success(await quantitiesStep(context, directory, purchaseViewOf(moved.value), target, chosen, []));
}

export async function cancelPurchase(context: PurchaseContext, caller: Caller, flowId: string): Promise<Outcome<PurchaseFlowView>> {
  if (context.boughtElsewhere !== undefined) return notHere(context.boughtElsewhere);
  const cancelled = await context.flows.cancel(await context.directoryFor(caller), caller, flowId);
  return cancelled.ok ? success(purchaseViewOf(cancelled.value)) : cancelled;
}

/** The purchase and the caller, refusing when the caller may not act on it now, or buying is not possible here. */
async function load(context: PurchaseContext, caller: Caller, flowId: string): Promise<Outcome<{ readonly flow: PurchaseFlow; readonly user: DirectoryUser; readonly directory: DirectoryPort }>> {
  if (context.boughtElsewhere !== undefined) return notHere(context.boughtElsewhere);
  const directory = await context.directoryFor(caller);
  const checked = await context.flows.load(directory, caller, flowId);
  return checked.ok ? success({ ...checked.value, directory }) : checked;
}

/** A purchase whose organization is chosen. */
export type ChosenPurchase = PurchaseFlow & { readonly organizationId: string };

/** A purchase whose quantities are chosen too, and the ones they were chosen against. */
export type ReviewedPurchase = ChosenPurchase & {
  readonly requested: PaidQuantities;
  readonly basedOn: PaidQuantities;
  readonly requestedArtifacts: NonNullable<PurchaseFlow['requestedArtifacts']>;
  readonly basedOnArtifacts: NonNullable<PurchaseFlow['basedOnArtifacts']>;
};

export function organizationChosen(flow: PurchaseFlow): flow is ChosenPurchase {
  return Boolean(flow.organizationId);
}

export function quantitiesReviewed(flow: PurchaseFlow): flow is ReviewedPurchase {
  return organizationChosen(flow) && Boolean(flow.requested) && Boolean(flow.basedOn) && Boolean(flow.requestedArtifacts) && Boolean(flow.basedOnArtifacts);
}

/**
 * The purchase, the caller and, once the flow is as far as `ready` asks, the organization it is for
 * as the caller may buy for it now: what every step after the organization starts from.
 */
export async function loadWithTarget<F extends ChosenPurchase>(
  context: PurchaseContext,
  caller: Caller,
  flowId: string,
  ready: (flow: PurchaseFlow) => flow is F,
): Promise<Outcome<LoadedPurchase<F>>> {
  const checked = await load(context, caller, flowId);
  if (!checked.ok) return checked;
  const { directory, user, flow } = checked.value;
  if (!ready(flow)) return outOfOrder();
  const target = await purchaseAccess(context, directory, user, await directory.getOrganization(flow.organizationId));
  if (!target.ok) return target;
  return success({ directory, user, flow, target: target.value });
}

export interface LoadedPurchase<F extends ChosenPurchase> {
  readonly directory: DirectoryPort;
  readonly user: DirectoryUser;
  readonly flow: F;
  readonly target: PurchaseTarget;
}

export function outOfOrder<T>(): Outcome<T> {
  return refusal('flow-out-of-order', `Some choices are missing. Type "${BUY_COMMAND}" to start again.`);
}

function notHere<T>(where: string): Outcome<T> {
  return refusal(
    'not-available-here',
    `I cannot buy paid quantities here: this bot works with your organizations in Azure DevOps, which offers no way for a bot to make a purchase, and one recorded only by me would charge nothing. Buy them on ${where}, then type "status" to see billing. Nothing was changed.`,
  );
}
