import type { Caller } from '../../domain/caller';
import { linksFor } from '../links/linkChecks';
import type { ManagerRole } from '../../domain/changeEvent';
import type { DirectoryUser } from '../../domain/directory';
import type { ManagerFlow, ManagerFlowKind } from '../../domain/model';
import type { DirectoryPort } from '../../domain/ports/directory';
import { refusal, success, type Outcome } from '../../domain/outcome';
import { managerRolesOf } from '../managerRules';
import type { ManagerConfirmStep, ManagerOrganizationStep, ManagerPersonStep, ManagerRoleStep, PersonOption } from '../managerViews';
import { named, namedUser } from '../serviceSupport';
import { MANAGER_COMMAND, managerViewOf, type ManagerContext } from './managerContext';
import { managerOrganizationOptions, managerTarget, namedSubscription, personProblem, personStep, type ManagerTarget } from './managerTarget';
import { startingCaller } from '../useCaseContext';

/** Starts adding or removing a manager. With an organization (a card's button), goes straight to the person. */
export async function startManagerFlow(context: ManagerContext, caller: Caller, kind: ManagerFlowKind, organizationId?: string): Promise<Outcome<ManagerOrganizationStep | ManagerPersonStep>> {
  if (context.changedElsewhere !== undefined) return changeElsewhere(context.changedElsewhere);
  const starting = await startingCaller(context, caller, MANAGER_COMMAND[kind]);
  if (!starting.ok) return starting;
  const { directory, user } = starting.value;
  const organizations = await managerOrganizationOptions(directory, await linksFor(context, caller), user, kind);
  const opened = await context.flows.open(caller, user, { kind });
  if (!opened.ok) return opened;
  if (organizationId && organizations.some((o) => o.id === organizationId && o.selectable)) {
    return chooseManagerOrganization(context, caller, opened.value.id, organizationId);
  }
  return success({ flow: managerViewOf(opened.value), organizations });
}

export async function chooseManagerOrganization(context: ManagerContext, caller: Caller, flowId: string, organizationId: string): Promise<Outcome<ManagerPersonStep>> {
  const directory = await context.directoryFor(caller);
  const checked = await context.flows.load(directory, caller, flowId);
  if (!checked.ok) return checked;
  const { flow, user } = checked.value;
  const target = await managerTarget(directory, await linksFor(context, caller), user, organizationId, flow.kind);
  if (!target.ok) return target;
  const moved = await context.flows.advance(caller, flowId, ({ principalId: _person, role: _role, ...rest }) => ({ ...rest, organizationId }));
  if (!moved.ok) return moved;
  return success(await personStep(directory, managerViewOf(moved.value), target.value, user, '', searchableFor(context, flow.kind)));
}

/** The person step again, narrowed to people whose name or address contains `filter`. */
export async function filterPeople(context: ManagerContext, caller: Caller, flowId: string, filter: string): Promise<Outcome<ManagerPersonStep>> {
  const loaded = await loadWithTarget(context, caller, flowId);
  if (!loaded.ok) return loaded;
  const { directory, user, target } = loaded.value;
  const moved = await context.flows.advance(caller, flowId);
  if (!moved.ok) return moved;
  return success(await personStep(directory, managerViewOf(moved.value), target, user, filter.trim().slice(0, 100), searchableFor(context, moved.value.kind)));
}

/**
 * The people a search as the user types finds for the person step of adding a manager (the card's
 * typeahead): the same people, with the same rules, as the step itself lists for that text.
 */
export async function searchPeople(context: ManagerContext, caller: Caller, flowId: string, text: string, max: number): Promise<Outcome<readonly PersonOption[]>> {
  const loaded = await loadWithTarget(context, caller, flowId, (f) => f.kind === 'add');
  if (!loaded.ok) return loaded;
  const { directory, flow, user, target } = loaded.value;
  const step = await personStep(directory, managerViewOf(flow), target, user, text.trim().slice(0, 100), searchableFor(context, flow.kind));
  return success(step.people.slice(0, max));
}

function searchableFor(context: ManagerContext, kind: ManagerFlowKind): boolean {
  return context.peopleSearch && kind === 'add';
}

export async function choosePerson(context: ManagerContext, caller: Caller, flowId: string, principalId: string): Promise<Outcome<ManagerRoleStep | ManagerConfirmStep>> {
  const loaded = await loadWithTarget(context, caller, flowId);
  if (!loaded.ok) return loaded;
  const { directory, flow, user, target } = loaded.value;
  const person = await personProblem(directory, user, target, flow.kind, principalId);
  if (!person.ok) return person;
  const moved = await context.flows.advance(caller, flowId, ({ role: _role, ...rest }) => ({ ...rest, principalId }));
  if (!moved.ok) return moved;
  const common = { flow: managerViewOf(moved.value), organization: named(target.organization), subscription: namedSubscription(target.subscription), person: namedUser(person.value) };
  if (flow.kind === 'add') return success<ManagerRoleStep>(common);
  return success<ManagerConfirmStep>({ ...common, roles: managerRolesOf(principalId, target.assignments), self: principalId === user.id });
}

export async function chooseRole(context: ManagerContext, caller: Caller, flowId: string, role: ManagerRole): Promise<Outcome<ManagerConfirmStep>> {
  const loaded = await loadWithTarget(context, caller, flowId, (f) => f.kind === 'add' && f.principalId !== undefined);
  if (!loaded.ok) return loaded;
  const { directory, flow, user, target } = loaded.value;
  const person = await personProblem(directory, user, target, flow.kind, flow.principalId as string);
  if (!person.ok) return person;
  const moved = await context.flows.advance(caller, flowId, (f) => ({ ...f, role }));
  if (!moved.ok) return moved;
  return success({
    flow: managerViewOf(moved.value),
    organization: named(target.organization),
    subscription: namedSubscription(target.subscription),
    person: namedUser(person.value),
    roles: [role],
    self: false,
  });
}

export async function cancelManagerFlow(context: ManagerContext, caller: Caller, flowId: string): Promise<Outcome<{ readonly kind: ManagerFlowKind }>> {
  const cancelled = await context.flows.cancel(await context.directoryFor(caller), caller, flowId);
  return cancelled.ok ? success({ kind: cancelled.value.kind }) : cancelled;
}

/**
 * The flow, the caller and, once an organization is chosen (and `ready` holds), its billing
 * subscription as the caller may change it: what every step after the organization starts from.
 */
async function loadWithTarget(context: ManagerContext, caller: Caller, flowId: string, ready: (flow: ManagerFlow) => boolean = () => true): Promise<Outcome<LoadedStep>> {
  const directory = await context.directoryFor(caller);
  const checked = await context.flows.load(directory, caller, flowId);
  if (!checked.ok) return checked;
  const { flow, user } = checked.value;
  if (!flow.organizationId || !ready(flow)) return outOfOrder(flow.kind);
  const target = await managerTarget(directory, await linksFor(context, caller), user, flow.organizationId, flow.kind);
  if (!target.ok) return target;
  return success({ directory, flow, user, target: target.value });
}

interface LoadedStep {
  readonly directory: DirectoryPort;
  readonly flow: ManagerFlow;
  readonly user: DirectoryUser;
  readonly target: ManagerTarget;
}

export function outOfOrder<T>(kind: ManagerFlowKind): Outcome<T> {
  return refusal('flow-out-of-order', `Some choices are missing. Type "${MANAGER_COMMAND[kind]}" to start again.`);
}

function changeElsewhere<T>(where: string): Outcome<T> {
  return refusal(
    'not-available-here',
    `I cannot add or remove billing managers here yet: I cannot list the people of your Microsoft Entra tenant. Pick people in ${where}, then type "managers" to see them. Nothing was changed.`,
  );
}

