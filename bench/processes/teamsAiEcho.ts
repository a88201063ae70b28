import restify from 'restify';
import { CardFactory, ConfigurationServiceClientCredentialFactory, MessageFactory } from 'botbuilder';
import { Application, TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import type { CalibrationCards } from '../lib/calibration';
import { serveBaseline } from '../lib/baselineServer';
import { announceFailure } from '../lib/child';
import { EventLoopWatch } from '../lib/eventLoopWatch';

/**
 * A diagnostic baseline: teams-ai's Application on its TeamsAdapter, configured as the product's,
 * answering "status" and every Action.Execute with the product's own cards, captured beforehand. It
 * does no billing, no directory and no state: what it costs beyond the bare echo bot is teams-ai and
 * the size of the cards; what the product costs beyond it is the product.
 */
async function main(): Promise<void> {
  const watch = new EventLoopWatch();
  const cards: CalibrationCards = {};
  const adapter = new TeamsAdapter({}, new ConfigurationServiceClientCredentialFactory({}));
  const app = new Application<TurnState>({ adapter, removeRecipientMention: true, startTypingTimer: false, longRunningMessages: false });
  app.message(/^status$/i, async (context) => {
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(cards.message ?? {})));
  });
  app.adaptiveCards.actionExecute(/.*/, async () => (cards.invoke ? { ...cards.invoke, type: 'AdaptiveCard' as const } : 'No card was captured.'));

  const server = restify.createServer({ handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (context) => {
      await app.run(context);
    });
  });
  await serveBaseline(server, watch, cards);
}

main().catch(announceFailure);
