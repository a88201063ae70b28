import type http from 'node:http';

/**
 * Closing an HTTP server stops new connections, but a keep-alive connection whose request is still
 * in flight stays open after its answer (and may even carry another request) until the client lets
 * it go, seconds later. This tracks the answers in flight so that closing marks them
 * "Connection: close": each connection ends with its last answer, and close() resolves as soon as
 * the work in flight is done.
 */
export function drainingClose(server: http.Server): () => Promise<void> {
  const unanswered = new Set<http.ServerResponse>();
  let closing = false;
  // Ahead of the framework's own listener, so that the response is seen before anything answers it.
  server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    if (closing && !res.headersSent) res.setHeader('connection', 'close');
    unanswered.add(res);
    res.once('close', () => unanswered.delete(res));
  });
  return () =>
    new Promise<void>((resolve) => {
      closing = true;
      server.close(() => resolve());
      for (const res of unanswered) if (!res.headersSent) res.setHeader('connection', 'close');
      server.closeIdleConnections();
    });
}
