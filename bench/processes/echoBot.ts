import restify from 'restify';
import {
  ActivityHandler,
  CardFactory,
  CloudAdapter,
  MessageFactory,
  ConfigurationBotFrameworkAuthentication,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type TurnContext,
} from 'botbuilder';
import type { CalibrationCards } from '../lib/calibration';
import { serveBaseline } from '../lib/baselineServer';
import { announceFailure } from '../lib/child';
import { EventLoopWatch } from '../lib/eventLoopWatch';

/**
 * The floor the product is measured against: botbuilder's echo sample as it ships (CloudAdapter on
 * restify with its body parser, an ActivityHandler), plus an Action.Execute answered with a one-line
 * card so that card clicks have a floor too. No teams-ai, no state, no directory.
 */
class EchoBot extends ActivityHandler {
  constructor(private readonly cards: CalibrationCards) {
    super();
    this.onMessage(async (context, next) => {
      const text = context.activity.text ?? '';
      // "card": the product's own reply card, to tell the cost of its size from the cost of the product.
      const card = text === 'card' ? this.cards.message : undefined;
      await context.sendActivity(card ? MessageFactory.attachment(CardFactory.adaptiveCard(card)) : `Echo: ${text}`);
      await next();
    });
  }

  protected override async onAdaptiveCardInvoke(_context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const text = `Echo: ${invokeValue.action?.verb ?? ''}`;
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.4', body: [{ type: 'TextBlock', text }] },
    };
  }
}

async function main(): Promise<void> {
  const watch = new EventLoopWatch();
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const cards: CalibrationCards = {};
  const bot = new EchoBot(cards);
  const server = restify.createServer({ handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  await serveBaseline(server, watch, cards);
}

main().catch(announceFailure);
