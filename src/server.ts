import type { AddressInfo } from 'node:net';
import restify from 'restify';
import type { Application } from '@microsoft/teams-ai';
import type { Activity } from 'botbuilder';
import type { AuthenticateRequestResult } from 'botframework-connector';
import { activityShapeProblem } from './activityShape';
import { drainingClose } from './drainingClose';
import type { Logger } from './logger';
import type { BotAdapter } from './teams/botAdapter';
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
  readonly adapter: BotAdapter;
  readonly app: Application<BotTurnState>;
  readonly logger: Logger;
}

/** Routes anybody may call: they answer from memory and start no work. Every other route needs a token. */
const PUBLIC_ROUTES = new Set(['GET /healthz']);

const REFUSALS: Record<401 | 403 | 503, string> = {
  401: 'This endpoint accepts only requests that Microsoft Teams signed for this bot.',
  403: 'This bot serves Microsoft Teams only.',
  503: 'The bot could not verify this request right now. Try again shortly.',
};

export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  const server = restify.createServer({ name: 'devops-billing-bot', handleUncaughtExceptions: false });
  const close = drainingClose(server.server);
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: true }));

  // Deny by default: a route added later is authenticated unless it is listed as public.
  const identities = new WeakMap<restify.Request, AuthenticateRequestResult>();
  server.use((req, res, next) => {
    if (PUBLIC_ROUTES.has(`${req.method} ${req.getRoute().path}`)) return next();
    const body: unknown = req.body;
    const activity = isRecord(body) ? (body as Partial<Activity>) : {};
    deps.adapter.authenticate(activity, req.headers.authorization ?? '').then(
      (verdict) => {
        if (verdict.ok) {
          identities.set(req, verdict.identity);
          return next();
        }
        deps.logger.warn({ method: req.method, url: req.url, status: verdict.status, reason: verdict.reason }, 'Refused a request that did not prove it comes from Teams.');
        res.send(verdict.status, { message: REFUSALS[verdict.status] });
        return next(false);
      },
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    );
  });

  server.post('/api/messages', async (req, res) => {
    const identity = identities.get(req);
    if (!identity) {
      res.send(401, { message: REFUSALS[401] });
      return;
    }
    const problem = activityShapeProblem(req.body);
    if (problem) {
      res.send(400, { message: problem });
      return;
    }
    try {
      const invokeResponse = await deps.adapter.processAuthenticated(identity, req.body as Activity, async (context) => {
        await deps.app.run(context);
      });
      res.send(invokeResponse?.status ?? 200, invokeResponse?.body);
    } catch (error) {
      // A turn's own failures are answered by the turn error handler; anything reaching here is
      // ours, and the sender still deserves an answer.
      deps.logger.error({ err: error }, 'Processing an activity failed.');
      if (!res.headersSent) res.send(500, { message: 'The bot could not process this activity.' });
    }
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
  return { port, close };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
