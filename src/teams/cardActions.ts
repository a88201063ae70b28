import { ActivityTypes, StatusCodes, type TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import type { BillingService } from '../billing/billingService';
import type { ManagerService } from '../billing/managerService';
import type { QuantitiesService } from '../billing/quantitiesService';
import type { UsersService } from '../billing/usersService';
import type { Caller } from '../domain/caller';
import { billingSettingsCard } from '../cards/billingSettingsCard';
import { confirmCard, organizationPickerCard, resultCard, subscriptionPickerCard } from '../cards/flowCards';
import { noticeCard, statusCard } from '../cards/infoCards';
import { DirectoryFailure } from '../directory/directoryFailure';
import type { FlowKind } from '../domain/model';
import { answer, isRecord, textField, type ActionData, type Answer } from './actionAnswers';
import type { CallerResolver } from './callers';
import { directoryFailureCard } from './directoryFailures';
import { NO_ENTRA_IDENTITY } from './identity';
import { MANAGER_ACTIONS } from './managerActions';
import { QUANTITY_ACTIONS } from './quantityActions';
import { USERS_ACTIONS } from './usersActions';
import { registerPeopleSearch } from './peopleSearch';
import { personalChatOnly } from './replies';
import type { BotTurnState } from './turnState';

export interface CardActionDeps {
  readonly billing: BillingService;
  readonly managers: ManagerService;
  readonly quantities: QuantitiesService;
  readonly users: UsersService;
  readonly callers: CallerResolver;
}

/** The answer while a sign-in card is on its way; Teams shows the sign-in instead when it can. */
const SIGNING_IN = 'Sign in with the card I sent, and I will continue.';

type ActionHandler = (caller: Caller, data: ActionData, deps: CardActionDeps) => Promise<Answer>;

const FLOW_KINDS: readonly FlowKind[] = ['setup', 'change', 'remove'];

/** Every verb the cards in cards/ use. A verb not listed here gets a read-only answer, never a 501. */
export const CARD_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  'flow.start': async (caller, data, { billing }) => {
    const kind = FLOW_KINDS.find((k) => k === data.kind);
    if (!kind) return noticeCard('Nothing was changed', 'That button is not one I know. Type "help" to see what I can do.');
    if (caller.shared) return personalChatOnly(kind);
    return answer(await billing.startFlow(caller, kind), organizationPickerCard);
  },
  'flow.organization': async (caller, data, { billing }) => {
    const organizationId = textField(data, 'organizationId');
    if (!organizationId) return 'Pick an organization first.';
    const step = await billing.chooseOrganization(caller, textField(data, 'flowId'), organizationId);
    return answer(step, (value) => ('subscriptions' in value ? subscriptionPickerCard(value) : confirmCard(value)));
  },
  'flow.subscription': async (caller, data, { billing }) => {
    const subscriptionId = textField(data, 'subscriptionId');
    if (!subscriptionId) return 'Pick a subscription first.';
    return answer(await billing.chooseSubscription(caller, textField(data, 'flowId'), subscriptionId), confirmCard);
  },
  'flow.confirm': async (caller, data, { billing }) => {
    const acknowledged = data.acknowledged === true || data.acknowledged === 'true';
    const done = await billing.confirm(caller, textField(data, 'flowId'), acknowledged);
    return answer(done, (change) => ('pending' in change ? billingSettingsCard(change) : resultCard(change.flow.kind, change)));
  },
  // "Check again" after the user changed billing on the organization's Billing settings page.
  'flow.check': async (caller, data, { billing }) => {
    const checked = await billing.checkAgain(caller, textField(data, 'flowId'));
    return answer(checked, (change) => ('pending' in change ? billingSettingsCard(change) : resultCard(change.flow.kind, change)));
  },
  'flow.cancel': async (caller, data, { billing }) => {
    const cancelled = await billing.cancel(caller, textField(data, 'flowId'));
    return answer(cancelled, () => noticeCard('Cancelled', 'Nothing was changed.'));
  },
  'status.show': async (caller, _data, { billing }) => answer(await billing.status(caller), (statuses) => statusCard(statuses, caller.shared === true)),
  'quantities.start': QUANTITY_ACTIONS.start,
  'quantities.organization': QUANTITY_ACTIONS.chooseOrganization,
  'quantities.review': QUANTITY_ACTIONS.review,
  'quantities.edit': QUANTITY_ACTIONS.edit,
  'quantities.confirm': QUANTITY_ACTIONS.confirm,
  'quantities.cancel': QUANTITY_ACTIONS.cancel,
  ...MANAGER_ACTIONS,
  ...USERS_ACTIONS,
};

/**
 * One route for every Action.Execute: the verb is looked up here, so an unknown or forged verb is
 * answered like any other bad click instead of falling through to a 501.
 */
export function registerCardActions(app: Application<BotTurnState>, deps: CardActionDeps): void {
  app.adaptiveCards.actionExecute<ActionData>(/.*/, async (context, state, data) => {
    const verb = verbOf(context);
    const handler = Object.prototype.hasOwnProperty.call(CARD_ACTIONS, verb) ? CARD_ACTIONS[verb] : undefined;
    if (!handler) return noticeCard('This card is no longer active', 'That button is not one I know. Type "help" to see what I can do.');
    const resolved = await deps.callers.resolve(context, state);
    if (!('caller' in resolved)) return resolved.answered === 'no-identity' ? NO_ENTRA_IDENTITY : SIGNING_IN;
    try {
      return await handler(resolved.caller, isRecord(data) ? data : {}, deps);
    } catch (error) {
      if (!(error instanceof DirectoryFailure)) throw error;
      // A new sign-in answers the click itself (Teams shows it in place of the card).
      if (await deps.callers.signInAgain(context, state, error)) return SIGNING_IN;
      return directoryFailureCard(error);
    }
  });
  registerPeopleSearch(app, deps);
  // Any other invoke (another client feature, or a malformed Action.Execute) gets a clear 400.
  app.activity(ActivityTypes.Invoke, async (context) => {
    await context.sendActivity({
      type: ActivityTypes.InvokeResponse,
      value: { status: StatusCodes.BAD_REQUEST, body: { message: `This bot does not handle the invoke "${context.activity.name ?? ''}".` } },
    });
  });
}

function verbOf(context: TurnContext): string {
  const value: unknown = context.activity.value;
  if (!isRecord(value) || !isRecord(value.action)) return '';
  const verb = value.action.verb;
  return typeof verb === 'string' ? verb : '';
}
