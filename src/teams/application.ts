import { ActivityTypes, type TurnContext } from 'botbuilder';
import { Application, TeamsAdapter } from '@microsoft/teams-ai';
import type { BillingService } from '../billing/billingService';
import type { ManagerService } from '../billing/managerService';
import type { QuantitiesService } from '../billing/quantitiesService';
import type { Logger } from '../logger';
import { registerCardActions } from './cardActions';
import { registerCommands } from './commands';
import type { ConversationReferences } from './conversationReferences';
import { internalFailureMessage, logFailure } from './failures';
import { registerLifecycle } from './lifecycle';
import type { BotTurnState } from './turnState';

export interface BotDeps {
  readonly billing: BillingService;
  readonly managers: ManagerService;
  readonly quantities: QuantitiesService;
  readonly references: ConversationReferences;
  readonly logger: Logger;
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
  });
  registerLifecycle(app, deps);
  registerCardActions(app, deps);
  registerCommands(app, deps);
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
    const message = internalFailureMessage(reference);
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
