import type restify from 'restify';
import type { Activity } from 'botbuilder';
import type { AuthenticateRequestResult } from 'botframework-connector';
import type { Logger } from '../logger';
import type { BotAdapter } from '../teams/botAdapter';

/** Routes anybody may call: they answer from memory and start no work. Every other route needs a token. */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['GET /healthz', 'GET /readyz']);

const REFUSALS: Record<401 | 403 | 503, string> = {
  401: 'This endpoint accepts only requests that Microsoft Teams signed for this bot.',
  403: 'This bot serves Microsoft Teams only.',
  503: 'The bot could not verify this request right now. Try again shortly.',
};

/** Who a request was proven to come from; undefined if it never passed the gate. */
export type IdentityOf = (req: restify.Request) => AuthenticateRequestResult | undefined;

/**
 * Authenticates every request to every route except PUBLIC_ROUTES, before its handler runs: deny by
 * default, so that a route added later cannot be reached without a token by accident. A refusal is
 * answered here and ends the request; its reason goes to the log, not to the caller.
 */
export function guardRoutes(server: restify.Server, adapter: Pick<BotAdapter, 'authenticate'>, logger: Logger): IdentityOf {
  const identities = new WeakMap<restify.Request, AuthenticateRequestResult>();
  server.use((req, res, next) => {
    if (PUBLIC_ROUTES.has(`${req.method} ${req.getRoute().path}`)) return next();
    const body: unknown = req.body;
    const activity = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Partial<Activity>) : {};
    adapter.authenticate(activity, req.headers.authorization ?? '').then(
      (verdict) => {
        if (verdict.ok) {
          identities.set(req, verdict.identity);
          return next();
        }
        logger.warn({ method: req.method, url: req.url, status: verdict.status, reason: verdict.reason }, 'Refused a request that did not prove it comes from Teams.');
        res.send(verdict.status, { message: REFUSALS[verdict.status] });
        return next(false);
      },
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    );
  });
  return (req) => identities.get(req);
}

/** The answer for a request that reached a guarded handler without passing the gate. */
export const UNAUTHENTICATED = { status: 401, body: { message: REFUSALS[401] } } as const;
