import { randomUUID } from 'node:crypto';
import { DirectoryChangeError, type DirectoryPort } from '../directory/port';
import type { DirectoryUser, Organization, RoleAssignment, Subscription } from '../directory/types';
import type { ManagerEvent, ManagerRole } from '../store/changeEvent';
import type { ManagerFlow, ManagerFlowKind } from '../store/notificationState';
import type { StateStore } from '../store/port';
import { announce, ignoreChanges, recordChangeEvent, type BillingChangeListener } from './changeListener';
import { progressProblem, Refused, StaleFlowSweep } from './flows';
import { listManagers } from './managerList';
import { additionProblem, billingManagerIds, grantorProblem, managerRolesOf, removalProblem, type GrantorContext } from './managerRules';
import type {
  ManagerChange, ManagerConfirmStep, ManagerFlowView, ManagerOrganizationOption, ManagerOrganizationStep, ManagerPersonStep,
  ManagerRoleStep, OrganizationManagers, PersonOption,
} from './managerViews';
import { organizationAccess } from './organizationAccess';
import { refusal, success, type Outcome, type Problem } from './problems';
import { principalsWith, ROLE_GRANTING_ROLES } from './roles';
import { directoryProvider, directoryUserOf, KeyedQueue, mutation, namedUser, unknownCaller, type DirectorySource } from './serviceSupport';
import type { Caller, Named } from './views';

export interface ManagerServiceDeps extends DirectorySource {
  /**
   * Where billing managers are added and removed instead, when this deployment cannot (DIRECTORY=azure):
   * `add manager` and `remove manager` then say so and change nothing; `managers` still lists them.
   */
  readonly changedElsewhere?: string;
  readonly store: StateStore;
  readonly flowTtlMs: number;
  readonly now?: () => Date;
  readonly newId?: () => string;
  readonly listener?: BillingChangeListener;
  readonly reportError?: (error: unknown) => void;
}

/** The command that starts each flow, as a user types it. */
export const MANAGER_COMMAND = { add: 'add manager', remove: 'remove manager' } as const satisfies Record<ManagerFlowKind, string>;

export type ManagerCommand = (typeof MANAGER_COMMAND)[ManagerFlowKind];

/** A long tenant is filtered, not scrolled: this many people at most on one card. */
export const MAX_PEOPLE_SHOWN = 25;

/** The organization, its billing subscription and that subscription's role assignments, all fresh. */
interface Target {
  readonly organization: Organization;
  readonly subscription: Subscription;
  readonly assignments: RoleAssignment[];
}

/**
 * Backup billing managers (BILLING.md): lists who manages billing, and walks a user through adding or
 * removing one: organization, person, role (for an addition), confirmation. Every step re-reads the
 * directory and the state; the grant itself goes through the directory port.
 */
export class ManagerService {
  private readonly directoryFor: (caller: Caller) => Promise<DirectoryPort>;
  private readonly changedElsewhere: string | undefined;
  private readonly store: StateStore;
  private readonly flowTtlMs: number;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly listener: BillingChangeListener;
  private readonly reportError: (error: unknown) => void;
  /** Changes to one subscription's managers happen one at a time (see the last-manager rule). */
  private readonly perSubscription = new KeyedQueue();
  private readonly staleFlows = new StaleFlowSweep();

  constructor(deps: ManagerServiceDeps) {
    this.directoryFor = directoryProvider(deps, 'ManagerService');
    this.changedElsewhere = deps.changedElsewhere;
    this.store = deps.store;
    this.flowTtlMs = deps.flowTtlMs;
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
    this.listener = deps.listener ?? ignoreChanges;
    this.reportError = deps.reportError ?? (() => undefined);
  }

  /**
   * The billing managers of each organization the caller belongs to, or only of the one named (by id or
   * name). In a shared conversation, only what every member may see: who they are, not the subscription.
   */
  async managers(caller: Caller, only?: { readonly id?: string; readonly name?: string }): Promise<Outcome<OrganizationManagers[]>> {
    const directory = await this.directoryFor(caller);
    const user = await directoryUserOf(directory, caller);
    if (!user) return unknownCaller(caller);
    const all = await listManagers(directory, this.store.read(), user, caller.shared === true);
    if (!only?.id && !only?.name) return success(all);
    const wanted = all.filter((o) => o.organization.id === only.id || o.organization.name.toLowerCase() === only.name?.toLowerCase());
    if (wanted.length === 0) {
      const what = only.name ? `an organization called "${only.name}"` : 'that organization';
      return refusal('organization-not-found', `You do not belong to ${what}. Type "managers" to see all of yours.`);
    }
    return success(wanted);
  }

  /** Starts adding or removing a manager. With an organization (a card's button), goes straight to the person. */
  async start(caller: Caller, kind: ManagerFlowKind, organizationId?: string): Promise<Outcome<ManagerOrganizationStep | ManagerPersonStep>> {
    if (this.changedElsewhere !== undefined) return changeElsewhere(this.changedElsewhere);
    const directory = await this.directoryFor(caller);
    const user = await directoryUserOf(directory, caller);
    if (!user) return unknownCaller(caller);
    const organizations = await this.organizationOptions(directory, user, kind);
    const now = this.now();
    const flow: ManagerFlow = {
      id: this.newId(),
      kind,
      ownerId: user.id,
      tenantId: user.tenantId,
      conversationId: caller.conversationId,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.flowTtlMs).toISOString(),
      status: 'open',
    };
    const stale = this.staleFlows.due(this.store.read().managerFlows, now);
    const saved = await mutation(() => this.store.update((state) => {
      for (const id of stale) delete state.managerFlows[id];
      state.managerFlows[flow.id] = flow;
    }), this.reportError);
    if (!saved.ok) return saved;
    if (organizationId && organizations.some((o) => o.id === organizationId && o.selectable)) {
      return this.chooseOrganization(caller, flow.id, organizationId);
    }
    return success({ flow: viewOf(flow), organizations });
  }

  async chooseOrganization(caller: Caller, flowId: string, organizationId: string): Promise<Outcome<ManagerPersonStep>> {
    const directory = await this.directoryFor(caller);
    const checked = await this.openFlow(directory, caller, flowId);
    if (!checked.ok) return checked;
    const { flow, user } = checked.value;
    const target = await this.target(directory, user, organizationId, flow.kind);
    if (!target.ok) return target;
    const moved = await this.advance(caller, flowId, (f) => {
      f.organizationId = organizationId;
      delete f.principalId;
      delete f.role;
    });
    if (!moved.ok) return moved;
    return success(await this.personStep(directory, moved.value, target.value, user, ''));
  }

  /** The person step again, narrowed to people whose name or address contains `filter`. */
  async filterPeople(caller: Caller, flowId: string, filter: string): Promise<Outcome<ManagerPersonStep>> {
    const directory = await this.directoryFor(caller);
    const checked = await this.openFlow(directory, caller, flowId);
    if (!checked.ok) return checked;
    const { flow, user } = checked.value;
    if (!flow.organizationId) return outOfOrder(flow.kind);
    const target = await this.target(directory, user, flow.organizationId, flow.kind);
    if (!target.ok) return target;
    const moved = await this.advance(caller, flowId, () => undefined);
    if (!moved.ok) return moved;
    return success(await this.personStep(directory, moved.value, target.value, user, filter.trim().slice(0, 100)));
  }

  async choosePerson(caller: Caller, flowId: string, principalId: string): Promise<Outcome<ManagerRoleStep | ManagerConfirmStep>> {
    const directory = await this.directoryFor(caller);
    const checked = await this.openFlow(directory, caller, flowId);
    if (!checked.ok) return checked;
    const { flow, user } = checked.value;
    if (!flow.organizationId) return outOfOrder(flow.kind);
    const target = await this.target(directory, user, flow.organizationId, flow.kind);
    if (!target.ok) return target;
    const person = await this.personProblem(directory, user, target.value, flow.kind, principalId);
    if (!person.ok) return person;
    const moved = await this.advance(caller, flowId, (f) => {
      f.principalId = principalId;
      delete f.role;
    });
    if (!moved.ok) return moved;
    const common = { flow: moved.value, organization: named(target.value.organization), subscription: namedSubscription(target.value.subscription), person: namedUser(person.value) };
    if (flow.kind === 'add') return success<ManagerRoleStep>(common);
    return success<ManagerConfirmStep>({ ...common, roles: managerRolesOf(principalId, target.value.assignments), self: principalId === user.id });
  }

  async chooseRole(caller: Caller, flowId: string, role: ManagerRole): Promise<Outcome<ManagerConfirmStep>> {
    const directory = await this.directoryFor(caller);
    const checked = await this.openFlow(directory, caller, flowId);
    if (!checked.ok) return checked;
    const { flow, user } = checked.value;
    if (flow.kind !== 'add' || !flow.organizationId || !flow.principalId) return outOfOrder(flow.kind);
    const target = await this.target(directory, user, flow.organizationId, flow.kind);
    if (!target.ok) return target;
    const person = await this.personProblem(directory, user, target.value, flow.kind, flow.principalId);
    if (!person.ok) return person;
    const moved = await this.advance(caller, flowId, (f) => {
      f.role = role;
    });
    if (!moved.ok) return moved;
    return success({
      flow: moved.value,
      organization: named(target.value.organization),
      subscription: namedSubscription(target.value.subscription),
      person: namedUser(person.value),
      roles: [role],
      self: false,
    });
  }

  /** Grants or takes away the role, after checking every rule again with fresh data. */
  async confirm(caller: Caller, flowId: string): Promise<Outcome<ManagerChange>> {
    const directory = await this.directoryFor(caller);
    const checked = await this.openFlow(directory, caller, flowId);
    if (!checked.ok) return checked;
    const { flow, user } = checked.value;
    const organizationId = flow.organizationId;
    const principalId = flow.principalId;
    if (!organizationId || !principalId || (flow.kind === 'add' && !flow.role)) return outOfOrder(flow.kind);
    const first = await this.target(directory, user, organizationId, flow.kind);
    if (!first.ok) return first;
    return this.perSubscription.run(first.value.subscription.id, async () => {
      // Fresh again inside the queue: a change that waited may find the world changed by the one before.
      const target = await this.target(directory, user, organizationId, flow.kind);
      if (!target.ok) return target;
      const person = await this.personProblem(directory, user, target.value, flow.kind, principalId);
      if (!person.ok) return person;
      const roles = flow.kind === 'add' ? [flow.role as ManagerRole] : managerRolesOf(principalId, target.value.assignments);
      return this.apply(directory, caller, flow, user, target.value, person.value, roles);
    });
  }

  async cancel(caller: Caller, flowId: string): Promise<Outcome<{ readonly kind: ManagerFlowKind }>> {
    const directory = await this.directoryFor(caller);
    const checked = await this.openFlow(directory, caller, flowId);
    if (!checked.ok) return checked;
    const at = this.now().toISOString();
    const moved = await this.advance(caller, flowId, (f) => {
      f.status = 'cancelled';
      f.finishedAt = at;
    });
    return moved.ok ? success({ kind: moved.value.kind }) : moved;
  }

  /** Cancels every open manager flow the caller has in this conversation; returns how many. */
  async cancelAll(caller: Caller): Promise<Outcome<number>> {
    const at = this.now().toISOString();
    return mutation(() => this.store.update((state) => {
      const open = Object.values(state.managerFlows).filter(
        (f) => f.ownerId === caller.userId && f.conversationId === caller.conversationId && f.status === 'open' && Date.parse(f.expiresAt) >= Date.parse(at),
      );
      for (const f of open) {
        f.status = 'cancelled';
        f.finishedAt = at;
      }
      return open.length;
    }), this.reportError);
  }

  private async apply(directory: DirectoryPort, caller: Caller, flow: ManagerFlow, user: DirectoryUser, target: Target, person: DirectoryUser, roles: ManagerRole[]): Promise<Outcome<ManagerChange>> {
    const changes = roles.map((role): RoleAssignment => ({ subscriptionId: target.subscription.id, principalId: person.id, role }));
    const changed = await this.changeRoles(directory, flow.kind, changes);
    if (!changed.ok) return changed;

    const at = this.now().toISOString();
    const organization = named(target.organization);
    const subscription = namedSubscription(target.subscription);
    const event: ManagerEvent = {
      id: this.newId(),
      kind: flow.kind === 'add' ? 'manager.add' : 'manager.remove',
      organization,
      subscription,
      person: namedUser(person),
      roles,
      actor: namedUser(user),
      at,
    };
    const outcome = flow.kind === 'add'
      ? `${person.displayName} became a billing manager of ${organization.name} (${roles.join(', ')} on ${subscription.name})`
      : `${person.displayName} is no longer a billing manager of ${organization.name}`;
    const saved = await mutation(() => this.store.update((state) => {
      const current = state.managerFlows[flow.id];
      const stale = progressProblem(current, caller, this.now(), user.displayName, MANAGER_COMMAND[flow.kind]);
      if (stale) throw new Refused(stale);
      const done = current as ManagerFlow;
      done.status = 'completed';
      done.finishedAt = at;
      done.outcome = outcome;
      const recorded = (state.managers[organization.id] ??= {});
      if (flow.kind === 'add') {
        recorded[person.id] = { principalId: person.id, subscriptionId: subscription.id, role: roles[0] ?? 'Contributor', addedBy: user.id, addedAt: at };
      } else {
        delete recorded[person.id];
      }
      recordChangeEvent(state, event);
      for (const role of roles) {
        state.audit.push({ id: this.newId(), at, actorId: user.id, action: event.kind, organizationId: organization.id, principalId: person.id, subscriptionId: subscription.id, role });
      }
      return viewOf(done);
    }), this.reportError);
    if (!saved.ok) {
      await this.undoRoles(directory, flow.kind, changes);
      return saved;
    }
    const notifications = await announce(this.listener, event, this.reportError, directory);
    const after = billingManagerIds(await directory.roleAssignmentsOn(subscription.id));
    const managers = (await directory.getUsers(after)).map(namedUser);
    return success({ flow: saved.value, organization, subscription, person: namedUser(person), roles, self: person.id === user.id, by: namedUser(user), at, notifications, managers });
  }

  private async changeRoles(directory: DirectoryPort, kind: ManagerFlowKind, changes: readonly RoleAssignment[]): Promise<Outcome<void>> {
    const done: RoleAssignment[] = [];
    try {
      for (const change of changes) {
        if (kind === 'add') await directory.grantRole(change);
        else await directory.revokeRole(change);
        done.push(change);
      }
      return success(undefined);
    } catch (error) {
      await this.undoRoles(directory, kind, done);
      if (error instanceof DirectoryChangeError) return refusal('directory-refused', `${error.message} Nothing was changed.`);
      throw error;
    }
  }

  /** Best effort: puts roles back as they were when the rest of the change could not be saved. */
  private async undoRoles(directory: DirectoryPort, kind: ManagerFlowKind, changes: readonly RoleAssignment[]): Promise<void> {
    for (const change of changes) {
      try {
        if (kind === 'add') await directory.revokeRole(change);
        else await directory.grantRole(change);
      } catch (error) {
        this.reportError(error);
      }
    }
  }

  private async organizationOptions(directory: DirectoryPort, user: DirectoryUser, kind: ManagerFlowKind): Promise<ManagerOrganizationOption[]> {
    const organizations = await directory.organizationsOf(user.id);
    const options = await Promise.all(organizations.map(async (org): Promise<ManagerOrganizationOption> => {
      const target = await this.target(directory, user, org.id, kind);
      return { ...named(org), selectable: target.ok, ...(target.ok ? {} : { reason: target.problem.message }) };
    }));
    return options.sort((a, b) => Number(b.selectable) - Number(a.selectable) || a.name.localeCompare(b.name));
  }

  /** The organization and its billing subscription, when `user` may change its managers. */
  private async target(directory: DirectoryPort, user: DirectoryUser, organizationId: string, kind: ManagerFlowKind): Promise<Outcome<Target>> {
    const organization = await directory.getOrganization(organizationId);
    if (!organization || organizationAccess(user.id, organization) === 'none') {
      return refusal('organization-not-found', 'That organization does not exist, or you cannot see it. Nothing was changed.');
    }
    const link = this.store.read().links[organization.id];
    if (!link) {
      return refusal('not-linked', `Billing is not set up for ${organization.name}, so it has no billing managers yet. Type "set up billing" first.`);
    }
    const subscription = await directory.getSubscription(link.subscriptionId);
    if (!subscription) {
      return refusal('subscription-not-found', `The subscription that pays for ${organization.name} (${link.subscriptionId}) is not in the directory any more. Type "change billing" to move it to one that is.`);
    }
    const assignments = await directory.roleAssignmentsOn(subscription.id);
    const problem = grantorProblem(await this.grantorContext(directory, user, subscription, assignments), kind);
    if (problem) return { ok: false, problem };
    return success({ organization, subscription, assignments });
  }

  private async grantorContext(directory: DirectoryPort, user: DirectoryUser, subscription: Subscription, assignments: readonly RoleAssignment[]): Promise<GrantorContext> {
    const grantors = await directory.getUsers(principalsWith(assignments, ROLE_GRANTING_ROLES).filter((id) => id !== user.id));
    return { grantorId: user.id, subscription, assignments, grantorNames: grantors.map((g) => g.displayName) };
  }

  /** The person, when the rules let `user` add or remove them; the refusal otherwise. */
  private async personProblem(directory: DirectoryPort, user: DirectoryUser, target: Target, kind: ManagerFlowKind, principalId: string): Promise<Outcome<DirectoryUser>> {
    const person = await directory.getUser(principalId);
    const context = await this.grantorContext(directory, user, target.subscription, target.assignments);
    const problem: Problem | undefined = kind === 'add'
      ? additionProblem({
          ...context,
          person,
          personTenant: person ? await directory.getTenant(person.tenantId) : undefined,
          subscriptionTenant: await directory.getTenant(target.subscription.tenantId),
        })
      : removalProblem({ ...context, person });
    if (problem || !person) return { ok: false, problem: problem ?? { code: 'person-not-found', message: 'That person is not in the directory.' } };
    return success(person);
  }

  private async personStep(directory: DirectoryPort, flow: ManagerFlowView, target: Target, user: DirectoryUser, filter: string): Promise<ManagerPersonStep> {
    const { organization, subscription, assignments } = target;
    const tenant = await directory.getTenant(subscription.tenantId);
    const managerIds = billingManagerIds(assignments);
    const matches = (p: DirectoryUser): boolean =>
      filter === '' || p.displayName.toLowerCase().includes(filter.toLowerCase()) || p.email.toLowerCase().includes(filter.toLowerCase());
    const option = (p: DirectoryUser): PersonOption => ({ ...namedUser(p), email: p.email, roles: managerRolesOf(p.id, assignments) });
    const base = { flow, organization: named(organization), subscription: namedSubscription(subscription), tenant: { id: subscription.tenantId, name: tenant?.displayName ?? subscription.tenantId }, filter };

    if (flow.kind === 'add') {
      const candidates = (await directory.usersOfTenant(subscription.tenantId)).filter((p) => !managerIds.includes(p.id));
      const matching = candidates.filter(matches);
      const current = await directory.getUsers(managerIds);
      return {
        ...base,
        people: matching.slice(0, MAX_PEOPLE_SHOWN).map(option),
        matching: matching.length,
        unavailable: current.map((p) => ({ name: p.displayName, reason: `Already a billing manager (${managerRolesOf(p.id, assignments).join(' and ')}).` })),
        ...(candidates.length === 0 ? { emptyReason: `Everyone in ${base.tenant.name} is already a billing manager of ${organization.name}.` } : {}),
      };
    }
    const managers = (await directory.getUsers(managerIds)).sort((a, b) => a.displayName.localeCompare(b.displayName));
    if (managers.length <= 1) {
      return {
        ...base,
        people: [],
        matching: 0,
        unavailable: managers.map((p) => ({ name: p.displayName, reason: 'The only billing manager: removing them would leave billing with nobody to manage it.' })),
        emptyReason: `${organization.name} has only one billing manager. Add another one first ("add manager").`,
      };
    }
    const matching = managers.filter(matches);
    return {
      ...base,
      people: matching.slice(0, MAX_PEOPLE_SHOWN).map((p) => ({ ...option(p), name: p.id === user.id ? `${p.displayName} (you)` : p.displayName })),
      matching: matching.length,
      unavailable: [],
    };
  }

  private async openFlow(directory: DirectoryPort, caller: Caller, flowId: string): Promise<Outcome<{ flow: ManagerFlow; user: DirectoryUser }>> {
    const flow = this.store.read().managerFlows[flowId];
    const owner = flow ? await directory.getUser(flow.ownerId) : undefined;
    const problem = progressProblem(flow, caller, this.now(), owner?.displayName ?? 'someone else', flow ? MANAGER_COMMAND[flow.kind] : '');
    if (problem) return { ok: false, problem };
    const user = await directoryUserOf(directory, caller);
    if (!user) return unknownCaller(caller);
    return success({ flow: flow as ManagerFlow, user });
  }

  private advance(caller: Caller, flowId: string, change: (flow: ManagerFlow) => void): Promise<Outcome<ManagerFlowView>> {
    return mutation(() => this.store.update((state) => {
      const flow = state.managerFlows[flowId];
      const problem = progressProblem(flow, caller, this.now(), '', flow ? MANAGER_COMMAND[flow.kind] : '');
      if (problem) throw new Refused(problem);
      const current = flow as ManagerFlow;
      change(current);
      current.expiresAt = new Date(this.now().getTime() + this.flowTtlMs).toISOString();
      return viewOf(current);
    }), this.reportError);
  }
}

function viewOf(flow: ManagerFlow): ManagerFlowView {
  return { id: flow.id, kind: flow.kind, expiresAt: flow.expiresAt };
}

function named(organization: Organization): Named {
  return { id: organization.id, name: organization.name };
}

function namedSubscription(subscription: Subscription): Named {
  return { id: subscription.id, name: subscription.displayName };
}

function outOfOrder<T>(kind: ManagerFlowKind): Outcome<T> {
  return refusal('flow-out-of-order', `Some choices are missing. Type "${MANAGER_COMMAND[kind]}" to start again.`);
}

function changeElsewhere<T>(where: string): Outcome<T> {
  return refusal(
    'not-available-here',
    `I cannot add or remove billing managers here yet: I cannot list the people of your Microsoft Entra tenant. Pick people in ${where}, then type "managers" to see them. Nothing was changed.`,
  );
}
