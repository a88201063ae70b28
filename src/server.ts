import type { AddressInfo } from 'node:net';
import restify from 'restify';
import type { TeamsAdapter, Application } from '@microsoft/teams-ai';
import { activityShapeProblem } from './activityShape';
import type { Logger } from './logger';
import type { BotTurnState } from './teams/turnState';

/** Bot Framework activities are small; anything near this is not from Teams. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface RunningServer {
  readonly port: number;
  /** Stops accepting connections and resolves when in-flight requests have finished. */
  close(): Promise<void>;
}

export interface ServerDeps {
  readonly port: number;
  readonly adapter: TeamsAdapter;
  readonly app: Application<BotTurnState>;
  readonly logger: Logger;
}

export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  const server = restify.createServer({ name: 'devops-billing-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: true }));

  server.post('/api/messages', async (req, res) => {
    const problem = activityShapeProblem(req.body);
    if (problem) {
      res.send(400, { message: problem });
      return;
    }
    try {
      await deps.adapter.process(req, res, async (context) => {
        await deps.app.run(context);
      });
    } catch (error) {
      // The adapter answers authentication and parsing failures itself; anything reaching here is
      // ours, and the sender still deserves an answer.
      deps.logger.error({ err: error }, 'Processing an activity failed.');
      if (!res.headersSent) res.send(500, { message: 'The bot could not process this activity.' });
    }
  });

  // Clients (the Agents Playground among them) probe the endpoint with HEAD before sending.
  server.head('/api/messages', async (_req, res) => {
    res.send(200);
  });

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
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
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive sockets would hold close() open forever.
        server.server.closeIdleConnections?.();
      }),
  };
}
