import type { Caller } from '../../domain/caller';
import type { AccessEvent } from '../../domain/changeEvent';
import type { AccessLevel, AccessLevelChange, Entitlement } from '../../domain/directory';
import { refusal, success, type Outcome } from '../../domain/outcome';
import { DirectoryChangeError, type DirectoryPort } from '../../domain/ports/directory';
import { toldAfterCommit } from '../notify/managerNotices';
import { mutation, named, namedUser } from '../serviceSupport';
import { stakeholderBlock } from '../usage/inactivity';
import { billUsers, billedLevel, withStakeholders } from '../usage/userCharges';
import { billedBy } from './usersAccess';
import { USERS_COMMAND, type UsersContext } from './usersContext';
import { loadAccess, onlyAdministrators, outOfOrder, type AccessState } from './usersFlow';
import { LEVEL_NAMES } from './usersReport';
import type { StakeholderPerson, StakeholdersChanged } from './usersViews';

/**
 * Makes the ticked users Stakeholders, after checking everything again with fresh data: the caller
 * is still a project collection administrator, and every one of them is still a paid user whose level
 * was assigned directly. The levels change at the directory first; then one transaction completes the
 * flow, audits each change and queues one message per billing manager. If that cannot be saved, the
 * levels are put back. One organization's changes run one at a time, so a double click changes once.
 */
export async function confirmStakeholders(context: UsersContext, caller: Caller, flowId: string): Promise<Outcome<StakeholdersChanged>> {
  const first = await loadAccess(context, caller, flowId);
  if (!first.ok) return first;
  return context.perOrganization.run(first.value.target.organization.id, async () => {
    const checked = await loadAccess(context, caller, flowId);
    if (!checked.ok) return checked;
    return apply(context, caller, checked.value);
  });
}

async function apply(context: UsersContext, caller: Caller, state: AccessState): Promise<Outcome<StakeholdersChanged>> {
  const { directory, user, flow, target, usage, group } = state;
  const organization = target.organization;
  if (!mayChange(state)) return onlyAdministrators(target);
  const selected = flow.selected ?? [];
  if (selected.length === 0 || !flow.estimate) return outOfOrder();
  const entitlements: Entitlement[] = [];
  for (const userId of selected) {
    const entitlement = usage?.entitlements?.find((e) => e.userId === userId);
    if (!entitlement || stakeholderBlock(entitlement) !== undefined) return noLongerPaid(directory, userId, organization.name);
    entitlements.push(entitlement);
  }
  const names = new Map((await directory.getUsers(selected)).map((u) => [u.id, u.displayName]));
  const people: StakeholderPerson[] = entitlements.map((e) => ({ id: e.userId, name: names.get(e.userId) ?? 'A user the directory does not name', from: LEVEL_NAMES[billedLevel(e) ?? 'basic'] }));
  const fromCents = billUsers(group.members, context.prices).monthlyCents;
  const toCents = billUsers(withStakeholders(group.members, organization.id, new Set(selected)), context.prices).monthlyCents;
  const at = context.now().toISOString();
  const event: AccessEvent = {
    id: context.newId(),
    kind: 'access.change',
    organization: named(organization),
    ...(target.link ? { subscription: billedBy(target) } : {}),
    people: people.map(({ id, name, from }) => ({ id, name, from })),
    monthlyCents: { from: fromCents, to: toCents },
    actor: namedUser(user),
    at,
  };
  const notice = await context.notices.prepare(directory, event);
  const changes = entitlements.map((e): AccessLevelChange => ({ organizationId: organization.id, userId: e.userId, accessLevel: 'stakeholder', changedBy: user.id, changedAt: at }));
  const undo = entitlements.map((e): AccessLevelChange => ({ organizationId: organization.id, userId: e.userId, accessLevel: e.accessLevel, changedBy: user.id, changedAt: at }));
  const changed = await setLevels(context, directory, changes, undo);
  if (!changed.ok) return changed;

  const outcome = `${people.length === 1 ? 'one user' : `${people.length} users`} of ${organization.name} became Stakeholders`;
  const saved = await mutation(
    () =>
      context.store.transaction(async (tx) => {
        const current = await context.flows.openIn(tx, caller, flow.id, user.displayName);
        await context.flows.finishIn(tx, current, 'completed', outcome);
        for (const entitlement of entitlements) {
          await tx.audit.append({
            id: context.newId(), at, actorId: user.id, action: 'access.change', organizationId: organization.id,
            principalId: entitlement.userId, fromAccessLevel: entitlement.accessLevel, toAccessLevel: 'stakeholder' satisfies AccessLevel,
          });
        }
        return context.notices.queueIn(tx, event, notice, at);
      }),
    context.reportError,
  );
  if (!saved.ok) {
    await restore(context, directory, undo);
    return saved;
  }
  const notifications = await toldAfterCommit(context.notices, event, saved.value, notice, context.reportError);
  return success({ organization: named(organization), people, fromCents, toCents, by: namedUser(user), at, notifications });
}

function mayChange(state: AccessState): boolean {
  return state.target.canChange;
}

async function noLongerPaid<T>(directory: DirectoryPort, userId: string, organization: string): Promise<Outcome<T>> {
  const name = (await directory.getUser(userId))?.displayName ?? 'One of the users you ticked';
  return refusal(
    'user-not-paid',
    `${name} is no longer a paid user of ${organization} whose access level can be changed here (someone changed it meanwhile), so nothing was changed. Type "${USERS_COMMAND}" to see the users as they are now.`,
  );
}

async function setLevels(context: UsersContext, directory: DirectoryPort, changes: readonly AccessLevelChange[], undo: readonly AccessLevelChange[]): Promise<Outcome<void>> {
  let done = 0;
  try {
    for (const change of changes) {
      await directory.setAccessLevel(change);
      done += 1;
    }
    return success(undefined);
  } catch (error) {
    await restore(context, directory, undo.slice(0, done));
    if (error instanceof DirectoryChangeError) return refusal('directory-refused', `${error.message} Nothing was changed.`);
    throw error;
  }
}

/** Best effort: puts access levels back as they were when the rest of the change could not be saved. */
async function restore(context: UsersContext, directory: DirectoryPort, undo: readonly AccessLevelChange[]): Promise<void> {
  for (const change of undo) {
    try {
      await directory.setAccessLevel(change);
    } catch (error) {
      context.reportError(error);
    }
  }
}
