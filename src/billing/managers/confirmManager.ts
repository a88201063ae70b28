import type { Caller } from '../../domain/caller';
import type { ManagerEvent, ManagerRole } from '../../domain/changeEvent';
import type { DirectoryUser, RoleAssignment } from '../../domain/directory';
import { linksFor } from '../links/linkChecks';
import type { ManagerFlow, ManagerFlowKind } from '../../domain/model';
import { refusal, success, type Outcome } from '../../domain/outcome';
import { DirectoryChangeError, type DirectoryPort } from '../../domain/ports/directory';
import { billingManagerIds, managerRolesOf } from '../managerRules';
import type { ManagerChange } from '../managerViews';
import { toldAfterCommit } from '../notify/managerNotices';
import { mutation, named, namedUser } from '../serviceSupport';
import { managerViewOf, type ManagerContext } from './managerContext';
import { outOfOrder } from './managerFlow';
import { managerTarget, namedSubscription, personProblem, type ManagerTarget } from './managerTarget';

/** Grants or takes away the role, after checking every rule again with fresh data. */
export async function confirmManager(context: ManagerContext, caller: Caller, flowId: string): Promise<Outcome<ManagerChange>> {
  const directory = await context.directoryFor(caller);
  const checked = await context.flows.load(directory, caller, flowId);
  if (!checked.ok) return checked;
  const { flow, user } = checked.value;
  const organizationId = flow.organizationId;
  const principalId = flow.principalId;
  if (!organizationId || !principalId || (flow.kind === 'add' && !flow.role)) return outOfOrder(flow.kind);
  const first = await managerTarget(directory, await linksFor(context, caller), user, organizationId, flow.kind);
  if (!first.ok) return first;
  return context.perSubscription.run(first.value.subscription.id, async () => {
    // Fresh again inside the queue: a change that waited may find the world changed by the one before.
    const target = await managerTarget(directory, await linksFor(context, caller), user, organizationId, flow.kind);
    if (!target.ok) return target;
    const person = await personProblem(directory, user, target.value, flow.kind, principalId);
    if (!person.ok) return person;
    const roles = flow.kind === 'add' ? [flow.role as ManagerRole] : managerRolesOf(principalId, target.value.assignments);
    return apply(context, directory, caller, flow, user, target.value, person.value, roles);
  });
}

/**
 * The grant (or revocation) at the directory first, then, in one transaction, the completed flow,
 * the bot's record of the manager, the audit entries and the outbox entries that tell the others.
 * When that transaction cannot be saved, the roles are put back as they were.
 */
async function apply(context: ManagerContext, directory: DirectoryPort, caller: Caller, flow: ManagerFlow, user: DirectoryUser, target: ManagerTarget, person: DirectoryUser, roles: ManagerRole[]): Promise<Outcome<ManagerChange>> {
  const organization = named(target.organization);
  const subscription = namedSubscription(target.subscription);
  const at = context.now().toISOString();
  const event: ManagerEvent = {
    id: context.newId(),
    kind: flow.kind === 'add' ? 'manager.add' : 'manager.remove',
    organization,
    subscription,
    person: namedUser(person),
    roles,
    actor: namedUser(user),
    at,
  };
  const notice = await context.notices.prepare(directory, event);
  const changes = roles.map((role): RoleAssignment => ({ subscriptionId: target.subscription.id, principalId: person.id, role }));
  const changed = await changeRoles(context, directory, flow.kind, changes);
  if (!changed.ok) return changed;

  const outcome = flow.kind === 'add'
    ? `${person.displayName} became a billing manager of ${organization.name} (${roles.join(', ')} on ${subscription.name})`
    : `${person.displayName} is no longer a billing manager of ${organization.name}`;
  const saved = await mutation(
    () =>
      context.store.transaction(async (tx) => {
        const current = await context.flows.openIn(tx, caller, flow.id, user.displayName);
        const done = await context.flows.finishIn(tx, current, 'completed', outcome);
        if (flow.kind === 'add') {
          await tx.managers.put(organization.id, { principalId: person.id, subscriptionId: subscription.id, role: roles[0] ?? 'Contributor', addedBy: user.id, addedAt: at });
        } else {
          await tx.managers.delete(organization.id, person.id);
        }
        for (const role of roles) {
          await tx.audit.append({ id: context.newId(), at, actorId: user.id, action: event.kind, organizationId: organization.id, principalId: person.id, subscriptionId: subscription.id, role });
        }
        const queued = await context.notices.queueIn(tx, event, notice, at);
        return { flow: managerViewOf(done), queued };
      }),
    context.reportError,
  );
  if (!saved.ok) {
    await undoRoles(context, directory, flow.kind, changes);
    return saved;
  }
  const notifications = await toldAfterCommit(context.notices, event, saved.value.queued, notice, context.reportError);
  const after = billingManagerIds(await directory.roleAssignmentsOn(subscription.id));
  const managers = (await directory.getUsers(after)).map(namedUser);
  return success({ flow: saved.value.flow, organization, subscription, person: namedUser(person), roles, self: person.id === user.id, by: namedUser(user), at, notifications, managers });
}

async function changeRoles(context: ManagerContext, directory: DirectoryPort, kind: ManagerFlowKind, changes: readonly RoleAssignment[]): Promise<Outcome<void>> {
  const done: RoleAssignment[] = [];
  try {
    for (const change of changes) {
      if (kind === 'add') await directory.grantRole(change);
      else await directory.revokeRole(change);
      done.push(change);
    }
    return success(undefined);
  } catch (error) {
    await undoRoles(context, directory, kind, done);
    if (error instanceof DirectoryChangeError) return refusal('directory-refused', `${error.message} Nothing was changed.`);
    throw error;
  }
}

/** Best effort: puts roles back as they were when the rest of the change could not be saved. */
async function undoRoles(context: ManagerContext, directory: DirectoryPort, kind: ManagerFlowKind, changes: readonly RoleAssignment[]): Promise<void> {
  for (const change of changes) {
    try {
      if (kind === 'add') await directory.revokeRole(change);
      else await directory.grantRole(change);
    } catch (error) {
      context.reportError(error);
    }
  }
}
