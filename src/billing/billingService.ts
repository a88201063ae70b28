import { randomUUID } from 'node:crypto';
import type { DirectoryPort } from '../directory/port';
import type { DirectoryUser, Organization, Subscription } from '../directory/types';
import { StateWriteError, type StateStore } from '../store/port';
import type { AuditAction, BillingLink, Flow, FlowKind } from '../store/state';
import { ignoreChanges, type BillingChangeListener } from './changeListener';
import { ineligibilityReasons } from './eligibility';
import { explainIneligibility, joinNames } from './explanations';
import { FLOW_COMMAND, FLOW_PRUNE_INTERVAL_MS, Refused, flowProblem, staleFlowIds, viewOf } from './flows';
import { organizationAccess } from './organizationAccess';
import { refusal, success, type Outcome, type Problem } from './problems';
import { isBillingManager, principalsWith } from './roles';
import { buildStatus } from './statusReport';
import type {
  BillingChange, Caller, ConfirmStep, Named, OrganizationOption, OrganizationStatus, OrganizationStep,
  SubscriptionOption, SubscriptionStep,
} from './views';

export interface BillingServiceDeps {
  readonly directory: DirectoryPort;
  readonly store: StateStore;
  readonly flowTtlMs: number;
  readonly now?: () => Date;
  readonly newId?: () => string;
  readonly listener?: BillingChangeListener;
  /** Told about storage failures, which users only see as "nothing was changed". */
  readonly reportError?: (error: unknown) => void;
}

const AUDIT_ACTION: Record<FlowKind, AuditAction> = {
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
  private readonly directory: DirectoryPort;
  private readonly store: StateStore;
  private readonly flowTtlMs: number;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly listener: BillingChangeListener;
  private readonly reportError: (error: unknown) => void;
  /** When old flows were last looked for; looking at every flow on every start cost a turn more as they piled up. */
  private prunedAt: number | undefined;

  constructor(deps: BillingServiceDeps) {
    this.directory = deps.directory;
    this.store = deps.store;
    this.flowTtlMs = deps.flowTtlMs;
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
    this.listener = deps.listener ?? ignoreChanges;
    this.reportError = deps.reportError ?? (() => undefined);
  }

  /** Starts a set-up, change or removal and lists the organizations, each with whether it can be picked. */
  async startFlow(caller: Caller, kind: FlowKind): Promise<Outcome<OrganizationStep>> {
    const user = await this.callerUser(caller);
    if (!user) return unknownUser(caller);
    const organizations = await this.organizationOptions(user, kind);
    const now = this.now();
    const flow: Flow = {
      id: this.newId(),
      kind,
      ownerId: user.id,
      tenantId: user.tenantId,
      conversationId: caller.conversationId,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.flowTtlMs).toISOString(),
      status: 'open',
    };
    const stale = this.flowsDueForPruning(now);
    return this.mutate(async () => {
      await this.store.update((state) => {
        for (const id of stale) delete state.flows[id];
        state.flows[flow.id] = flow;
      });
      return { flow: viewOf(flow), organizations };
    });
  }

  /** The organization step's answer: for set-up and change, the subscriptions; for removal, the confirmation. */
  async chooseOrganization(caller: Caller, flowId: string, organizationId: string): Promise<Outcome<SubscriptionStep | ConfirmStep>> {
    const checked = await this.openFlow(caller, flowId);
    if (!checked.ok) return checked;
    const { flow, user } = checked.value;
    const organization = await this.directory.getOrganization(organizationId);
    const allowed = await this.organizationProblem(user, organization, flow.kind);
    if (allowed) return { ok: false, problem: allowed };
    const org = organization as Organization;
    const link = this.store.read().links[org.id];

    const moved = await this.advance(caller, flow.id, (f) => {
      f.organizationId = org.id;
      delete f.subscriptionId;
      // What the user is shown as paying now; confirming refuses if it has changed meanwhile.
      if (link) f.expectedSubscriptionId = link.subscriptionId;
      else delete f.expectedSubscriptionId;
    });
    if (!moved.ok) return moved;

    if (flow.kind === 'remove') {
      const current = link ? await this.directory.getSubscription(link.subscriptionId) : undefined;
      return success<ConfirmStep>({ flow: moved.value, organization: named(org), from: namedSubscription(link?.subscriptionId, current) });
    }
    const current = link ? namedSubscription(link.subscriptionId, await this.directory.getSubscription(link.subscriptionId)) : undefined;
    const subscriptions = await this.subscriptionOptions(user, org, current?.id);
    return success<SubscriptionStep>({ flow: moved.value, organization: named(org), current, subscriptions });
  }

  async chooseSubscription(caller: Caller, flowId: string, subscriptionId: string): Promise<Outcome<ConfirmStep>> {
    const checked = await this.openFlow(caller, flowId);
    if (!checked.ok) return checked;
    const { flow, user } = checked.value;
    if (flow.kind === 'remove' || !flow.organizationId) {
      return refusal('flow-out-of-order', `Pick the organization first. Type "${FLOW_COMMAND[flow.kind]}" to start again.`);
    }
    const plan = await this.checkPlan(user, flow.kind, flow.organizationId, subscriptionId);
    if (!plan.ok) return plan;
    const moved = await this.advance(caller, flow.id, (f) => {
      f.subscriptionId = subscriptionId;
      // The confirmation card shows this "from"; confirming refuses if it changes before the click.
      if (plan.value.from) f.expectedSubscriptionId = plan.value.from.id;
    });
    if (!moved.ok) return moved;
    return success({ flow: moved.value, organization: plan.value.organization, from: plan.value.from, to: plan.value.to });
  }

  /**
   * Makes the change the flow describes, after checking every rule again with fresh data. Removal
   * needs `acknowledged`: the user has read that paid quantities fall to the free tier at once.
   */
  async confirm(caller: Caller, flowId: string, acknowledged: boolean): Promise<Outcome<BillingChange>> {
    const checked = await this.openFlow(caller, flowId);
    if (!checked.ok) return checked;
    const { flow, user } = checked.value;
    if (!flow.organizationId || (flow.kind !== 'remove' && !flow.subscriptionId)) {
      return refusal('flow-out-of-order', `Some choices are missing. Type "${FLOW_COMMAND[flow.kind]}" to start again.`);
    }
    if (flow.kind === 'remove' && !acknowledged) {
      return refusal('confirmation-required', 'Tick the box to confirm that paid quantities fall back to the free tier at once, then press "Remove billing" again.');
    }
    const plan = await this.checkPlan(user, flow.kind, flow.organizationId, flow.subscriptionId);
    if (!plan.ok) return plan;
    const { organization, from, to } = plan.value;
    const at = this.now().toISOString();
    const outcome = describeOutcome(flow.kind, organization, from, to);

    const saved = await this.mutate(() =>
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
        if (flow.kind === 'remove') {
          delete state.links[organization.id];
        } else {
          state.links[organization.id] = nextLink(link, organization.id, (to as Named).id, user.id, at);
        }
        const done = current as Flow;
        done.status = 'completed';
        done.finishedAt = at;
        done.outcome = outcome;
        state.audit.push({
          id: this.newId(),
          at,
          actorId: user.id,
          action: AUDIT_ACTION[flow.kind],
          organizationId: organization.id,
          ...(from ? { fromSubscriptionId: from.id } : {}),
          ...(to ? { toSubscriptionId: to.id } : {}),
        });
        return viewOf(done);
      }),
    );
    if (!saved.ok) return saved;
    const change: BillingChange = { flow: saved.value, organization, from, to, by: named(user), at };
    try {
      this.listener.billingChanged(flow.kind, change);
    } catch (error) {
      // The change is saved; failing to announce it must not make the user think it was not.
      this.reportError(error);
    }
    return success(change);
  }

  async cancel(caller: Caller, flowId: string): Promise<Outcome<{ readonly kind: FlowKind }>> {
    const checked = await this.openFlow(caller, flowId);
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
    return this.mutate(() =>
      this.store.update((state) => {
        const open = Object.values(state.flows).filter(
          (f) => f.ownerId === caller.userId && f.conversationId === caller.conversationId && f.status === 'open' && Date.parse(f.expiresAt) >= Date.parse(at),
        );
        for (const f of open) {
          f.status = 'cancelled';
          f.finishedAt = at;
        }
        return open.length;
      }),
    );
  }

  async status(caller: Caller): Promise<Outcome<OrganizationStatus[]>> {
    const user = await this.callerUser(caller);
    if (!user) return unknownUser(caller);
    return success(await buildStatus(this.directory, this.store.read().links, user, caller.shared === true));
  }

  private async organizationOptions(user: DirectoryUser, kind: FlowKind): Promise<OrganizationOption[]> {
    const organizations = await this.directory.organizationsOf(user.id);
    const links = this.store.read().links;
    const options = await Promise.all(
      organizations.map(async (org): Promise<OrganizationOption> => {
        const link = links[org.id];
        const problem = await this.organizationProblem(user, org, kind);
        const isPca = organizationAccess(user.id, org) === 'project-collection-administrator';
        const currentSubscription = link && isPca
          ? namedSubscription(link.subscriptionId, await this.directory.getSubscription(link.subscriptionId))
          : undefined;
        return { ...named(org), selectable: !problem, ...(problem ? { reason: problem.message } : {}), ...(currentSubscription ? { currentSubscription } : {}) };
      }),
    );
    return options.sort((a, b) => Number(b.selectable) - Number(a.selectable) || a.name.localeCompare(b.name));
  }

  /** Why `user` cannot pick `organization` in a flow of `kind`; undefined when they can. */
  private async organizationProblem(user: DirectoryUser, organization: Organization | undefined, kind: FlowKind): Promise<Problem | undefined> {
    if (!organization) {
      return { code: 'organization-not-found', message: 'That organization does not exist, or you cannot see it. Nothing was changed.' };
    }
    const access = organizationAccess(user.id, organization);
    if (access === 'none') {
      // Same words as a missing organization: a forged id must not learn another tenant's names.
      return { code: 'not-a-member', message: 'That organization does not exist, or you are not a member of it. Nothing was changed.' };
    }
    if (access === 'member') {
      const owner = await this.nameOf(organization.ownerId);
      return {
        code: 'not-project-collection-administrator',
        message: `Only project collection administrators can ${FLOW_COMMAND[kind]}. Ask ${owner} (the organization owner) to make you one, or to do it.`,
      };
    }
    const link = this.store.read().links[organization.id];
    if (kind === 'setup' && link) return alreadyLinked(organization);
    if (kind !== 'setup' && !link) {
      return { code: 'not-linked', message: `Billing is not set up for ${organization.name} yet. Type "set up billing" to set it up.` };
    }
    if (kind === 'remove' && link) {
      const assignments = await this.directory.roleAssignmentsOn(link.subscriptionId);
      if (!isBillingManager(user.id, assignments)) {
        const owners = await this.namesOf(principalsWith(assignments, ['Owner']));
        return {
          code: 'missing-subscription-role',
          message: `To remove billing you need Owner or Contributor on the subscription that pays for ${organization.name}. ${owners.length ? `Ask ${joinNames(owners)} (Owner) to grant you Contributor.` : 'Ask an Owner of that subscription to grant you Contributor.'}`,
        };
      }
    }
    return undefined;
  }

  private async subscriptionOptions(user: DirectoryUser, organization: Organization, currentId: string | undefined): Promise<SubscriptionOption[]> {
    const subscriptions = await this.directory.subscriptionsVisibleTo(user.id);
    const options = await Promise.all(
      subscriptions
        .filter((s) => s.id !== currentId)
        .map(async (subscription): Promise<SubscriptionOption> => {
          const assignments = await this.directory.roleAssignmentsOn(subscription.id);
          const codes = ineligibilityReasons(subscription, organization, user.id, assignments);
          const owners = codes.includes('missing-role') ? await this.namesOf(principalsWith(assignments, ['Owner'])) : [];
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
    user: DirectoryUser,
    kind: FlowKind,
    organizationId: string,
    subscriptionId: string | undefined,
  ): Promise<Outcome<{ organization: Named; from?: Named; to?: Named }>> {
    const organization = await this.directory.getOrganization(organizationId);
    const problem = await this.organizationProblem(user, organization, kind);
    if (problem) return { ok: false, problem };
    const org = organization as Organization;
    const link = this.store.read().links[org.id];
    const from = link ? namedSubscription(link.subscriptionId, await this.directory.getSubscription(link.subscriptionId)) : undefined;
    if (kind === 'remove') return success({ organization: named(org), from });

    const subscription = subscriptionId ? await this.directory.getSubscription(subscriptionId) : undefined;
    const assignments = subscription ? await this.directory.roleAssignmentsOn(subscription.id) : [];
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
      const owners = await this.namesOf(principalsWith(assignments, ['Owner']));
      const text = codes.map((c) => { const e = explainIneligibility(c, subscription, owners); return `${e.reason} ${e.fix}`; }).join(' ');
      return refusal('subscription-not-eligible', `${subscription.displayName} cannot pay for ${org.name}. ${text} Nothing was changed.`);
    }
    return success({ organization: named(org), from, to: namedSubscription(subscription.id, subscription) });
  }

  /** Flows long finished, at most once per FLOW_PRUNE_INTERVAL_MS; they cannot change any more, so the committed state says which. */
  private flowsDueForPruning(now: Date): string[] {
    if (this.prunedAt !== undefined && now.getTime() - this.prunedAt < FLOW_PRUNE_INTERVAL_MS) return [];
    this.prunedAt = now.getTime();
    return staleFlowIds(this.store.read().flows, now);
  }

  /** Loads the flow and the caller, refusing when the caller may not act on it now. */
  private async openFlow(caller: Caller, flowId: string): Promise<Outcome<{ flow: Flow; user: DirectoryUser }>> {
    const flow = this.store.read().flows[flowId];
    const ownerName = flow ? await this.nameOf(flow.ownerId) : '';
    const problem = flowProblem(flow, caller, this.now(), ownerName);
    if (problem) return { ok: false, problem };
    const user = await this.callerUser(caller);
    if (!user) return unknownUser(caller);
    return success({ flow: flow as Flow, user });
  }

  /** Moves an open flow a step on (and keeps it alive), re-checking it inside the write. */
  private advance(caller: Caller, flowId: string, change: (flow: Flow) => void): Promise<Outcome<ReturnType<typeof viewOf>>> {
    return this.mutate(() =>
      this.store.update((state) => {
        const flow = state.flows[flowId];
        const problem = flowProblem(flow, caller, this.now(), '');
        if (problem) throw new Refused(problem);
        const current = flow as Flow;
        change(current);
        current.expiresAt = new Date(this.now().getTime() + this.flowTtlMs).toISOString();
        return viewOf(current);
      }),
    );
  }

  /** Runs a state change, turning refusals and storage failures into values the user can read. */
  private async mutate<T>(work: () => Promise<T>): Promise<Outcome<T>> {
    try {
      return success(await work());
    } catch (error) {
      if (error instanceof Refused) return { ok: false, problem: error.problem };
      if (error instanceof StateWriteError) {
        this.reportError(error);
        return refusal('state-unavailable', "I could not save that: the bot's storage refused the write, so nothing was changed. Try again in a minute; if it keeps failing, tell whoever runs this bot.");
      }
      throw error;
    }
  }

  /**
   * The directory's record of the caller. Teams vouches for the caller's object id and tenant; a
   * caller whose tenant differs from the directory's record is treated as unknown, not trusted.
   */
  private async callerUser(caller: Caller): Promise<DirectoryUser | undefined> {
    const user = await this.directory.getUser(caller.userId);
    if (!user || (caller.tenantId !== undefined && caller.tenantId !== user.tenantId)) return undefined;
    return user;
  }

  private async nameOf(userId: string): Promise<string> {
    return (await this.directory.getUser(userId))?.displayName ?? 'an administrator';
  }

  private async namesOf(userIds: readonly string[]): Promise<string[]> {
    const users = await this.directory.getUsers(userIds);
    return users.map((u) => u.displayName);
  }
}

function named(thing: { id: string; name?: string; displayName?: string }): Named {
  return { id: thing.id, name: thing.name ?? thing.displayName ?? thing.id };
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

function unknownUser<T>(caller: Caller): Outcome<T> {
  return refusal('unknown-user', `I cannot find you (${caller.userId}) in the directory this bot uses, so I cannot check your permissions. Ask whoever runs this bot to add you.`);
}

function describeOutcome(kind: FlowKind, organization: Named, from: Named | undefined, to: Named | undefined): string {
  switch (kind) {
    case 'setup':
      return `${to?.name ?? 'the subscription'} pays for ${organization.name}`;
    case 'change':
      return `${organization.name} moved from ${from?.name ?? 'its old subscription'} to ${to?.name ?? 'the new one'}`;
    case 'remove':
      return `billing of ${organization.name} was removed`;
  }
}

