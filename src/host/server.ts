import type { AddressInfo } from 'node:net';
import restify from 'restify';
import type { Application } from '@microsoft/teams-ai';
import type { Activity } from 'botbuilder';
import { activityShapeProblem } from './activityShape';
import { drainingClose } from './drainingClose';
import type { Logger } from '../logger';
import { guardRoutes, UNAUTHENTICATED } from './requestGate';
import type { BotAdapter } from '../teams/botAdapter';
import type { BotTurnState } from '../teams/turnState';

/** Bot Framework activities are small; anything near this is not from Teams. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface RunningServer {
  readonly port: number;
  /** Stops accepting connections and resolves when in-flight requests have finished. */
  close(): Promise<void>;
}

/** What answers turns: the Bot Framework adapter and the teams-ai application. */
export interface TurnHandling {
  readonly adapter: BotAdapter;
  readonly app: Application<BotTurnState>;
}

export interface ServerDeps {
  readonly port: number;
  /**
   * The turn handling, or the promise of it while it is still being built: the server listens before
   * that, and a request to any route but /healthz waits for it (and fails if building it fails).
   */
  readonly turns: TurnHandling | Promise<TurnHandling>;
  readonly logger: Logger;
}

export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  const server = restify.createServer({ name: 'devops-billing-bot', handleUncaughtExceptions: false });
  const close = drainingClose(server.server);
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: true }));

  const turns = Promise.resolve(deps.turns);
  // Whether turns can be answered yet, for /readyz: the server listens before they can.
  let readiness: 'starting' | 'ready' | 'failed' = 'starting';
  turns.then(
    () => {
      readiness = 'ready';
    },
    () => {
      readiness = 'failed';
    },
  );
  const identityOf = guardRoutes(server, { authenticate: async (activity, authorization) => (await turns).adapter.authenticate(activity, authorization) }, deps.logger);

  server.post('/api/messages', async (req, res) => {
    const identity = identityOf(req);
    if (!identity) {
      res.send(UNAUTHENTICATED.status, UNAUTHENTICATED.body);
      return;
    }
    const problem = activityShapeProblem(req.body);
    if (problem) {
      res.send(400, { message: problem });
      return;
    }
    try {
      const { adapter, app } = await turns;
      const invokeResponse = await adapter.processAuthenticated(identity, req.body as Activity, async (context) => {
        await app.run(context);
      });
      res.send(invokeResponse?.status ?? 200, invokeResponse?.body);
    } catch (error) {
      // A turn's own failures are answered by the turn error handler; anything reaching here is
      // ours, and the sender still deserves an answer.
      deps.logger.error({ err: error }, 'Processing an activity failed.');
      if (!res.headersSent) res.send(500, { message: 'The bot could not process this activity.' });
    }
  });

  // Clients (the Agents Playground among them) probe the endpoint with HEAD before sending.
  server.head('/api/messages', async (_req, res) => {
    res.send(200);
  });

  // Liveness: the process is up and listening (a turn that arrives now waits until it can be answered).
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });

  // Readiness: turns are answered without waiting. Load balancers and the dev scripts route by this.
  server.get('/readyz', async (_req, res) => {
    if (readiness === 'ready') {
      res.send(200, { status: 'ready' });
      return;
    }
    if (readiness === 'starting') res.header('Retry-After', '1');
    res.send(503, { status: readiness, message: readiness === 'starting' ? 'The bot is still starting; try again in a second.' : 'The bot could not finish starting; see its log.' });
  });

  server.on('restifyError', (req, _res, error: Error & { statusCode?: number }, callback: () => void) => {
    deps.logger.warn({ method: req.method, url: req.url, status: error.statusCode, reason: error.message }, 'Rejected a request.');
    callback();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  deps.logger.info({ port }, `Listening on http://localhost:${port}/api/messages`);
  return { port, close };
}
