import restify from 'restify';
import { CardFactory, ConfigurationServiceClientCredentialFactory, MessageFactory } from 'botbuilder';
import { Application, TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import { CapturedCards } from '../lib/calibration';
import { serveBaseline } from '../lib/baselineServer';
import { announceFailure } from '../lib/child';
import { EventLoopWatch } from '../lib/eventLoopWatch';

/**
 * Every product turn's twin: teams-ai's Application on its TeamsAdapter and restify, configured as
 * the product's, answering a message with one send of the card the product answered that text with,
 * and an Action.Execute with the card the product answered that verb with (both captured from the
 * product beforehand). It does no billing, no directory and no state: the floor a teams-ai bot
 * cannot go under for the same turn, so the product's own work is what it costs beyond it. It
 * answers /healthz too, for the start-up comparison.
 */
async function main(): Promise<void> {
  const watch = new EventLoopWatch();
  const cards = new CapturedCards();
  const adapter = new TeamsAdapter({}, new ConfigurationServiceClientCredentialFactory({}));
  const app = new Application<TurnState>({ adapter, removeRecipientMention: true, startTypingTimer: false, longRunningMessages: false });
  app.message(/.*/, async (context) => {
    const card = cards.forMessage(context.activity.text ?? '');
    await context.sendActivity(card ? MessageFactory.attachment(CardFactory.adaptiveCard(card)) : 'No card was captured for this text.');
  });
  app.adaptiveCards.actionExecute(/.*/, async (context) => {
    const verb = (context.activity.value as { action?: { verb?: string } } | undefined)?.action?.verb ?? '';
    const card = cards.forInvoke(verb);
    return card ? { ...card, type: 'AdaptiveCard' as const } : 'No card was captured for this verb.';
  });

  const server = restify.createServer({ handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (context) => {
      await app.run(context);
    });
  });
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  await serveBaseline(server, watch, cards);
}

main().catch(announceFailure);
