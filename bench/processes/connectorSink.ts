import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { announceFailure, announceReady, serveParent } from '../lib/child';
import { startedChatId } from '../lib/fanoutPeople';
import { notAllowedMs, type LoggedRequest } from '../lib/retryAfterWaits';

/**
 * A lean loopback Bot Connector: it answers every send at once and only counts, so that it costs
 * the machine as little as possible while the bot is measured. Between runs it can keep the last send
 * (to check that a probe got the right answer), and for the fan-out benchmark it starts chats
 * (createConversation), throttles like Teams (429 with Retry-After), keeps what each conversation
 * received, and notes every request that came back before its Retry-After had passed.
 */

type Mode = 'count' | 'probe' | 'track';

interface Throttle {
  /** Every n-th request gets a 429; 0 never throttles. */
  readonly every: number;
  readonly retryAfterSeconds: number;
}

let sends = 0;
let throttled = 0;
let throttle: Throttle = { every: 0, retryAfterSeconds: 0 };
let mode: Mode = 'count';
let lastSend = '';
/**
 * In probe mode, every send since the probe began: a proactive notification of an earlier change can
 * reach the sink between the probe's request and its reading of the answer, so the probe asks for the
 * send that replies to its own activity.
 */
const probeSends: string[] = [];
/** Per conversation: the delivered activities' texts (or summaries, for cards), and until when a retry is too early. */
const delivered = new Map<string, string[]>();
const blockedUntil = new Map<string, number>();
let earlyRetries = 0;
/** Chats started (createConversation), each answered with the id startedChatId gives. */
let chatsStarted = 0;
/** Every request in track mode, refused or not: what a rate limit counts. */
let requests = 0;
let firstRequestAt = 0;
let lastRequestAt = 0;
/** When each request arrived, to find the busiest second. */
const requestTimes: number[] = [];
/** Conversations (or chats to start) asked for at least once, and when the last new one was. */
const contacted = new Set<string>();
let lastNewContactAt = 0;
let requestsAtLastNewContact = 0;
/**
 * After the last new conversation: each request's time, conversation and whether it was refused, to
 * find when sending was not allowed at all (every conversation still owed a message was waiting
 * out its Retry-After). Before the last new contact there was always a first message to send.
 */
const requestLog: LoggedRequest[] = [];
/** The first and last delivered activity. */
let firstAt = 0;
let lastAt = 0;

const CONVERSATION_PATH = /^\/v3\/conversations\/([^/]+)\/activities/;
const CREATE_CONVERSATION_PATH = /^\/v3\/conversations\/?(?:\?.*)?$/;

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
    if (mode === 'probe') {
      lastSend = Buffer.concat(chunks).toString('utf8');
      if (probeSends.length < 1_000) probeSends.push(lastSend);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":"bench-reply"}');
  });
});

function track(req: http.IncomingMessage, res: http.ServerResponse, text: string): void {
  const now = Date.now();
  requests++;
  requestTimes.push(now);
  firstRequestAt ||= now;
  lastRequestAt = now;
  const body = parseBody(text);
  const url = req.url ?? '';
  const creating = req.method === 'POST' && CREATE_CONVERSATION_PATH.test(url);
  const member = creating ? memberOf(body) : '';
  // Throttling is per conversation in Teams; a chat not started yet is keyed by the person.
  const key = creating ? `new chat with ${member}` : decodeURIComponent(CONVERSATION_PATH.exec(url)?.[1] ?? '');
  if (!contacted.has(key)) {
    contacted.add(key);
    lastNewContactAt = now;
    requestsAtLastNewContact = requests;
  }
  const until = blockedUntil.get(key);
  if (until !== undefined && now < until) earlyRetries++;
  const refused = throttle.every > 0 && requests % throttle.every === 0;
  requestLog.push({ at: now, key, refused });
  if (refused) {
    throttled++;
    blockedUntil.set(key, now + throttle.retryAfterSeconds * 1000);
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(throttle.retryAfterSeconds) });
    res.end('{"error":{"code":"Throttled","message":"Too many requests"}}');
    return;
  }
  if (creating) {
    chatsStarted++;
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: startedChatId(member) }));
    return;
  }
  sends++;
  firstAt ||= now;
  lastAt = now;
  const list = delivered.get(key) ?? [];
  list.push(typeof body.text === 'string' ? body.text : typeof body.summary === 'string' ? body.summary : '');
  delivered.set(key, list);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ id: `bench-reply-${sends}` }));
}

/** The most requests that arrived within any 1,000 ms: what Teams' rate limit looks at. */
function busiestSecond(times: readonly number[]): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= 1000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    // An unparsable send still counts as sent; its text is recorded empty.
    return {};
  }
}

function memberOf(body: Record<string, unknown>): string {
  const members = body.members;
  const first: unknown = Array.isArray(members) ? members[0] : undefined;
  const id = typeof first === 'object' && first !== null ? (first as Record<string, unknown>).id : undefined;
  return typeof id === 'string' ? id : '';
}

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  announceReady({ port: (server.address() as AddressInfo).port });
});
server.on('error', announceFailure);

serveParent(
  {
    count: () => ({ sends, throttled }),
    last: (message) => ({ body: typeof message.replyToId === 'string' ? replyTo(message.replyToId) : lastSend }),
    configure: (message) => {
      const every = typeof message.throttleEvery === 'number' ? message.throttleEvery : 0;
      const retryAfterSeconds = typeof message.retryAfterSeconds === 'number' ? message.retryAfterSeconds : 1;
      throttle = { every, retryAfterSeconds };
      mode = message.mode === 'probe' || message.mode === 'track' ? message.mode : 'count';
      lastSend = '';
      probeSends.length = 0;
      sends = 0;
      throttled = 0;
      earlyRetries = 0;
      chatsStarted = 0;
      requests = 0;
      firstRequestAt = 0;
      lastRequestAt = 0;
      requestTimes.length = 0;
      requestLog.length = 0;
      contacted.clear();
      lastNewContactAt = 0;
      requestsAtLastNewContact = 0;
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
      chatsStarted,
      requests,
      firstRequestAt,
      lastRequestAt,
      lastNewContactAt,
      requestsAtLastNewContact,
      busiestSecond: busiestSecond(requestTimes),
      notAllowedMs: notAllowedMs(requestLog, lastNewContactAt, throttle.retryAfterSeconds * 1000),
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

/** The last send in probe mode that answers the activity `activityId` ('' when none did). */
function replyTo(activityId: string): string {
  for (let i = probeSends.length - 1; i >= 0; i--) {
    const body = probeSends[i] ?? '';
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed !== null && typeof parsed === 'object' && (parsed as { replyToId?: unknown }).replyToId === activityId) return body;
    } catch {
      // Not an activity: not the answer looked for.
    }
  }
  return '';
}
