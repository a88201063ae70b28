import type { AddressInfo } from 'node:net';
import type restify from 'restify';
import type { CapturedCards } from './calibration';
import { announceReady, serveParent } from './child';
import type { EventLoopWatch } from './eventLoopWatch';

/**
 * The part every baseline bot shares: listen on a free loopback port, answer the parent's requests
 * for event-loop statistics and for the product's captured cards, close cleanly, and say where it
 * listens.
 */
export async function serveBaseline(server: restify.Server, watch: EventLoopWatch, cards?: CapturedCards): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serveParent(
    { stats: (message) => watch.report(message.reset === true), cards: (message) => cards?.take(message) ?? { captured: false } },
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.server.closeAllConnections();
      }),
  );
  announceReady({ port: (server.address() as AddressInfo).port });
}
