import restify from 'restify';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type TurnContext,
} from 'botbuilder';
import { serveBaseline } from '../lib/baselineServer';
import { announceFailure } from '../lib/child';
import { EventLoopWatch } from '../lib/eventLoopWatch';

/**
 * The floor the product is measured against: botbuilder's echo sample as it ships (CloudAdapter on
 * restify with its body parser, an ActivityHandler), plus an Action.Execute answered with a one-line
 * card so that card clicks have a floor too. No teams-ai, no state, no directory.
 */
class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(`Echo: ${context.activity.text ?? ''}`);
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
  const bot = new EchoBot();
  const server = restify.createServer({ handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  await serveBaseline(server, watch);
}

main().catch(announceFailure);
