import { ActivityTypes, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import type { BillingService } from '../billing/billingService';
import type { ManagerService } from '../billing/managerService';
import type { QuantitiesService } from '../billing/quantitiesService';
import type { FlowKind } from '../store/state';
import { helpCard, statusCard, type CommandHelp } from '../cards/infoCards';
import { organizationPickerCard } from '../cards/flowCards';
import { quantitiesOrganizationPickerCard } from '../cards/quantityCards';
import type { CardJson } from '../cards/render';
import { commandText } from './commandText';
import { callerOf, NO_ENTRA_IDENTITY } from './identity';
import type { BotTurnState } from './turnState';
import { ADD_MANAGER_PATTERN, MANAGERS_PATTERN, REMOVE_MANAGER_PATTERN, showManagers, startManagerFlow } from './managerActions';
import { personalChatOnly, problemCard } from './replies';

export interface CommandDeps {
  readonly billing: BillingService;
  readonly managers: ManagerService;
  readonly quantities: QuantitiesService;
}

interface Command extends CommandHelp {
  /** Anchored and case-insensitive: "unlink billing" must never run "link billing". */
  readonly pattern: RegExp;
  readonly run: (context: TurnContext, deps: CommandDeps) => Promise<void>;
}

/** The commands, in the order `help` lists them. Keep appPackage/manifest.json's command lists in step. */
export const COMMANDS: readonly Command[] = [
  { name: 'set up billing', description: 'Link an organization to the Azure subscription that pays for it.', pattern: /^set[\s-]?up billing$/i, run: startFlow('setup') },
  { name: 'status', description: 'See billing for every organization you belong to.', pattern: /^(billing )?status$/i, run: showStatus },
  { name: 'change billing', description: 'Move an organization to another subscription.', pattern: /^change billing$/i, run: startFlow('change') },
  { name: 'remove billing', description: 'Stop billing an organization; it falls back to the free tier.', pattern: /^remove billing$/i, run: startFlow('remove') },
  { name: 'cancel', description: 'Stop what you started here; nothing is changed.', pattern: /^cancel$/i, run: cancel },
  { name: 'buy', description: 'See and change paid quantities (users, parallel jobs, Artifacts storage) with price estimates. Also "quantities".', pattern: /^(buy|(paid )?quantities)$/i, run: startPurchase },
  { name: 'managers', description: 'See who manages billing of your organizations, and whether I can reach them.', pattern: MANAGERS_PATTERN, run: (context, deps) => showManagers(context, deps, (card) => sendCard(context, card)) },
  { name: 'add manager', description: 'Make someone a backup billing manager, so billing survives the primary one leaving.', pattern: ADD_MANAGER_PATTERN, run: (context, deps) => startManagerFlow('add', context, deps, (card) => sendCard(context, card)) },
  { name: 'remove manager', description: 'Take the billing role away from a billing manager.', pattern: REMOVE_MANAGER_PATTERN, run: (context, deps) => startManagerFlow('remove', context, deps, (card) => sendCard(context, card)) },
  { name: 'help', description: 'Show this list.', pattern: /^(help|\?)$/i, run: async (context) => sendCard(context, helpCard(helpList(), false)) },
];

export function helpList(): CommandHelp[] {
  return COMMANDS.map(({ name, description }) => ({ name, description }));
}

/** Registers every command, then the hint for anything else; order does not decide a match. */
export function registerCommands(app: Application<BotTurnState>, deps: CommandDeps): void {
  for (const command of COMMANDS) {
    app.message(
      async (context) => context.activity.type === ActivityTypes.Message && command.pattern.test(commandText(context.activity.text)),
      async (context) => command.run(context, deps),
    );
  }
  app.activity(ActivityTypes.Message, async (context) => {
    const typed = commandText(context.activity.text);
    // The hint repeats what was typed: as plain text, so nobody can make the bot post formatted
    // content (links, mentions) in a shared chat by typing it.
    await context.sendActivity({
      type: ActivityTypes.Message,
      textFormat: 'plain',
      text: typed === ''
        ? 'I only understand typed commands. Type "help" to see them.'
        : `I don't know "${typed.length > 60 ? `${typed.slice(0, 57)}...` : typed}". Type "help" to see what I can do.`,
    });
  });
}

function startFlow(kind: FlowKind) {
  return async (context: TurnContext, deps: CommandDeps): Promise<void> => {
    const caller = callerOf(context);
    if (!caller) return void (await context.sendActivity(NO_ENTRA_IDENTITY));
    if (caller.shared) return void (await context.sendActivity(personalChatOnly(kind)));
    const started = await deps.billing.startFlow(caller, kind);
    await sendCard(context, started.ok ? organizationPickerCard(started.value) : problemCard(started.problem));
  };
}

async function showStatus(context: TurnContext, deps: CommandDeps): Promise<void> {
  const caller = callerOf(context);
  if (!caller) return void (await context.sendActivity(NO_ENTRA_IDENTITY));
  const status = await deps.billing.status(caller);
  await sendCard(context, status.ok ? statusCard(status.value, caller.shared === true) : problemCard(status.problem));
}

async function cancel(context: TurnContext, deps: CommandDeps): Promise<void> {
  const caller = callerOf(context);
  if (!caller) return void (await context.sendActivity(NO_ENTRA_IDENTITY));
  const billingFlows = await deps.billing.cancelAll(caller);
  if (!billingFlows.ok) return void (await context.sendActivity(billingFlows.problem.message));
  const purchases = await deps.quantities.cancelAll(caller);
  if (!purchases.ok) return void (await context.sendActivity(purchases.problem.message));
  const managerFlows = await deps.managers.cancelAll(caller);
  if (!managerFlows.ok) return void (await context.sendActivity(managerFlows.problem.message));
  const count = billingFlows.value + purchases.value + managerFlows.value;
  await context.sendActivity(
    count === 0
      ? 'There was nothing to cancel here.'
      : `Cancelled. Nothing was changed; the ${count === 1 ? 'card you had open no longer works' : `${count} cards you had open no longer work`}.`,
  );
}

async function startPurchase(context: TurnContext, deps: CommandDeps): Promise<void> {
  const caller = callerOf(context);
  if (!caller) return void (await context.sendActivity(NO_ENTRA_IDENTITY));
  if (caller.shared) return void (await context.sendActivity(personalChatOnly('buy')));
  const started = await deps.quantities.start(caller);
  await sendCard(context, started.ok ? quantitiesOrganizationPickerCard(started.value) : problemCard(started.problem));
}

export async function sendCard(context: TurnContext, card: CardJson): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}
