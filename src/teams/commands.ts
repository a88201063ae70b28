import { ActivityTypes, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import type { BillingService } from '../billing/billingService';
import { MANAGER_COMMAND, type ManagerCommand, type ManagerService } from '../billing/managerService';
import type { ManagerFlowKind } from '../domain/model';
import type { QuantitiesService } from '../billing/quantitiesService';
import type { UsersService } from '../billing/usersService';
import type { CostsService } from '../billing/costsService';
import { costsCard } from '../cards/costsCard';
import { accessModelCard, usersOrganizationPickerCard } from '../cards/usersCards';
import type { FlowKind } from '../domain/model';
import { helpCard, statusCard, type CommandHelp } from '../cards/infoCards';
import { organizationPickerCard } from '../cards/flowCards';
import { quantitiesOrganizationPickerCard } from '../cards/quantityCards';
import type { CardJson } from '../cards/render';
import { safeText } from '../cards/safeText';
import type { Caller } from '../domain/caller';
import type { Outcome } from '../domain/outcome';
import { DirectoryFailure } from '../directory/directoryFailure';
import type { CallerResolver } from './callers';
import { commandText } from './commandText';
import { directoryFailureCard } from './directoryFailures';
import { callerOf, isSharedConversation, NO_ENTRA_IDENTITY } from './identity';
import type { BotTurnState } from './turnState';
import { ADD_MANAGER_PATTERN, MANAGERS_PATTERN, REMOVE_MANAGER_PATTERN, showManagers, startManagerFlow } from './managerActions';
import { personalChatOnly, problemCard } from './replies';

export interface CommandDeps {
  readonly billing: BillingService;
  readonly managers: ManagerService;
  readonly quantities: QuantitiesService;
  readonly users: UsersService;
  readonly costs: CostsService;
  /** "cancel": every flow the caller has open here, of every kind. */
  readonly cancelAll: (caller: Caller) => Promise<Outcome<number>>;
  readonly callers: CallerResolver;
}

interface Command extends CommandHelp {
  /** Anchored and case-insensitive: "unlink billing" must never run "link billing". */
  readonly pattern: RegExp;
  readonly run: (context: TurnContext, state: BotTurnState, deps: CommandDeps) => Promise<void>;
}

/** The commands, in the order `help` lists them. Keep appPackage/manifest.json's command lists in step. */
export const COMMANDS: readonly Command[] = [
  { name: 'set up billing', description: 'Link an organization to the Azure subscription that pays for it.', pattern: /^set[\s-]?up billing$/i, run: startFlow('setup') },
  { name: 'status', description: 'See billing for every organization you belong to.', pattern: /^(billing )?status$/i, run: showStatus },
  { name: 'change billing', description: 'Move an organization to another subscription.', pattern: /^change billing$/i, run: startFlow('change') },
  { name: 'remove billing', description: 'Stop billing an organization; it falls back to the free tier.', pattern: /^remove billing$/i, run: startFlow('remove') },
  { name: 'cancel', description: 'Stop what you started here; nothing is changed.', pattern: /^cancel$/i, run: cancel },
  { name: 'costs', description: 'See what your organizations cost this month so far and by its end, by meter and per paying subscription. Also "spend".', pattern: /^(costs?|spend(ing)?)$/i, run: showCosts },
  { name: 'buy users', description: 'How users are billed today (by access level, not bought as seats), and the way to see them. Also "buy licenses".', pattern: /^buy (basic )?(users|licen[cs]es|seats)$/i, run: async (context) => sendCard(context, accessModelCard()) },
  { name: 'buy', description: 'See and change what an organization buys: Microsoft-hosted and self-hosted parallel jobs, and whether Artifacts storage is paid as used, with price estimates. Also "quantities".', pattern: /^(buy|(paid )?quantities)$/i, run: startPurchase },
  { name: 'users', description: 'See who is billed for which access level, what users cost this month, and who has not signed in for a while; make them Stakeholders. Also "licenses".', pattern: /^(users|licen[cs]es)$/i, run: startUsers },
  { name: 'managers', description: 'See who manages billing of your organizations, and whether I can reach them.', pattern: MANAGERS_PATTERN, run: listManagers },
  { name: 'add manager', description: 'Make someone a backup billing manager, so billing survives the primary one leaving.', pattern: ADD_MANAGER_PATTERN, run: startManagers('add') },
  { name: 'remove manager', description: 'Take the billing role away from a billing manager.', pattern: REMOVE_MANAGER_PATTERN, run: startManagers('remove') },
  { name: 'help', description: 'Show this list.', pattern: /^(help|\?)$/i, run: async (context) => sendCard(context, helpCard(helpList(), false)) },
];

/** The command typed text names, if any. */
export function commandFor(typed: string | undefined): Command | undefined {
  const text = commandText(typed);
  return COMMANDS.find((command) => command.pattern.test(text));
}

export function helpList(): CommandHelp[] {
  return COMMANDS.map(({ name, description }) => ({ name, description }));
}

/** Registers every command, then the hint for anything else; order does not decide a match. */
export function registerCommands(app: Application<BotTurnState>, deps: CommandDeps): void {
  for (const command of COMMANDS) {
    app.message(
      async (context) => context.activity.type === ActivityTypes.Message && command.pattern.test(commandText(context.activity.text)),
      async (context, state) => command.run(context, state, deps),
    );
  }
  app.activity(ActivityTypes.Message, async (context) => {
    await context.sendActivity({ type: ActivityTypes.Message, textFormat: 'plain', text: unknownTextHint(commandText(context.activity.text), isSharedConversation(context)) });
  });
}

/**
 * The answer to text that is no command. In the personal chat it repeats what was typed, as plain
 * text, cleaned and cut short; in a group chat or channel it does not, so that nobody can make the
 * bot post words of their choosing in front of everyone.
 */
export function unknownTextHint(typed: string, shared: boolean): string {
  if (typed === '') return 'I only understand typed commands. Type "help" to see them.';
  if (shared) return 'I don\'t know that command. Type "help" to see what I can do.';
  const clean = safeText(typed, { markdown: false });
  return `I don't know "${clean.length > 60 ? `${clean.slice(0, 57)}...` : clean}". Type "help" to see what I can do.`;
}

function startFlow(kind: FlowKind) {
  return (context: TurnContext, state: BotTurnState, deps: CommandDeps): Promise<void> =>
    inPersonalChat(context, kind, () =>
      withCaller(context, state, deps, async (caller) => {
        const started = await deps.billing.startFlow(caller, kind);
        await sendCard(context, started.ok ? organizationPickerCard(started.value) : problemCard(started.problem));
      }));
}

function showStatus(context: TurnContext, state: BotTurnState, deps: CommandDeps): Promise<void> {
  return withCaller(context, state, deps, async (caller) => {
    const status = await deps.billing.status(caller);
    await sendCard(context, status.ok ? statusCard(status.value, caller.shared === true) : problemCard(status.problem));
  });
}

function cancel(context: TurnContext, state: BotTurnState, deps: CommandDeps): Promise<void> {
  return withCaller(context, state, deps, async (caller) => {
    const cancelled = await deps.cancelAll(caller);
    if (!cancelled.ok) return void (await context.sendActivity(cancelled.problem.message));
    const count = cancelled.value;
    await context.sendActivity(
      count === 0
        ? 'There was nothing to cancel here.'
        : `Cancelled. Nothing was changed; the ${count === 1 ? 'card you had open no longer works' : `${count} cards you had open no longer work`}.`,
    );
  });
}

function startPurchase(context: TurnContext, state: BotTurnState, deps: CommandDeps): Promise<void> {
  return inPersonalChat(context, 'buy', () =>
    withCaller(context, state, deps, async (caller) => {
      const started = await deps.quantities.start(caller);
      await sendCard(context, started.ok ? quantitiesOrganizationPickerCard(started.value) : problemCard(started.problem));
    }));
}

function startUsers(context: TurnContext, state: BotTurnState, deps: CommandDeps): Promise<void> {
  return inPersonalChat(context, 'users', () =>
    withCaller(context, state, deps, async (caller) => {
      const started = await deps.users.start(caller);
      await sendCard(context, started.ok ? usersOrganizationPickerCard(started.value) : problemCard(started.problem));
    }));
}

function showCosts(context: TurnContext, state: BotTurnState, deps: CommandDeps): Promise<void> {
  return inPersonalChat(context, 'costs', () =>
    withCaller(context, state, deps, async (caller) => {
      const report = await deps.costs.show(caller);
      await sendCard(context, report.ok ? costsCard(report.value) : problemCard(report.problem));
    }));
}

function listManagers(context: TurnContext, state: BotTurnState, deps: CommandDeps): Promise<void> {
  return withCaller(context, state, deps, (caller) => showManagers(context, caller, deps, (card) => sendCard(context, card)));
}

function startManagers(kind: ManagerFlowKind) {
  return (context: TurnContext, state: BotTurnState, deps: CommandDeps): Promise<void> =>
    inPersonalChat(context, MANAGER_COMMAND[kind], () =>
      withCaller(context, state, deps, (caller) => startManagerFlow(kind, caller, deps, (card) => sendCard(context, card))));
}

/**
 * Money-changing commands run only in the personal chat; in a shared one they are refused before
 * anything else, so nobody is asked to sign in in front of the whole chat.
 */
async function inPersonalChat(context: TurnContext, command: FlowKind | 'buy' | 'users' | 'costs' | ManagerCommand, work: () => Promise<void>): Promise<void> {
  if (callerOf(context) && isSharedConversation(context)) return void (await context.sendActivity(personalChatOnly(command)));
  await work();
}

/**
 * Runs a command's work for the acting user: resolves them (which may start a sign-in instead), and
 * shows a directory that could not answer as a card that says why, or as a new sign-in.
 */
async function withCaller(context: TurnContext, state: BotTurnState, deps: CommandDeps, work: (caller: Caller) => Promise<void>): Promise<void> {
  const resolved = await deps.callers.resolve(context, state);
  if (!('caller' in resolved)) {
    if (resolved.answered === 'no-identity') await context.sendActivity(NO_ENTRA_IDENTITY);
    return;
  }
  try {
    await work(resolved.caller);
  } catch (error) {
    if (!(error instanceof DirectoryFailure)) throw error;
    if (await deps.callers.signInAgain(context, state, error)) return;
    await sendCard(context, directoryFailureCard(error));
  }
}

export async function sendCard(context: TurnContext, card: CardJson): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}
