import { randomUUID } from 'node:crypto';
import type { DirectoryPort } from '../directory/port';
import type { DirectoryUser, Organization, Subscription } from '../directory/types';
import type { StateStore } from '../store/port';
import type { QuantitiesEvent } from '../store/changeEvent';
import type { PaidQuantities, PurchaseFlow } from '../store/quantitiesState';
import { entryOf } from '../store/records';
import type { BillingLink } from '../store/state';
import type { BillingService } from './billingService';
import { announce, ignoreChanges, recordChangeEvent, type BillingChangeListener } from './changeListener';
import { subscriptionHealthProblems } from './eligibility';
import { explainIneligibility, joinNames } from './explanations';
import { Refused, StaleFlowSweep, isOpenFlowOf, progressProblem } from './flows';
import { METERS } from './meters';
import { organizationAccess } from './organizationAccess';
import { LIST_PRICES_USD, monthlyCents, unitPriceCents, type PriceTable } from './prices';
import { refusal, success, type Outcome, type Problem } from './problems';
import { buysMore, describeChange, paidQuantitiesOf, recordedQuantities, sameQuantities, writeQuantities } from './quantities';
import { readQuantities } from './quantityInput';
import type {
  PurchaseFlowView, PurchaseOrganizationStep, PurchaseReview, QuantitiesChanged, QuantitiesStep,
} from './quantitiesViews';
import { BILLING_ROLES, isBillingManager, principalsWith } from './roles';
import { directoryProvider, directoryUserOf, mutation, named, namedUser, namesOf, unknownCaller, type DirectorySource } from './serviceSupport';
import type { Caller, Named, OrganizationOption, SubscriptionStep } from './views';

export interface QuantitiesServiceDeps extends DirectorySource {
  readonly store: StateStore;
  /** Set-up rules live there; a first purchase hands over to its set-up flow. */
  readonly billing: BillingService;
  readonly flowTtlMs: number;
  readonly prices?: PriceTable;
  readonly now?: () => Date;
  readonly newId?: () => string;
  readonly listener?: BillingChangeListener;
  readonly reportError?: (error: unknown) => void;
  /**
   * Set when paid quantities are kept where the bot cannot change them (DIRECTORY=azure: Azure
   * DevOps, which offers no purchase API): where users buy instead. "buy" then refuses and says so,
   * rather than record a purchase that would charge nothing.
   */
  readonly boughtElsewhere?: string;
}

/** The command that starts a purchase again, named in every "start again" message. */
export const BUY_COMMAND = 'buy';

/** What "Next" on the quantities card leads to. */
export type ReviewAnswer =
  | { readonly kind: 'invalid'; readonly step: QuantitiesStep }
  | { readonly kind: 'confirm'; readonly review: PurchaseReview }
  | { readonly kind: 'setup'; readonly step: SubscriptionStep };

/** Who is buying for what: the result of the permission check, with what the cards need to show. */
interface Target {
  readonly organization: Organization;
  /** Absent for a first purchase. */
  readonly link?: BillingLink;
  readonly subscription?: Subscription;
}

/**
 * Paid quantities (BILLING.md): once billing is set up, Owners and Contributors of the billing
 * subscription may change them, project collection administrators or not; a first purchase for an
 * organization without billing goes through "set up billing" with all its rules. Like the billing
 * flows, every click re-reads the directory and the state, and a card only names what is asked for.
 */
export class QuantitiesService {
  private readonly directoryFor: (caller: Caller) => Promise<DirectoryPort>;
  private readonly boughtElsewhere: string | undefined;
  private readonly store: StateStore;
  private readonly billing: BillingService;
  private readonly flowTtlMs: number;
  private readonly prices: PriceTable;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly listener: BillingChangeListener;
  private readonly reportError: (error: unknown) => void;
  private readonly stalePurchases = new StaleFlowSweep();

  constructor(deps: QuantitiesServiceDeps) {
    this.directoryFor = directoryProvider(deps, 'QuantitiesService');
    this.boughtElsewhere = deps.boughtElsewhere;
    this.store = deps.store;
    this.billing = deps.billing;
    this.flowTtlMs = deps.flowTtlMs;
    this.prices = deps.prices ?? LIST_PRICES_USD;
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
    this.listener = deps.listener ?? ignoreChanges;
    this.reportError = deps.reportError ?? (() => undefined);
  }

  /** Starts a purchase: the organizations the caller may buy for, and why the others are not offered. */
  async start(caller: Caller): Promise<Outcome<PurchaseOrganizationStep>> {
    if (this.boughtElsewhere !== undefined) return notHere(this.boughtElsewhere);
    const directory = await this.directoryFor(caller);
    const user = await directoryUserOf(directory, caller);
    if (!user) return unknownCaller(caller);
    const organizations = await this.organizationOptions(directory, user);
    const now = this.now();
    const flow: PurchaseFlow = {
      id: this.newId(),
      ownerId: user.id,
      tenantId: user.tenantId,
      conversationId: caller.conversationId,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.flowTtlMs).toISOString(),
      status: 'open',
    };
    const stale = this.stalePurchases.due(this.store.read().purchases, now);
    return mutation(() =>
      this.store.update((state) => {
        for (const id of stale) delete state.purchases[id];
        state.purchases[flow.id] = flow;
        return { flow: viewOf(flow), organizations };
      }),
      this.reportError,
    );
  }

  /** The organization step's answer: the quantities card for it. */
  async chooseOrganization(caller: Caller, flowId: string, organizationId: string): Promise<Outcome<QuantitiesStep>> {
    const directory = await this.directoryFor(caller);
    const checked = await this.openFlow(directory, caller, flowId);
    if (!checked.ok) return checked;
    const target = await this.access(directory, checked.value.user, await directory.getOrganization(organizationId));
    if (!target.ok) return target;
    const moved = await this.advance(caller, flowId, (f) => {
      f.organizationId = organizationId;
      delete f.requested;
      delete f.basedOn;
    });
    if (!moved.ok) return moved;
    return success(this.quantitiesStep(moved.value, target.value, {}, []));
  }

  /**
   * "Next" on the quantities card. Bad numbers bring the card back with the reasons; otherwise a
   * billed organization gets the confirmation, and one without billing goes on to set billing up.
   */
  async review(caller: Caller, flowId: string, input: Readonly<Record<string, unknown>>): Promise<Outcome<ReviewAnswer>> {
    const directory = await this.directoryFor(caller);
    const checked = await this.openFlow(directory, caller, flowId);
    if (!checked.ok) return checked;
    const { flow, user } = checked.value;
    if (!flow.organizationId) return outOfOrder();
    const target = await this.access(directory, user, await directory.getOrganization(flow.organizationId));
    if (!target.ok) return target;
    const organization = target.value.organization;
    const current = paidQuantitiesOf(this.store.read().quantities, organization.id);
    const reading = readQuantities(input);

    const problems = reading.quantities && sameQuantities(reading.quantities, current)
      ? [`These are the quantities ${organization.name} pays for now, so there is nothing to change. Enter different numbers, or press Cancel.`]
      : reading.problems;
    if (!reading.quantities || problems.length > 0) {
      const kept = await this.advance(caller, flowId, () => undefined);
      if (!kept.ok) return kept;
      return success({ kind: 'invalid', step: this.quantitiesStep(kept.value, target.value, reading.valid, problems) });
    }
    const requested = reading.quantities;

    if (!target.value.link) {
      const setup = await this.billing.startFirstPurchase(caller, organization.id, requested);
      if (!setup.ok) return setup;
      const handedOver = await this.finish(caller, flowId, 'completed', `your purchase for ${organization.name} went on to "set up billing"`);
      if (!handedOver.ok) return handedOver;
      return success({ kind: 'setup', step: setup.value });
    }

    const subscription = billedBy(target.value);
    const cannotPay = this.paymentProblem(target.value, current, requested);
    if (cannotPay) return { ok: false, problem: cannotPay };
    const moved = await this.advance(caller, flowId, (f) => {
      f.requested = { ...requested };
      f.basedOn = { ...current };
    });
    if (!moved.ok) return moved;
    return success({
      kind: 'confirm',
      review: { flow: moved.value, organization: named(organization), billedBy: subscription, change: describeChange(current, requested, this.prices) },
    });
  }

  /** "Back" on the confirmation: the quantities card again, with the numbers the user chose. */
  async edit(caller: Caller, flowId: string): Promise<Outcome<QuantitiesStep>> {
    const directory = await this.directoryFor(caller);
    const checked = await this.openFlow(directory, caller, flowId);
    if (!checked.ok) return checked;
    const { flow, user } = checked.value;
    if (!flow.organizationId) return outOfOrder();
    const target = await this.access(directory, user, await directory.getOrganization(flow.organizationId));
    if (!target.ok) return target;
    const chosen = flow.requested ?? {};
    const moved = await this.advance(caller, flowId, (f) => {
      delete f.requested;
      delete f.basedOn;
    });
    if (!moved.ok) return moved;
    return success(this.quantitiesStep(moved.value, target.value, chosen, []));
  }

  /** Makes the change the confirmation showed, after checking every rule again with fresh data. */
  async confirm(caller: Caller, flowId: string): Promise<Outcome<QuantitiesChanged>> {
    const directory = await this.directoryFor(caller);
    const checked = await this.openFlow(directory, caller, flowId);
    if (!checked.ok) return checked;
    const { flow, user } = checked.value;
    const { organizationId, requested, basedOn } = flow;
    if (!organizationId || !requested || !basedOn) return outOfOrder();
    const target = await this.access(directory, user, await directory.getOrganization(organizationId));
    if (!target.ok) return target;
    const { organization, link } = target.value;
    if (!link) return billingRemoved(organization);
    const cannotPay = this.paymentProblem(target.value, basedOn, requested);
    if (cannotPay) return { ok: false, problem: cannotPay };
    const at = this.now().toISOString();
    const subscription = billedBy(target.value);
    const eventId = this.newId();

    const saved = await mutation(() =>
      this.store.update((state) => {
        const current = entryOf(state.purchases, flowId);
        const stale = progressProblem(current, caller, this.now(), user.displayName, BUY_COMMAND);
        if (stale) throw new Refused(stale);
        // Decided from the state at the moment of writing: billing or the quantities may have
        // changed since the confirmation was shown, and then it no longer says what would happen.
        if (entryOf(state.links, organization.id)?.subscriptionId !== link.subscriptionId) throw new Refused(billingChangedMeanwhile(organization));
        if (!sameQuantities(paidQuantitiesOf(state.quantities, organization.id), basedOn)) {
          throw new Refused({
            code: 'quantities-changed',
            message: `Someone changed the paid quantities of ${organization.name} while you were deciding, so nothing was changed. Type "${BUY_COMMAND}" to see them now and choose again.`,
          });
        }
        const from = writeQuantities(state, { organizationId: organization.id, to: requested, actorId: user.id, at, action: 'quantities.change', auditId: eventId });
        const done = current as PurchaseFlow;
        done.status = 'completed';
        done.finishedAt = at;
        done.outcome = `the paid quantities of ${organization.name} were changed`;
        // The other billing managers are told; the duty to tell them is saved with the change.
        const change = describeChange(from, requested, this.prices);
        const event: QuantitiesEvent = {
          id: eventId,
          kind: 'quantities.change',
          organization: named(organization),
          subscription,
          actor: namedUser(user),
          at,
          ...recordedQuantities(change),
        };
        recordChangeEvent(state, event);
        return { change, event };
      }),
      this.reportError,
    );
    if (!saved.ok) return saved;
    const notifications = await announce(this.listener, saved.value.event, this.reportError, directory);
    return success({ organization: named(organization), billedBy: subscription, change: saved.value.change, by: namedUser(user), at, notifications });
  }

  async cancel(caller: Caller, flowId: string): Promise<Outcome<PurchaseFlowView>> {
    const directory = await this.directoryFor(caller);
    const checked = await this.openFlow(directory, caller, flowId);
    if (!checked.ok) return checked;
    return this.finish(caller, flowId, 'cancelled');
  }

  /** Cancels every open purchase the caller has in this conversation; returns how many. */
  async cancelAll(caller: Caller): Promise<Outcome<number>> {
    const now = this.now();
    const at = now.toISOString();
    return mutation(() =>
      this.store.update((state) => {
        const open = Object.values(state.purchases).filter((f) => isOpenFlowOf(f, caller, now));
        for (const f of open) {
          f.status = 'cancelled';
          f.finishedAt = at;
        }
        return open.length;
      }),
      this.reportError,
    );
  }

  /**
   * Whether `user` may buy for `organization` now. With billing: only Owners and Contributors of the
   * billing subscription, PCA or not. Without: a first purchase sets billing up, so set-up's rule
   * (project collection administrators) applies here, and set-up checks the rest.
   */
  private async access(directory: DirectoryPort, user: DirectoryUser, organization: Organization | undefined): Promise<Outcome<Target>> {
    if (!organization) {
      return refusal('organization-not-found', 'That organization does not exist, or you cannot see it. Nothing was changed.');
    }
    const orgAccess = organizationAccess(user.id, organization);
    const link = entryOf(this.store.read().links, organization.id);
    if (link) {
      const assignments = await directory.roleAssignmentsOn(link.subscriptionId);
      if (isBillingManager(user.id, assignments)) {
        const subscription = await directory.getSubscription(link.subscriptionId);
        return success({ organization, link, ...(subscription ? { subscription } : {}) });
      }
      if (orgAccess === 'none') return notAMember(organization);
      const managers = await namesOf(directory, principalsWith(assignments, BILLING_ROLES));
      const pcaNote = orgAccess === 'project-collection-administrator' ? ' Being a project collection administrator is not enough for this.' : '';
      const ask = managers.length > 0
        ? `Ask ${joinNames(managers)} to change them, or to have you granted Contributor on that subscription.`
        : 'Ask an Owner of that subscription to grant you Contributor on it.';
      return refusal(
        'missing-subscription-role',
        `Only Owners and Contributors of the subscription that pays for ${organization.name} can change its paid quantities.${pcaNote} ${ask} Nothing was changed.`,
      );
    }
    if (orgAccess === 'none') return notAMember(organization);
    if (orgAccess === 'member') {
      const administrators = await namesOf(directory, [...new Set([organization.ownerId, ...organization.projectCollectionAdministrators])]);
      return refusal(
        'not-project-collection-administrator',
        `${organization.name} has no billing yet, and its first purchase sets billing up, which only project collection administrators can do. ` +
          `Ask ${administrators.length > 0 ? joinNames(administrators) : 'the organization owner'} to buy, or to make you a project collection administrator. Nothing was changed.`,
      );
    }
    return success({ organization });
  }

  /** A subscription that cannot pay any more cannot pay for more either; reductions stay possible. */
  private paymentProblem(target: Target, from: PaidQuantities, to: PaidQuantities): Problem | undefined {
    if (!buysMore(from, to)) return undefined;
    const subscription = target.subscription;
    const name = subscription?.displayName ?? 'The subscription that pays';
    const reasons = subscription
      ? subscriptionHealthProblems(subscription).map((code) => explainIneligibility(code, subscription, []))
      : [{ reason: 'It no longer exists or cannot be read.', fix: 'Change billing to a subscription that can pay.' }];
    if (reasons.length === 0) return undefined;
    return {
      code: 'subscription-not-eligible',
      message: `${name} cannot pay for more right now. ${reasons.map((r) => `${r.reason} ${r.fix}`).join(' ')} Reductions are still possible. Nothing was changed.`,
    };
  }

  private async organizationOptions(directory: DirectoryPort, user: DirectoryUser): Promise<OrganizationOption[]> {
    const members = await directory.organizationsOf(user.id);
    const managed = await this.organizationsManagedBy(directory, user);
    const seen = new Set<string>();
    const organizations = [...members, ...managed].filter((org) => (seen.has(org.id) ? false : (seen.add(org.id), true)));
    const options = await Promise.all(
      organizations.map(async (org): Promise<OrganizationOption> => {
        const target = await this.access(directory, user, org);
        if (!target.ok) return { ...named(org), selectable: false, reason: target.problem.message };
        const subscription = target.value.link ? billedBy(target.value) : undefined;
        return { ...named(org), selectable: true, ...(subscription ? { currentSubscription: subscription } : {}) };
      }),
    );
    return options.sort((a, b) => Number(b.selectable) - Number(a.selectable) || a.name.localeCompare(b.name));
  }

  /** Billing managers may change quantities without belonging to the organization (BILLING.md). */
  private async organizationsManagedBy(directory: DirectoryPort, user: DirectoryUser): Promise<Organization[]> {
    const visible = new Set((await directory.subscriptionsVisibleTo(user.id)).map((s) => s.id));
    const links = Object.values(this.store.read().links).filter((link) => visible.has(link.subscriptionId));
    const found = await Promise.all(
      links.map(async (link) => (isBillingManager(user.id, await directory.roleAssignmentsOn(link.subscriptionId))
        ? directory.getOrganization(link.organizationId)
        : undefined)),
    );
    return found.filter((org): org is Organization => org !== undefined);
  }

  private quantitiesStep(flow: PurchaseFlowView, target: Target, shown: Partial<PaidQuantities>, problems: readonly string[]): QuantitiesStep {
    const current = paidQuantitiesOf(this.store.read().quantities, target.organization.id);
    const subscription = target.link ? billedBy(target) : undefined;
    return {
      flow,
      organization: named(target.organization),
      ...(subscription ? { billedBy: subscription } : {}),
      firstPurchase: !target.link,
      meters: METERS.map((meter) => ({
        meter,
        paidNow: current[meter.id],
        value: shown[meter.id] ?? current[meter.id],
        unitPriceCents: unitPriceCents(this.prices, meter.id),
      })),
      monthlyNowCents: monthlyCents(this.prices, current),
      problems,
    };
  }

  /** Loads the purchase and the caller, refusing when the caller may not act on it now. */
  private async openFlow(directory: DirectoryPort, caller: Caller, flowId: string): Promise<Outcome<{ flow: PurchaseFlow; user: DirectoryUser }>> {
    if (this.boughtElsewhere !== undefined) return notHere(this.boughtElsewhere);
    const flow = entryOf(this.store.read().purchases, flowId);
    const ownerName = flow ? (await directory.getUser(flow.ownerId))?.displayName ?? 'someone else' : '';
    const problem = progressProblem(flow, caller, this.now(), ownerName, BUY_COMMAND);
    if (problem) return { ok: false, problem };
    const user = await directoryUserOf(directory, caller);
    if (!user) return unknownCaller(caller);
    return success({ flow: flow as PurchaseFlow, user });
  }

  /** Moves an open purchase a step on (and keeps it alive), re-checking it inside the write. */
  private advance(caller: Caller, flowId: string, change: (flow: PurchaseFlow) => void): Promise<Outcome<PurchaseFlowView>> {
    return mutation(() =>
      this.store.update((state) => {
        const flow = entryOf(state.purchases, flowId);
        const problem = progressProblem(flow, caller, this.now(), '', BUY_COMMAND);
        if (problem) throw new Refused(problem);
        const current = flow as PurchaseFlow;
        change(current);
        current.expiresAt = new Date(this.now().getTime() + this.flowTtlMs).toISOString();
        return viewOf(current);
      }),
      this.reportError,
    );
  }

  private finish(caller: Caller, flowId: string, status: 'completed' | 'cancelled', outcome?: string): Promise<Outcome<PurchaseFlowView>> {
    const at = this.now().toISOString();
    return this.advance(caller, flowId, (f) => {
      f.status = status;
      f.finishedAt = at;
      if (outcome) f.outcome = outcome;
    });
  }
}

function viewOf(flow: PurchaseFlow): PurchaseFlowView {
  return { id: flow.id, expiresAt: flow.expiresAt };
}

function billedBy(target: Target): Named {
  const id = target.link?.subscriptionId ?? '';
  return { id, name: target.subscription?.displayName ?? `subscription ${id}` };
}

function outOfOrder<T>(): Outcome<T> {
  return refusal('flow-out-of-order', `Some choices are missing. Type "${BUY_COMMAND}" to start again.`);
}

function notAMember<T>(organization: Organization): Outcome<T> {
  return refusal('not-a-member', `You are not a member of ${organization.name}. Nothing was changed.`);
}

function billingRemoved<T>(organization: Organization): Outcome<T> {
  return { ok: false, problem: billingChangedMeanwhile(organization) };
}

function billingChangedMeanwhile(organization: Organization): Problem {
  return {
    code: 'not-linked',
    message: `Billing of ${organization.name} changed while you were deciding, so nothing was changed. Type "status" to see it now, or "${BUY_COMMAND}" to start again.`,
  };
}

function notHere<T>(where: string): Outcome<T> {
  return refusal(
    'not-available-here',
    `I cannot buy paid quantities here: this bot works with your organizations in Azure DevOps, which offers no way for a bot to make a purchase, and one recorded only by me would charge nothing. Buy them on ${where}, then type "status" to see billing. Nothing was changed.`,
  );
}
