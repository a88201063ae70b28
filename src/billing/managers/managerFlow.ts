import type { Caller } from '../../domain/caller';
import type { ManagerRole } from '../../domain/changeEvent';
import type { ManagerFlowKind } from '../../domain/model';
import { refusal, success, type Outcome } from '../../domain/outcome';
import { managerRolesOf } from '../managerRules';
import type { ManagerConfirmStep, ManagerOrganizationStep, ManagerPersonStep, ManagerRoleStep } from '../managerViews';
import { directoryUserOf, named, namedUser, unknownCaller } from '../serviceSupport';
import { MANAGER_COMMAND, managerViewOf, type ManagerContext } from './managerContext';
import { managerOrganizationOptions, managerTarget, namedSubscription, personProblem, personStep } from './managerTarget';

/** Starts adding or removing a manager. With an organization (a card's button), goes straight to the person. */
export async function startManagerFlow(context: ManagerContext, caller: Caller, kind: ManagerFlowKind, organizationId?: string): Promise<Outcome<ManagerOrganizationStep | ManagerPersonStep>> {
  if (context.changedElsewhere !== undefined) return changeElsewhere(context.changedElsewhere);
  const directory = await context.directoryFor(caller);
  const user = await directoryUserOf(directory, caller);
  if (!user) return unknownCaller(caller);
  const organizations = await managerOrganizationOptions(context, directory, user, kind);
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
  const target = await managerTarget(context, directory, user, organizationId, flow.kind);
  if (!target.ok) return target;
  const moved = await context.flows.advance(caller, flowId, ({ principalId: _person, role: _role, ...rest }) => ({ ...rest, organizationId }));
  if (!moved.ok) return moved;
  return success(await personStep(directory, managerViewOf(moved.value), target.value, user, ''));
}

/** The person step again, narrowed to people whose name or address contains `filter`. */
export async function filterPeople(context: ManagerContext, caller: Caller, flowId: string, filter: string): Promise<Outcome<ManagerPersonStep>> {
  const directory = await context.directoryFor(caller);
  const checked = await context.flows.load(directory, caller, flowId);
  if (!checked.ok) return checked;
  const { flow, user } = checked.value;
  if (!flow.organizationId) return outOfOrder(flow.kind);
  const target = await managerTarget(context, directory, user, flow.organizationId, flow.kind);
  if (!target.ok) return target;
  const moved = await context.flows.advance(caller, flowId);
  if (!moved.ok) return moved;
  return success(await personStep(directory, managerViewOf(moved.value), target.value, user, filter.trim().slice(0, 100)));
}

export async function choosePerson(context: ManagerContext, caller: Caller, flowId: string, principalId: string): Promise<Outcome<ManagerRoleStep | ManagerConfirmStep>> {
  const directory = await context.directoryFor(caller);
  const checked = await context.flows.load(directory, caller, flowId);
  if (!checked.ok) return checked;
  const { flow, user } = checked.value;
  if (!flow.organizationId) return outOfOrder(flow.kind);
  const target = await managerTarget(context, directory, user, flow.organizationId, flow.kind);
  if (!target.ok) return target;
  const person = await personProblem(directory, user, target.value, flow.kind, principalId);
  if (!person.ok) return person;
  const moved = await context.flows.advance(caller, flowId, ({ role: _role, ...rest }) => ({ ...rest, principalId }));
  if (!moved.ok) return moved;
  const common = { flow: managerViewOf(moved.value), organization: named(target.value.organization), subscription: namedSubscription(target.value.subscription), person: namedUser(person.value) };
  if (flow.kind === 'add') return success<ManagerRoleStep>(common);
  return success<ManagerConfirmStep>({ ...common, roles: managerRolesOf(principalId, target.value.assignments), self: principalId === user.id });
}

export async function chooseRole(context: ManagerContext, caller: Caller, flowId: string, role: ManagerRole): Promise<Outcome<ManagerConfirmStep>> {
  const directory = await context.directoryFor(caller);
  const checked = await context.flows.load(directory, caller, flowId);
  if (!checked.ok) return checked;
  const { flow, user } = checked.value;
  if (flow.kind !== 'add' || !flow.organizationId || !flow.principalId) return outOfOrder(flow.kind);
  const target = await managerTarget(context, directory, user, flow.organizationId, flow.kind);
  if (!target.ok) return target;
  const person = await personProblem(directory, user, target.value, flow.kind, flow.principalId);
  if (!person.ok) return person;
  const moved = await context.flows.advance(caller, flowId, (f) => ({ ...f, role }));
  if (!moved.ok) return moved;
  return success({
    flow: managerViewOf(moved.value),
    organization: named(target.value.organization),
    subscription: namedSubscription(target.value.subscription),
    person: namedUser(person.value),
    roles: [role],
    self: false,
  });
}

export async function cancelManagerFlow(context: ManagerContext, caller: Caller, flowId: string): Promise<Outcome<{ readonly kind: ManagerFlowKind }>> {
  const cancelled = await context.flows.cancel(await context.directoryFor(caller), caller, flowId);
  return cancelled.ok ? success({ kind: cancelled.value.kind }) : cancelled;
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

