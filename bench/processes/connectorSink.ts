import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { announceFailure, announceReady, serveParent } from '../lib/child';

/**
 * A lean loopback Bot Connector: it answers every send at once and only counts, so that it costs
 * the machine as little as possible while the bot is measured. Between runs it can keep the last send
 * (to check that a probe got the right answer), and for the fan-out benchmark it throttles like Teams
 * (429 with Retry-After) and keeps what each conversation received.
 */

type Mode = 'count' | 'probe' | 'track';

interface Throttle {
  /** Every n-th send gets a 429; 0 never throttles. */
  readonly every: number;
  readonly retryAfterSeconds: number;
}

let sends = 0;
let throttled = 0;
let throttle: Throttle = { every: 0, retryAfterSeconds: 0 };
let mode: Mode = 'count';
let lastSend = '';
/** Per conversation: the delivered activity texts, and until when a retry is too early. */
const delivered = new Map<string, string[]>();
const blockedUntil = new Map<string, number>();
let earlyRetries = 0;
let firstAt = 0;
let lastAt = 0;

const CONVERSATION_PATH = /^\/v3\/conversations\/([^/]+)\/activities/;

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => {
    if (mode !== 'count') chunks.push(chunk);
  });
  req.on('end', () => {
    if (mode === 'track') {
      track(req, res, Buffer.concat(chunks).toString('utf8'));
      return;
    }
    sends++;
    if (mode === 'probe') lastSend = Buffer.concat(chunks).toString('utf8');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":"bench-reply"}');
  });
});

function track(req: http.IncomingMessage, res: http.ServerResponse, text: string): void {
  const now = Date.now();
  const conversation = decodeURIComponent(CONVERSATION_PATH.exec(req.url ?? '')?.[1] ?? '');
  const until = blockedUntil.get(conversation);
  if (until !== undefined && now < until) earlyRetries++;
  if (throttle.every > 0 && (sends + throttled + 1) % throttle.every === 0) {
    throttled++;
    blockedUntil.set(conversation, now + throttle.retryAfterSeconds * 1000);
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(throttle.retryAfterSeconds) });
    res.end('{"error":{"code":"Throttled","message":"Too many requests"}}');
    return;
  }
  sends++;
  firstAt ||= now;
  lastAt = now;
  let body: { text?: unknown } = {};
  try {
    body = JSON.parse(text) as { text?: unknown };
  } catch {
    // An unparsable send still counts as sent; its text is recorded empty.
  }
  const list = delivered.get(conversation) ?? [];
  list.push(typeof body.text === 'string' ? body.text : '');
  delivered.set(conversation, list);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ id: `bench-reply-${sends}` }));
}

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  announceReady({ port: (server.address() as AddressInfo).port });
});
server.on('error', announceFailure);

serveParent(
  {
    count: () => ({ sends, throttled }),
    last: () => ({ body: lastSend }),
    configure: (message) => {
      const every = typeof message.throttleEvery === 'number' ? message.throttleEvery : 0;
      const retryAfterSeconds = typeof message.retryAfterSeconds === 'number' ? message.retryAfterSeconds : 1;
      throttle = { every, retryAfterSeconds };
      mode = message.mode === 'probe' || message.mode === 'track' ? message.mode : 'count';
      lastSend = '';
      sends = 0;
      throttled = 0;
      earlyRetries = 0;
      firstAt = 0;
      lastAt = 0;
      delivered.clear();
      blockedUntil.clear();
      return { configured: true };
    },
    report: () => ({
      sends,
      throttled,
      earlyRetries,
      firstAt,
      lastAt,
      conversations: delivered.size,
      delivered: Object.fromEntries(delivered),
    }),
  },
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);
