import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { helpCard } from '../cards/infoCards';
import type { Logger } from '../logger';
import { helpList, sendCard } from './commands';
import type { ConversationReferences } from './conversationReferences';
import type { BotTurnState } from './turnState';

export interface LifecycleDeps {
  readonly references: ConversationReferences;
  readonly logger: Logger;
}

/**
 * Installs, uninstalls and first contact: keeps conversation references current and welcomes the
 * conversation once per install.
 */
export function registerLifecycle(app: Application<BotTurnState>, deps: LifecycleDeps): void {
  // Remember every conversation a user writes in, so later proactive messages can reach it. Runs
  // before the turn's route; a failure to save must not stop the user's command.
  app.turn('beforeTurn', async (context) => {
    if (context.activity.type === ActivityTypes.Message || context.activity.type === ActivityTypes.Invoke) {
      await deps.references.remember(context).catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'Could not save the conversation reference; proactive messages may not reach this conversation.');
      });
    }
    return true;
  });

  app.activity(ActivityTypes.InstallationUpdate, async (context) => {
    const action = String(context.activity.action ?? '').toLowerCase();
    if (action.startsWith('remove')) {
      await deps.references.forget(context.activity.conversation.id);
      deps.logger.info({ conversationId: context.activity.conversation.id }, 'The app was removed from a conversation; its reference is deleted.');
      return;
    }
    await welcome(context, deps, action === 'add');
  });

  app.conversationUpdate('membersAdded', async (context) => {
    if (botWasAdded(context)) await welcome(context, deps, true);
  });

  app.conversationUpdate('membersRemoved', async (context) => {
    const botId = context.activity.recipient?.id;
    if ((context.activity.membersRemoved ?? []).some((m) => m.id === botId)) {
      await deps.references.forget(context.activity.conversation.id);
    }
  });
}

async function welcome(context: TurnContext, deps: LifecycleDeps, greet: boolean): Promise<void> {
  await deps.references.remember(context);
  if (greet && (await deps.references.claimWelcome(context))) {
    await sendCard(context, helpCard(helpList(), true));
  }
}

function botWasAdded(context: TurnContext): boolean {
  const botId = context.activity.recipient?.id;
  return (context.activity.membersAdded ?? []).some((member) => member.id === botId);
}
