import { ActivityTypes, MemoryStorage, type TurnContext } from 'botbuilder';
import { Application, TeamsAdapter } from './teamsAi';
import type { TokenAudience } from '../domain/credentials';
import type { BillingCore } from '../billing/core';
import type { AzureSignIn } from '../config';
import type { Logger } from '../logger';
import { teamsIdentityCallers } from './callers';
import { registerCardActions } from './cardActions';
import { registerCommands } from './commands';
import type { ConversationReferences } from './conversationReferences';
import { internalFailureMessage, logFailure, STORAGE_UNREACHABLE } from './failures';
import { StateUnavailableError } from '../domain/ports/store';
import { registerLifecycle } from './lifecycle';
import { authenticationOptions, optionalSignIns, registerSignIn, SignInCallers } from './signIn';
import type { BotTurnState } from './turnState';

export interface BotDeps {
  readonly core: BillingCore;
  readonly references: ConversationReferences;
  readonly logger: Logger;
  /** Present when the directory acts with the user's own rights: the sign-ins it needs. */
  readonly signIn?: {
    readonly settings: AzureSignIn;
    readonly required: readonly TokenAudience[];
  };
}

/** Builds the teams-ai application with every route the bot answers. */
export function createBotApplication(deps: BotDeps, adapter?: TeamsAdapter): Application<BotTurnState> {
  const app = new Application<BotTurnState>({
    ...(adapter ? { adapter } : {}),
    // Commands must match after an @mention in group chats and channels.
    removeRecipientMention: true,
    // A typing indicator for answers that take milliseconds is noise, and it races the reply.
    startTypingTimer: false,
    longRunningMessages: false,
    ...(deps.signIn
      ? {
          authentication: authenticationOptions(deps.signIn.settings),
          // Only the sign-in prompt's bookkeeping lives here (which sign-in is under way); tokens stay
          // in the Bot Framework token service. A restart loses nothing but an unfinished sign-in.
          storage: new MemoryStorage(),
        }
      : {}),
  });
  const callers = deps.signIn ? new SignInCallers(app, deps.signIn.required, deps.logger, optionalSignIns(deps.signIn.settings)) : teamsIdentityCallers;
  registerLifecycle(app, deps);
  const { billing, quantities, managers, users, costs, cancelAll } = deps.core;
  const services = { billing, quantities, managers, users, costs, cancelAll, callers };
  if (callers instanceof SignInCallers) registerSignIn(app, { callers, commands: services, logger: deps.logger });
  registerCardActions(app, services);
  registerCommands(app, services);
  if (adapter) app.error(turnErrorHandler(deps.logger));
  return app;
}

/**
 * The last line of defence for a turn that threw: log it, and answer the user, so Teams never shows
 * a silent failure, and an invoke never falls through to a 501.
 */
export function turnErrorHandler(logger: Logger): (context: TurnContext, error: Error) => Promise<void> {
  return async (context, error) => {
    const reference = logFailure(logger, error, `A ${context.activity.type ?? 'turn'} activity`);
    const message = error instanceof StateUnavailableError ? STORAGE_UNREACHABLE : internalFailureMessage(reference);
    try {
      if (context.activity.type === ActivityTypes.Invoke) {
        await context.sendActivity({
          type: ActivityTypes.InvokeResponse,
          value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: message } },
        });
      } else if (context.activity.type === ActivityTypes.Message) {
        await context.sendActivity(message);
      }
    } catch (sendError) {
      logger.error({ err: sendError, reference }, 'Could not tell the user about the failure.');
    }
  };
}
