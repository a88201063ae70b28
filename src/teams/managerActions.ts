import type { TurnContext } from 'botbuilder';
import { MANAGER_COMMAND, type ManagerService } from '../billing/managerService';
import { isManagerRole } from '../billing/managerRules';
import type { ManagerOrganizationStep, ManagerPersonStep } from '../billing/managerViews';
import type { Caller } from '../domain/caller';
import { noticeCard } from '../cards/infoCards';
import {
  managerConfirmCard, managerOrganizationPickerCard, managerPersonPickerCard, managerResultCard, managerRolePickerCard, managersCard,
} from '../cards/managerCards';
import type { CardJson } from '../cards/render';
import type { ManagerFlowKind } from '../domain/model';
import { answer, textField, type ActionData, type Answer } from './actionAnswers';
import { commandText } from './commandText';
import { personalChatOnly, problemCard } from './replies';

/** The `managers`, `add manager` and `remove manager` commands and the buttons of their cards. */

interface ManagerDeps {
  readonly managers: ManagerService;
}

type ManagerActionHandler = (caller: Caller, data: ActionData, deps: ManagerDeps) => Promise<Answer>;

const KINDS: readonly ManagerFlowKind[] = ['add', 'remove'];

/** Every verb the billing-manager cards use; merged into CARD_ACTIONS. */
export const MANAGER_ACTIONS: Readonly<Record<string, ManagerActionHandler>> = {
  'managers.show': async (caller, data, { managers }) => {
    const organizationId = textField(data, 'organizationId');
    return answer(await managers.managers(caller, organizationId ? { id: organizationId } : undefined), (list) => managersCard(list, caller.shared === true));
  },
  'manager.start': async (caller, data, { managers }) => {
    const kind = KINDS.find((k) => k === data.kind);
    if (!kind) return noticeCard('Nothing was changed', 'That button is not one I know. Type "help" to see what I can do.');
    if (caller.shared) return personalChatOnly(MANAGER_COMMAND[kind]);
    const organizationId = textField(data, 'organizationId');
    return answer(await managers.start(caller, kind, organizationId || undefined), firstStepCard);
  },
  'manager.organization': async (caller, data, { managers }) => {
    const organizationId = textField(data, 'organizationId');
    if (!organizationId) return 'Pick an organization first.';
    return answer(await managers.chooseOrganization(caller, textField(data, 'flowId'), organizationId), managerPersonPickerCard);
  },
  'manager.filter': async (caller, data, { managers }) =>
    answer(await managers.filterPeople(caller, textField(data, 'flowId'), textField(data, 'filter')), managerPersonPickerCard),
  'manager.person': async (caller, data, { managers }) => {
    const principalId = textField(data, 'principalId');
    if (!principalId) return 'Pick a person first.';
    const step = await managers.choosePerson(caller, textField(data, 'flowId'), principalId);
    return answer(step, (value) => ('roles' in value ? managerConfirmCard(value) : managerRolePickerCard(value)));
  },
  'manager.role': async (caller, data, { managers }) => {
    const role = data.role;
    if (!isManagerRole(role)) return 'Pick Contributor or Owner.';
    return answer(await managers.chooseRole(caller, textField(data, 'flowId'), role), managerConfirmCard);
  },
  'manager.confirm': async (caller, data, { managers }) => answer(await managers.confirm(caller, textField(data, 'flowId')), managerResultCard),
  'manager.cancel': async (caller, data, { managers }) =>
    answer(await managers.cancel(caller, textField(data, 'flowId')), () => noticeCard('Cancelled', 'Nothing was changed.')),
};

function firstStepCard(step: ManagerOrganizationStep | ManagerPersonStep): CardJson {
  return 'organizations' in step ? managerOrganizationPickerCard(step) : managerPersonPickerCard(step);
}

/** `managers`, or `managers <organization>` for one. */
export const MANAGERS_PATTERN = /^(?:billing )?managers(?: (\S+))?$/i;
export const ADD_MANAGER_PATTERN = /^add (?:a )?(?:backup )?(?:billing )?manager$/i;
export const REMOVE_MANAGER_PATTERN = /^remove (?:a )?(?:backup )?(?:billing )?manager$/i;

/** The caller is resolved (and signed in, with DIRECTORY=azure) by the command layer. */
export async function showManagers(context: TurnContext, caller: Caller, deps: ManagerDeps, send: (card: CardJson) => Promise<void>): Promise<void> {
  const name = MANAGERS_PATTERN.exec(commandText(context.activity.text))?.[1];
  const list = await deps.managers.managers(caller, name ? { name } : undefined);
  await send(list.ok ? managersCard(list.value, caller.shared === true) : problemCard(list.problem));
}

/** Shared chats are refused before sign-in by the command layer; the caller is already resolved. */
export async function startManagerFlow(kind: ManagerFlowKind, caller: Caller, deps: ManagerDeps, send: (card: CardJson) => Promise<void>): Promise<void> {
  const started = await deps.managers.start(caller, kind);
  await send(started.ok ? firstStepCard(started.value) : problemCard(started.problem));
}
