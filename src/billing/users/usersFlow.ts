import type { Caller } from '../../domain/caller';
import type { DirectoryUser, OrganizationUsage } from '../../domain/directory';
import type { AccessFlow } from '../../domain/model';
import { refusal, success, type Outcome } from '../../domain/outcome';
import type { DirectoryPort } from '../../domain/ports/directory';
import { stakeholderBlock } from '../usage/inactivity';
import { billUsers, withStakeholders } from '../usage/userCharges';
import { billingGroupOf, mayChange, usersAccess, usersOptions, type BillingGroup, type UsersTarget } from './usersAccess';
import { linksFor } from '../links/linkChecks';
import { accessViewOf, USERS_COMMAND, type UsersContext } from './usersContext';
import { LEVEL_NAMES, usersOverview } from './usersReport';
import { billedLevel } from '../usage/userCharges';
import type { AccessFlowView, StakeholderPerson, StakeholderReview, UsersOrganizationStep, UsersOverview } from './usersViews';
import { startingCaller } from '../useCaseContext';

/** What "Make Stakeholder" leads to: the same card with a reason, or the confirmation. */
export type StakeholderAnswer =
  | { readonly kind: 'invalid'; readonly overview: UsersOverview }
  | { readonly kind: 'confirm'; readonly review: StakeholderReview };

/** Starts `users`: the organizations whose users the caller may see, and why the others are not offered. */
export async function startUsers(context: UsersContext, caller: Caller): Promise<Outcome<UsersOrganizationStep>> {
  const starting = await startingCaller(context, caller, USERS_COMMAND);
  if (!starting.ok) return starting;
  const { directory, user } = starting.value;
  const organizations = await usersOptions(context.store, await linksFor(context, caller), directory, user);
  const opened = await context.flows.open(caller, user, {});
  return opened.ok ? success({ flow: accessViewOf(opened.value), organizations }) : opened;
}

export async function chooseUsersOrganization(context: UsersContext, caller: Caller, flowId: string, organizationId: string): Promise<Outcome<UsersOverview>> {
  const checked = await loadAccess(context, caller, flowId, organizationId);
  if (!checked.ok) return checked;
  const moved = await context.flows.advance(caller, flowId, ({ estimate: _estimate, ...rest }) => ({ ...rest, organizationId, page: 0, selected: [] }));
  if (!moved.ok) return moved;
  return success(await overviewOf(context, checked.value, moved.value, []));
}

/** "Previous" or "Next": the ticks of the page shown are kept, and the other page is shown. */
export async function turnUsersPage(context: UsersContext, caller: Caller, flowId: string, page: number, input: Readonly<Record<string, unknown>>): Promise<Outcome<UsersOverview>> {
  const checked = await loadAccess(context, caller, flowId);
  if (!checked.ok) return checked;
  const selected = await ticked(context, checked.value, input);
  const moved = await context.flows.advance(caller, flowId, (f) => ({ ...f, page: Math.max(0, page), selected }));
  if (!moved.ok) return moved;
  return success(await overviewOf(context, checked.value, moved.value, []));
}

/** "Make Stakeholder": the confirmation with the new monthly estimate, or the card again with the reason. */
export async function reviewStakeholders(context: UsersContext, caller: Caller, flowId: string, input: Readonly<Record<string, unknown>>): Promise<Outcome<StakeholderAnswer>> {
  const checked = await loadAccess(context, caller, flowId);
  if (!checked.ok) return checked;
  const { target, group, user } = checked.value;
  if (!mayChange(user, target.organization)) return onlyAdministrators(target);
  const selected = await ticked(context, checked.value, input);
  if (selected.length === 0) {
    const kept = await context.flows.advance(caller, flowId, (f) => ({ ...f, selected }));
    if (!kept.ok) return kept;
    return success({ kind: 'invalid', overview: await overviewOf(context, checked.value, kept.value, ['Tick the users who should become Stakeholders first, then press Make Stakeholder.']) });
  }
  const people = await peopleOf(checked.value.directory, checked.value.usage, selected);
  const fromCents = billUsers(group.members, context.prices).monthlyCents;
  const toCents = billUsers(withStakeholders(group.members, target.organization.id, new Set(selected)), context.prices).monthlyCents;
  const moved = await context.flows.advance(caller, flowId, (f) => ({ ...f, selected, estimate: { fromCents, toCents } }));
  if (!moved.ok) return moved;
  return success({ kind: 'confirm', review: { flow: accessViewOf(moved.value), organization: { id: target.organization.id, name: target.organization.name }, people, fromCents, toCents } });
}

/** "Back" on the confirmation: the list again, with the same ticks. */
export async function backToUsers(context: UsersContext, caller: Caller, flowId: string): Promise<Outcome<UsersOverview>> {
  const checked = await loadAccess(context, caller, flowId);
  if (!checked.ok) return checked;
  const moved = await context.flows.advance(caller, flowId, ({ estimate: _estimate, ...rest }) => rest);
  if (!moved.ok) return moved;
  return success(await overviewOf(context, checked.value, moved.value, []));
}

export async function cancelUsers(context: UsersContext, caller: Caller, flowId: string): Promise<Outcome<AccessFlowView>> {
  const cancelled = await context.flows.cancel(await context.directoryFor(caller), caller, flowId);
  return cancelled.ok ? success(accessViewOf(cancelled.value)) : cancelled;
}

/** Everything a step needs, read fresh: the flow, the caller, their right to see, and the usage. */
export interface AccessState {
  readonly directory: DirectoryPort;
  readonly user: DirectoryUser;
  readonly flow: AccessFlow;
  readonly target: UsersTarget;
  readonly usage: OrganizationUsage | undefined;
  readonly group: BillingGroup;
}

export async function loadAccess(context: UsersContext, caller: Caller, flowId: string, organizationId?: string): Promise<Outcome<AccessState>> {
  const directory = await context.directoryFor(caller);
  const checked = await context.flows.load(directory, caller, flowId);
  if (!checked.ok) return checked;
  const { flow, user } = checked.value;
  const chosen = organizationId ?? flow.organizationId;
  if (!chosen) return outOfOrder();
  const links = await linksFor(context, caller);
  const target = await usersAccess(links, directory, user, await directory.getOrganization(chosen));
  if (!target.ok) return target;
  const usage = await directory.usageOf(target.value.organization.id);
  const group = await billingGroupOf(context.store, links, directory, target.value, usage ?? {});
  return success({ directory, user, flow, target: target.value, usage, group });
}

export function outOfOrder<T>(): Outcome<T> {
  return refusal('flow-out-of-order', `Some choices are missing. Type "${USERS_COMMAND}" to start again.`);
}

export function onlyAdministrators<T>(target: UsersTarget): Outcome<T> {
  const who = target.administrators.length > 0 ? target.administrators.join(', ') : 'the organization owner';
  return refusal(
    'not-project-collection-administrator',
    `Only project collection administrators of ${target.organization.name} can change access levels. Ask ${who}. Nothing was changed.`,
  );
}

async function overviewOf(context: UsersContext, state: AccessState, flow: AccessFlow, problems: readonly string[]): Promise<UsersOverview> {
  return usersOverview(state.directory, {
    flow: accessViewOf(flow),
    target: state.target,
    usage: state.usage,
    group: state.group,
    prices: context.prices,
    now: context.now(),
    inactiveDays: context.inactiveDays,
    page: flow.page ?? 0,
    selected: new Set(flow.selected ?? []),
    problems,
  });
}

/**
 * The ticks kept over every page: those of the page shown are replaced by what came with the click,
 * counting only users that page showed and that can be changed (a forged id is dropped here, and the
 * confirmation checks everyone again anyway).
 */
async function ticked(context: UsersContext, state: AccessState, input: Readonly<Record<string, unknown>>): Promise<string[]> {
  const shown = (await overviewOf(context, state, state.flow, [])).inactive;
  const onPage = new Set(shown.filter((u) => u.blocked === undefined).map((u) => u.id));
  const raw = typeof input.selected === 'string' ? input.selected : '';
  const chosen = raw.split(',').map((id) => id.trim()).filter((id) => onPage.has(id));
  const shownIds = new Set(shown.map((u) => u.id));
  const kept = (state.flow.selected ?? []).filter((id) => !shownIds.has(id));
  return [...new Set([...kept, ...chosen])];
}

async function peopleOf(directory: DirectoryPort, usage: OrganizationUsage | undefined, userIds: readonly string[]): Promise<StakeholderPerson[]> {
  const names = new Map((await directory.getUsers(userIds)).map((u) => [u.id, u.displayName]));
  return userIds.map((id) => {
    const entitlement = usage?.entitlements?.find((e) => e.userId === id);
    const level = entitlement && stakeholderBlock(entitlement) === undefined ? billedLevel(entitlement) : undefined;
    return { id, name: names.get(id) ?? 'A user the directory does not name', from: LEVEL_NAMES[level ?? 'basic'] };
  });
}
