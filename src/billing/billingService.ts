import { randomUUID } from 'node:crypto';
import type { BillingLinkPort, BillingLinkTarget, CurrentBillingLink } from '../billingLinks/port';
import type { DirectoryPort } from '../directory/port';
import type { DirectoryUser, Organization, Subscription } from '../directory/types';
import type { StateStore } from '../store/port';
import type { BillingLinkEvent } from '../store/changeEvent';
import type { PaidQuantities } from '../store/quantitiesState';
import { entryOf } from '../store/records';
import type { AuditAction, BillingLink, BotState, Flow, FlowKind } from '../store/state';
import { announce, ignoreChanges, recordChangeEvent, type BillingChangeListener } from './changeListener';
import { ineligibilityReasons } from './eligibility';
import { explainIneligibility, joinNames } from './explanations';
import { FLOW_COMMAND, Refused, StaleFlowSweep, flowProblem, isOpenFlowOf, viewOf } from './flows';
import { organizationAccess } from './organizationAccess';
import { LIST_PRICES_USD, type PriceTable } from './prices';
import { FREE_TIER, describeChange, isFreeTier, paidQuantitiesOf, recordedQuantities, writeQuantities } from './quantities';
import type { QuantityChange } from './quantitiesViews';
import { refusal, success, type Outcome, type Problem } from './problems';
import { BILLING_ROLES, isBillingManager, principalsWith } from './roles';
import { directoryProvider, directoryUserOf, mutation, named, namedUser, namesOf, unknownCaller, type DirectorySource } from './serviceSupport';
import { buildStatus } from './statusReport';
import type {
  BillingChange, Caller, ConfirmStep, FlowView, Named, OrganizationOption, OrganizationStatus, OrganizationStep,
  PendingBillingChange, SubscriptionOption, SubscriptionStep,
} from './views';

export interface BillingServiceDeps extends DirectorySource {
  /**
   * Where the billing link truly lives when it is not the state file (DIRECTORY=azure: the
   * organization's billing settings in Azure DevOps, read with the caller's rights). Without it the
   * state file holds the links. With it, the state keeps only the bot's own record of who changed
   * billing through it.
   */
  readonly billingLinksFor?: (caller: Caller) => Promise<BillingLinkPort>;
  readonly store: StateStore;
  readonly flowTtlMs: number;
  readonly now?: () => Date;
  readonly newId?: () => string;
  readonly listener?: BillingChangeListener;
  /** For the list-price estimates of a first purchase; the shipped list prices by default. */
  readonly prices?: PriceTable;
  /** Told about storage failures, which users only see as "nothing was changed". */
  readonly reportError?: (error: unknown) => void;
}

const AUDIT_ACTION: Record<FlowKind, AuditAction & BillingLinkEvent['kind']> = {
  setup: 'billing.setup',
  change: 'billing.change',
  remove: 'billing.remove',
};

/**
 * Owns every billing rule (BILLING.md): who may set up, change or remove billing, which subscriptions
 * can pay, and the flows that walk a user through each. Every step re-reads the directory and the
 * state, so nothing a card carries is trusted beyond naming what the user asks for.
 */
export class BillingService {
  private readonly directoryFor: (caller: Caller) => Promise<DirectoryPort>;
  private readonly billingLinksFor: ((caller: Caller) => Promise<BillingLinkPort>) | undefined;
  private readonly store: StateStore;
  private readonly flowTtlMs: number;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly listener: BillingChangeListener;
  private readonly prices: PriceTable;
  private readonly reportError: (error: unknown) => void;
  private readonly staleFlows = new StaleFlowSweep();

  constructor(deps: BillingServiceDeps) {
    this.directoryFor = directoryProvider(deps, 'BillingService');
    this.billingLinksFor = deps.billingLinksFor;
    this.store = deps.store;
    this.flowTtlMs = deps.flowTtlMs;
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
    this.listener = deps.listener ?? ignoreChanges;
    this.prices = deps.prices ?? LIST_PRICES_USD;
    this.reportError = deps.reportError ?? (() => undefined);
  }

  /** Starts a set-up, change or removal and lists the organizations, each with whether it can be picked. */
  async startFlow(caller: Caller, kind: FlowKind): Promise<Outcome<OrganizationStep>> {
    const directory = await this.directoryFor(caller);
    const user = await directoryUserOf(directory, caller);
    if (!user) return unknownCaller(caller);
    const organizations = await this.organizationOptions(directory, await this.linksFor(caller), user, kind);
    const flow = this.newFlow(caller, user, kind);
    const saved = await this.saveNewFlow(flow);
    return saved.ok ? success({ flow: saved.value, organizations }) : saved;
  }

  /**
   * A first purchase for an organization without billing: starts "set up billing" for it, with all of
   * set-up's rules, carrying the purchase so that confirming the set-up makes it in the same write.
   * Answers with the subscription step, since the organization is already chosen.
   */
  async startFirstPurchase(caller: Caller, organizationId: string, purchase: PaidQuantities): Promise<Outcome<SubscriptionStep>> {
    if (this.billingLinksFor) return purchaseNotAtomic();
    const directory = await this.directoryFor(caller);
    const user = await directoryUserOf(directory, caller);
    if (!user) return unknownCaller(caller);
    const organization = await directory.getOrganization(organizationId);
    const problem = await this.organizationProblem(directory, await this.linksFor(caller), user, organization, 'setup');
    if (problem) return { ok: false, problem };
    const org = organization as Organization;
    const flow = this.newFlow(caller, user, 'setup');
    flow.organizationId = org.id;
    flow.pendingPurchase = { ...purchase };
    const saved = await this.saveNewFlow(flow);
    if (!saved.ok) return saved;
    const subscriptions = await this.subscriptionOptions(directory, user, org, undefined);
    return success({ flow: saved.value, organization: named(org), subscriptions, quantities: this.purchaseChange(flow) });
  }

  /** The organization step's answer: for set-up and change, the subscriptions; for removal, the confirmation. */
  async chooseOrganization(caller: Caller, flowId: string, organizationId: string): Promise<Outcome<SubscriptionStep | ConfirmStep>> {
    const directory = await this.directoryFor(caller);
    const checked = await this.openFlow(directory, caller, flowId);
    if (!checked.ok) return checked;
    const { flow, user } = checked.value;
    if (flow.pendingPurchase) {
      // The purchase was chosen for one organization; it cannot move to another.
      return refusal('flow-out-of-order', 'This set-up belongs to a purchase for one organization, which cannot be changed. Type "buy" to start again.');
    }
    const links = await this.linksFor(caller);
    const organization = await directory.getOrganization(organizationId);
    const allowed = await this.organizationProblem(directory, links, user, organization, flow.kind);
    if (allowed) return { ok: false, problem: allowed };
    const org = organization as Organization;
    const link = await links(org);

    const moved = await this.advance(caller, flow.id, (f) => {
      f.organizationId = org.id;
      delete f.subscriptionId;
      // What the user is shown as paying now; confirming refuses if it has changed meanwhile.
      if (link) f.expectedSubscriptionId = link.subscriptionId;
      else delete f.expectedSubscriptionId;
    });
    if (!moved.ok) return moved;

    if (flow.kind === 'remove') {
      const current = link ? await directory.getSubscription(link.subscriptionId) : undefined;
      const reset = this.resetChange(this.store.read(), org.id);
      return success<ConfirmStep>({ flow: moved.value, organization: named(org), from: namedSubscription(link?.subscriptionId, current), ...(reset ? { quantities: reset } : {}) });
    }
    const current = link ? namedSubscription(link.subscriptionId, await directory.getSubscription(link.subscriptionId)) : undefined;
    const subscriptions = await this.subscriptionOptions(directory, user, org, current?.id);
    return success<SubscriptionStep>({ flow: moved.value, organization: named(org), current, subscriptions });
  }

  async chooseSubscription(caller: Caller, flowId: string, subscriptionId: string): Promise<Outcome<ConfirmStep>> {
    const directory = await this.directoryFor(caller);
    const checked = await this.openFlow(directory, caller, flowId);
    if (!checked.ok) return checked;
    const { flow, user } = checked.value;
    if (flow.kind === 'remove' || !flow.organizationId) {
      return refusal('flow-out-of-order', `Pick the organization first. Type "${FLOW_COMMAND[flow.kind]}" to start again.`);
    }
    const plan = await this.checkPlan(directory, await this.linksFor(caller), user, flow.kind, flow.organizationId, subscriptionId);
    if (!plan.ok) return plan;
    const moved = await this.advance(caller, flow.id, (f) => {
      f.subscriptionId = subscriptionId;
      // The confirmation card shows this "from"; confirming refuses if it changes before the click.
      if (plan.value.from) f.expectedSubscriptionId = plan.value.from.id;
    });
    if (!moved.ok) return moved;
    const purchase = this.purchaseChange(flow);
    return success({ flow: moved.value, organization: plan.value.organization, from: plan.value.from, to: plan.value.to, ...(purchase ? { quantities: purchase } : {}) });
  }

  /**
   * Makes the change the flow describes, after checking every rule again with fresh data. Removal
   * needs `acknowledged`: the user has read that paid quantities fall to the free tier at once.
   */
  async confirm(caller: Caller, flowId: string, acknowledged: boolean): Promise<Outcome<BillingChange | PendingBillingChange>> {
    const directory = await this.directoryFor(caller);
    const checked = await this.openFlow(directory, caller, flowId);
    if (!checked.ok) return checked;
    const { flow, user } = checked.value;
    if (!flow.organizationId || (flow.kind !== 'remove' && !flow.subscriptionId)) {
      return refusal('flow-out-of-order', `Some choices are missing. Type "${FLOW_COMMAND[flow.kind]}" to start again.`);
    }
    if (flow.kind === 'remove' && !acknowledged) {
      return refusal('confirmation-required', 'Tick the box to confirm that paid quantities fall back to the free tier at once, then press "Remove billing" again.');
    }
    const plan = await this.checkPlan(directory, await this.linksFor(caller), user, flow.kind, flow.organizationId, flow.subscriptionId);
    if (!plan.ok) return plan;
    if (this.billingLinksFor) return this.requestLinkChange(directory, await this.billingLinksFor(caller), caller, flow, user, plan.value);
    const { organization } = plan.value;
    const at = this.now().toISOString();
    const eventId = this.newId();

    const saved = await mutation(() =>
      this.store.update((state) => {
        const current = state.flows[flow.id];
        const stale = flowProblem(current, caller, this.now(), user.displayName);
        if (stale) throw new Refused(stale);
        // Decide from the state as it is at the moment of writing: another flow may have linked,
        // changed or removed this organization since the checks above.
        const link = state.links[organization.id];
        if (flow.kind === 'setup' && link) {
          throw new Refused(alreadyLinked(organization));
        }
        if (flow.kind !== 'setup' && (link === undefined || link.subscriptionId !== current?.expectedSubscriptionId)) {
          throw new Refused({ code: 'not-linked', message: `Billing of ${organization.name} changed while you were deciding, so nothing was done. Type "status" to see it now.` });
        }
        // Paid quantities move with the link in this same write: a first purchase is made with the
        // set-up, and removal drops to the free tier; a crash can never keep one without the other.
        // The event that tells the billing managers is saved with them, and carries both.
        return this.recordLinkChange(state, current as Flow, user, plan.value, eventId, at);
      }),
      this.reportError,
    );
    if (!saved.ok) return saved;
    return success(await this.toldOfLinkChange(directory, saved.value, user, plan.value, at));
  }

  async cancel(caller: Caller, flowId: string): Promise<Outcome<{ readonly kind: FlowKind }>> {
    const checked = await this.openFlow(await this.directoryFor(caller), caller, flowId);
    if (!checked.ok) return checked;
    const at = this.now().toISOString();
    const moved = await this.advance(caller, flowId, (f) => {
      f.status = 'cancelled';
      f.finishedAt = at;
    });
    return moved.ok ? success({ kind: moved.value.kind }) : moved;
  }

  /** Cancels every open flow the caller has in this conversation; returns how many. */
  async cancelAll(caller: Caller): Promise<Outcome<number>> {
    const at = this.now().toISOString();
    return mutation(() =>
      this.store.update((state) => {
        const open = Object.values(state.flows).filter((f) => isOpenFlowOf(f, caller, new Date(at)));
        for (const f of open) {
          f.status = 'cancelled';
          f.finishedAt = at;
        }
        return open.length;
      }),
      this.reportError,
    );
  }

  async status(caller: Caller): Promise<Outcome<OrganizationStatus[]>> {
    const directory = await this.directoryFor(caller);
    const user = await directoryUserOf(directory, caller);
    if (!user) return unknownCaller(caller);
    const shared = caller.shared === true;
    const state = this.store.read();
    if (!this.billingLinksFor) return success(await buildStatus(directory, state.links, user, shared, state.quantities));
    const links = await this.linksFor(caller);
    const current: Record<string, BillingLink> = {};
    for (const organization of await directory.organizationsOf(user.id)) {
      const link = await links(organization);
      if (link) current[organization.id] = link;
    }
    // Paid quantities live in Azure DevOps, which the bot does not read: it shows none rather than guess.
    return success(await buildStatus(directory, current, user, shared));
  }

  private async organizationOptions(directory: DirectoryPort, links: LinkReader, user: DirectoryUser, kind: FlowKind): Promise<OrganizationOption[]> {
    const organizations = await directory.organizationsOf(user.id);
    const options = await Promise.all(
      organizations.map(async (org): Promise<OrganizationOption> => {
        const link = await links(org);
        const problem = await this.organizationProblem(directory, links, user, org, kind);
        const isPca = organizationAccess(user.id, org) === 'project-collection-administrator';
        const currentSubscription = link && isPca
          ? namedSubscription(link.subscriptionId, await directory.getSubscription(link.subscriptionId))
          : undefined;
        return { ...named(org), selectable: !problem, ...(problem ? { reason: problem.message } : {}), ...(currentSubscription ? { currentSubscription } : {}) };
      }),
    );
    return options.sort((a, b) => Number(b.selectable) - Number(a.selectable) || a.name.localeCompare(b.name));
  }

  /** Why `user` cannot pick `organization` in a flow of `kind`; undefined when they can. */
  private async organizationProblem(directory: DirectoryPort, links: LinkReader, user: DirectoryUser, organization: Organization | undefined, kind: FlowKind): Promise<Problem | undefined> {
    if (!organization) {
      return { code: 'organization-not-found', message: 'That organization does not exist, or you cannot see it. Nothing was changed.' };
    }
    const access = organizationAccess(user.id, organization);
    if (access === 'none') {
      // Same words as a missing organization: a forged id must not learn another tenant's names.
      return { code: 'not-a-member', message: 'That organization does not exist, or you are not a member of it. Nothing was changed.' };
    }
    if (access === 'member') {
      const owner = await nameOf(directory, organization.ownerId);
      return {
        code: 'not-project-collection-administrator',
        message: `Only project collection administrators can ${FLOW_COMMAND[kind]}. Ask ${owner} (the organization owner) to make you one, or to do it.`,
      };
    }
    const link = await links(organization);
    if (kind === 'setup' && link) return alreadyLinked(organization);
    if (kind !== 'setup' && !link) {
      return { code: 'not-linked', message: `Billing is not set up for ${organization.name} yet. Type "set up billing" to set it up.` };
    }
    if (kind === 'remove' && link) {
      const assignments = await directory.roleAssignmentsOn(link.subscriptionId);
      if (!isBillingManager(user.id, assignments)) {
        const owners = await namesOf(directory, principalsWith(assignments, ['Owner']));
        return {
          code: 'missing-subscription-role',
          message: `To remove billing you need Owner or Contributor on the subscription that pays for ${organization.name}. ${owners.length ? `Ask ${joinNames(owners)} (Owner) to grant you Contributor.` : 'Ask an Owner of that subscription to grant you Contributor.'}`,
        };
      }
    }
    return undefined;
  }

  private async subscriptionOptions(directory: DirectoryPort, user: DirectoryUser, organization: Organization, currentId: string | undefined): Promise<SubscriptionOption[]> {
    const subscriptions = await directory.subscriptionsVisibleTo(user.id);
    const options = await Promise.all(
      subscriptions
        .filter((s) => s.id !== currentId)
        .map(async (subscription): Promise<SubscriptionOption> => {
          const assignments = await directory.roleAssignmentsOn(subscription.id);
          const codes = ineligibilityReasons(subscription, organization, user.id, assignments);
          const owners = codes.includes('missing-role') ? await namesOf(directory, principalsWith(assignments, ['Owner'])) : [];
          return {
            ...namedSubscription(subscription.id, subscription),
            offer: subscription.quotaId,
            selectable: codes.length === 0,
            problems: codes.map((code) => explainIneligibility(code, subscription, owners)),
          };
        }),
    );
    return options.sort((a, b) => Number(b.selectable) - Number(a.selectable) || a.name.localeCompare(b.name));
  }

  /** Checks, with fresh data, that `user` may make the change a flow describes, and names its parts. */
  private async checkPlan(
    directory: DirectoryPort,
    links: LinkReader,
    user: DirectoryUser,
    kind: FlowKind,
    organizationId: string,
    subscriptionId: string | undefined,
  ): Promise<Outcome<{ organization: Named; from?: Named; to?: Named; toTenantId?: string }>> {
    const organization = await directory.getOrganization(organizationId);
    const problem = await this.organizationProblem(directory, links, user, organization, kind);
    if (problem) return { ok: false, problem };
    const org = organization as Organization;
    const link = await links(org);
    const from = link ? namedSubscription(link.subscriptionId, await directory.getSubscription(link.subscriptionId)) : undefined;
    if (kind === 'remove') return success({ organization: named(org), from });

    const subscription = subscriptionId ? await directory.getSubscription(subscriptionId) : undefined;
    const assignments = subscription ? await directory.roleAssignmentsOn(subscription.id) : [];
    // A subscription the user holds no role on is reported as missing, not described: its existence
    // is not theirs to learn.
    if (!subscription || !assignments.some((a) => a.principalId === user.id)) {
      return refusal('subscription-not-found', 'That subscription does not exist, or you have no access to it. Nothing was changed; pick one from the list.');
    }
    if (subscription.id === link?.subscriptionId) {
      return refusal('same-subscription', `${subscription.displayName} already pays for ${org.name}. Pick another subscription.`);
    }
    const codes = ineligibilityReasons(subscription, org, user.id, assignments);
    if (codes.length > 0) {
      const owners = await namesOf(directory, principalsWith(assignments, ['Owner']));
      const text = codes.map((c) => { const e = explainIneligibility(c, subscription, owners); return `${e.reason} ${e.fix}`; }).join(' ');
      return refusal('subscription-not-eligible', `${subscription.displayName} cannot pay for ${org.name}. ${text} Nothing was changed.`);
    }
    return success({ organization: named(org), from, to: namedSubscription(subscription.id, subscription), toTenantId: subscription.tenantId });
  }

  /**
   * The link reader for one request: the state file, or the caller's view of where the link truly
   * lives, each organization read once.
   */
  private async linksFor(caller: Caller): Promise<LinkReader> {
    const recorded = (organizationId: string): BillingLink | undefined => entryOf(this.store.read().links, organizationId);
    if (!this.billingLinksFor) return async (organization) => recorded(organization.id);
    const port = await this.billingLinksFor(caller);
    const read = new Map<string, Promise<BillingLink | undefined>>();
    return (organization) => {
      let link = read.get(organization.id);
      if (!link) {
        link = port.current({ id: organization.id, name: organization.name }).then((current) => current && linkFromSource(current, recorded(organization.id)));
        read.set(organization.id, link);
      }
      return link;
    };
  }

  /**
   * Asks the link's source for the change the confirmed flow describes. The change is complete when
   * reading back shows it; when the user has to make it themselves, the flow stays open for "Check again".
   */
  private async requestLinkChange(
    directory: DirectoryPort,
    port: BillingLinkPort,
    caller: Caller,
    flow: Flow,
    user: DirectoryUser,
    plan: { organization: Named; from?: Named; to?: Named; toTenantId?: string },
  ): Promise<Outcome<BillingChange | PendingBillingChange>> {
    // The confirmation showed what paid then; if the source shows otherwise now, it no longer says what would happen.
    if (flow.kind !== 'setup' && !sameSubscription(plan.from?.id, flow.expectedSubscriptionId)) {
      return refusal('not-linked', `Billing of ${plan.organization.name} changed while you were deciding, so nothing was done. Type "status" to see it now.`);
    }
    const target = linkTarget(plan.organization, plan.to, plan.toTenantId);
    const requested = await port.request({ ...target, requestedBy: user.id, at: this.now().toISOString() });
    if (requested.status === 'applied') return this.completeLinkChange(directory, caller, flow.id, user, plan);
    if (requested.status === 'not-applied') return refusal('billing-not-applied', requested.message);
    const moved = await this.advance(caller, flow.id, () => undefined);
    if (!moved.ok) return moved;
    return success<PendingBillingChange>({ pending: true, flow: moved.value, organization: plan.organization, from: plan.from, to: plan.to, url: requested.url, instruction: requested.instruction });
  }

  /**
   * "Check again" after the user changed billing on the organization's Billing settings page: reads
   * the link back and completes the flow once it shows the change. Azure DevOps checked the user's
   * permissions when they made it; here only the flow itself is checked.
   */
  async checkAgain(caller: Caller, flowId: string): Promise<Outcome<BillingChange | PendingBillingChange>> {
    const directory = await this.directoryFor(caller);
    const checked = await this.openFlow(directory, caller, flowId);
    if (!checked.ok) return checked;
    const { flow, user } = checked.value;
    if (!this.billingLinksFor || !flow.organizationId || (flow.kind !== 'remove' && !flow.subscriptionId)) {
      return refusal('flow-out-of-order', `There is nothing to check yet. Type "${FLOW_COMMAND[flow.kind]}" to start again.`);
    }
    const organization = await directory.getOrganization(flow.organizationId);
    if (!organization) return refusal('organization-not-found', 'That organization does not exist, or you cannot see it. Nothing was changed.');
    const subscription = flow.subscriptionId ? await directory.getSubscription(flow.subscriptionId) : undefined;
    const recorded = this.store.read().links[organization.id];
    const plan = {
      organization: named(organization),
      from: recorded ? namedSubscription(recorded.subscriptionId, await directory.getSubscription(recorded.subscriptionId)) : undefined,
      to: flow.subscriptionId ? namedSubscription(flow.subscriptionId, subscription) : undefined,
    };
    const port = await this.billingLinksFor(caller);
    const target = linkTarget(plan.organization, plan.to, subscription?.tenantId);
    const { done, current } = await port.check(target);
    if (done) return this.completeLinkChange(directory, caller, flow.id, user, plan);
    const manual = port.manualChange(target);
    if (!manual) return refusal('flow-out-of-order', `There is nothing to check: I make this change myself. Type "${FLOW_COMMAND[flow.kind]}" to start again.`);
    const moved = await this.advance(caller, flow.id, () => undefined);
    if (!moved.ok) return moved;
    const shows = current ? namedSubscription(current.subscriptionId, await directory.getSubscription(current.subscriptionId)).name : 'no subscription';
    return success<PendingBillingChange>({
      pending: true,
      flow: moved.value,
      ...plan,
      ...manual,
      notYet: `Not yet: ${organization.name}'s billing settings still show ${shows}. Make the change there, then press "Check again".`,
    });
  }

  /**
   * Records a change its source confirmed: the flow is completed and audited, and the event that tells
   * the billing managers is saved in the same write; they are told after it.
   */
  private async completeLinkChange(
    directory: DirectoryPort,
    caller: Caller,
    flowId: string,
    user: DirectoryUser,
    plan: LinkPlan,
  ): Promise<Outcome<BillingChange>> {
    const at = this.now().toISOString();
    const eventId = this.newId();
    const saved = await mutation(() =>
      this.store.update((state) => {
        const current = entryOf(state.flows, flowId);
        const stale = flowProblem(current, caller, this.now(), user.displayName);
        if (stale) throw new Refused(stale);
        // The bot's own record of who changed billing through it; the truth stays at the source.
        return this.recordLinkChange(state, current as Flow, user, plan, eventId, at);
      }),
      this.reportError,
    );
    if (!saved.ok) return saved;
    return success(await this.toldOfLinkChange(directory, saved.value, user, plan, at));
  }

  /**
   * Inside the write that makes a billing change: the link, the completed flow, the audit entry, the
   * paid quantities that move with the link, and the event that tells the billing managers.
   */
  private recordLinkChange(state: BotState, done: Flow, user: DirectoryUser, plan: LinkPlan, eventId: string, at: string): RecordedLinkChange {
    const { organization, from, to } = plan;
    if (done.kind === 'remove') delete state.links[organization.id];
    else state.links[organization.id] = nextLink(state.links[organization.id], organization.id, (to as Named).id, user.id, at);
    done.status = 'completed';
    done.finishedAt = at;
    done.outcome = describeOutcome(done.kind, organization, from, to, done.pendingPurchase !== undefined);
    state.audit.push({
      id: eventId,
      at,
      actorId: user.id,
      action: AUDIT_ACTION[done.kind],
      organizationId: organization.id,
      ...(from ? { fromSubscriptionId: from.id } : {}),
      ...(to ? { toSubscriptionId: to.id } : {}),
    });
    const quantities = this.quantitiesWithLink(state, done, user.id, at);
    const event: BillingLinkEvent = {
      id: eventId,
      kind: AUDIT_ACTION[done.kind],
      organization,
      from,
      to,
      actor: namedUser(user),
      at,
      ...(quantities ? { quantities: recordedQuantities(quantities) } : {}),
    };
    recordChangeEvent(state, event);
    return { flow: viewOf(done), quantities, event };
  }

  /** After the change is saved: the billing managers are told, and the result names who manages billing now. */
  private async toldOfLinkChange(directory: DirectoryPort, saved: RecordedLinkChange, user: DirectoryUser, plan: LinkPlan, at: string): Promise<BillingChange> {
    const { organization, from, to } = plan;
    const notifications = await announce(this.listener, saved.event, this.reportError, directory);
    const managers = to ? await namesOfManagers(directory, to.id) : undefined;
    return {
      flow: saved.flow, organization, from, to, by: namedUser(user), at, notifications, managers, ...(saved.quantities ? { quantities: saved.quantities } : {}),
    };
  }

  private newFlow(caller: Caller, user: DirectoryUser, kind: FlowKind): Flow {
    const now = this.now();
    return {
      id: this.newId(),
      kind,
      ownerId: user.id,
      tenantId: user.tenantId,
      conversationId: caller.conversationId,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.flowTtlMs).toISOString(),
      status: 'open',
    };
  }

  private saveNewFlow(flow: Flow): Promise<Outcome<ReturnType<typeof viewOf>>> {
    const stale = this.staleFlows.due(this.store.read().flows, this.now());
    return mutation(() =>
      this.store.update((state) => {
        for (const id of stale) delete state.flows[id];
        state.flows[flow.id] = flow;
        return viewOf(flow);
      }),
      this.reportError,
    );
  }

  /** A set-up's pending first purchase, from the free tier to what was chosen. */
  private purchaseChange(flow: Flow): QuantityChange | undefined {
    return flow.pendingPurchase ? describeChange(FREE_TIER, flow.pendingPurchase, this.prices) : undefined;
  }

  /** What removing billing does to paid quantities; undefined when there are none to drop. */
  private resetChange(state: Readonly<BotState>, organizationId: string): QuantityChange | undefined {
    const paid = paidQuantitiesOf(state.quantities, organizationId);
    return isFreeTier(paid) ? undefined : describeChange(paid, FREE_TIER, this.prices);
  }

  /** Inside confirm's write: applies a set-up's pending purchase, or removal's reset to the free tier. */
  private quantitiesWithLink(state: BotState, flow: Flow, actorId: string, at: string): QuantityChange | undefined {
    const organizationId = flow.organizationId as string;
    if (flow.kind === 'setup' && flow.pendingPurchase) {
      const from = writeQuantities(state, { organizationId, to: flow.pendingPurchase, actorId, at, action: 'quantities.purchase', auditId: this.newId() });
      return describeChange(from, flow.pendingPurchase, this.prices);
    }
    if (flow.kind === 'remove') {
      const reset = this.resetChange(state, organizationId);
      if (reset) writeQuantities(state, { organizationId, to: FREE_TIER, actorId, at, action: 'quantities.reset', auditId: this.newId() });
      return reset;
    }
    return undefined;
  }

  /** Loads the flow and the caller, refusing when the caller may not act on it now. */
  private async openFlow(directory: DirectoryPort, caller: Caller, flowId: string): Promise<Outcome<{ flow: Flow; user: DirectoryUser }>> {
    const flow = entryOf(this.store.read().flows, flowId);
    const ownerName = flow ? await nameOf(directory, flow.ownerId) : '';
    const problem = flowProblem(flow, caller, this.now(), ownerName);
    if (problem) return { ok: false, problem };
    const user = await directoryUserOf(directory, caller);
    if (!user) return unknownCaller(caller);
    return success({ flow: flow as Flow, user });
  }

  /** Moves an open flow a step on (and keeps it alive), re-checking it inside the write. */
  private advance(caller: Caller, flowId: string, change: (flow: Flow) => void): Promise<Outcome<ReturnType<typeof viewOf>>> {
    return mutation(() =>
      this.store.update((state) => {
        const flow = entryOf(state.flows, flowId);
        const problem = flowProblem(flow, caller, this.now(), '');
        if (problem) throw new Refused(problem);
        const current = flow as Flow;
        change(current);
        current.expiresAt = new Date(this.now().getTime() + this.flowTtlMs).toISOString();
        return viewOf(current);
      }),
      this.reportError,
    );
  }

}

/** Who can manage billing paid by this subscription, named. */
async function namesOfManagers(directory: DirectoryPort, subscriptionId: string): Promise<Named[]> {
  const ids = principalsWith(await directory.roleAssignmentsOn(subscriptionId), BILLING_ROLES);
  return (await directory.getUsers(ids)).map(namedUser);
}

async function nameOf(directory: DirectoryPort, userId: string): Promise<string> {
  return (await directory.getUser(userId))?.displayName ?? 'an administrator';
}

/** Reads the billing link of one organization, as the rules need it. */
/** What a billing change does: the organization, and the subscriptions paying before and after. */
interface LinkPlan {
  readonly organization: Named;
  readonly from?: Named;
  readonly to?: Named;
}

/** What the write of a billing change saved, for the answer and the notifications after it. */
interface RecordedLinkChange {
  readonly flow: FlowView;
  readonly quantities: QuantityChange | undefined;
  readonly event: BillingLinkEvent;
}

type LinkReader = (organization: { readonly id: string; readonly name: string }) => Promise<BillingLink | undefined>;

/**
 * A link read from its source, with the bot's record of who set it up when that record still
 * describes it. A link made elsewhere has no known author here.
 */
function linkFromSource(current: CurrentBillingLink, recorded: BillingLink | undefined): BillingLink {
  if (recorded && recorded.subscriptionId.toLowerCase() === current.subscriptionId.toLowerCase()) return recorded;
  return { organizationId: current.organizationId, subscriptionId: current.subscriptionId, linkedBy: '', linkedAt: current.updatedAt ?? '' };
}

function sameSubscription(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/**
 * With the link kept by Azure DevOps the bot cannot make a first purchase in the same write as the
 * set-up (the user may finish the set-up there and never come back), so it does not start one.
 */
function purchaseNotAtomic<T>(): Outcome<T> {
  return refusal('not-available-here', 'A first purchase cannot be made together with setting up billing here, because Azure DevOps keeps the billing link. Type "set up billing" first, then buy paid quantities on the organization\'s Billing settings page in Azure DevOps.');
}

function linkTarget(organization: Named, to: Named | undefined, tenantId: string | undefined): BillingLinkTarget {
  return { organization, ...(to ? { subscription: { id: to.id, name: to.name, tenantId: tenantId ?? '' } } : {}) };
}

/** A subscription the directory no longer knows is still named, by its id, so nothing shows blank. */
function namedSubscription(id: string, subscription: Subscription | undefined): Named;
function namedSubscription(id: string | undefined, subscription: Subscription | undefined): Named | undefined;
function namedSubscription(id: string | undefined, subscription: Subscription | undefined): Named | undefined {
  if (id === undefined) return undefined;
  return { id, name: subscription?.displayName ?? `subscription ${id}` };
}

function nextLink(previous: BillingLink | undefined, organizationId: string, subscriptionId: string, userId: string, at: string): BillingLink {
  if (!previous) return { organizationId, subscriptionId, linkedBy: userId, linkedAt: at };
  return { ...previous, subscriptionId, changedBy: userId, changedAt: at };
}

function alreadyLinked(organization: Named): Problem {
  return { code: 'already-linked', message: `Billing for ${organization.name} is already set up. Type "change billing" to move it to another subscription.` };
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

