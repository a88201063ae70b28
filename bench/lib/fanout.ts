import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startChild, type Child, type Message } from './child';
import { managerId, startedChatId, storedChatId } from './fanoutPeople';
import type { Rig } from './rig';

/**
 * Notification fan-out: one billing change told to every billing manager (1,000 in the full run) by
 * the product's own delivery (bench/processes/notificationDelivery.ts: the dispatcher, the lowdb
 * store, the Bot Connector transport), against the stand-in Bot Connector. Three runs: chats stored,
 * without and with injected 429s (every tenth request, Retry-After 1 s); and no chats stored, so
 * each message first starts one (createConversation). The stand-in says who received what, so every
 * recipient must be seen exactly once; the product's outbox must agree.
 */

export interface FanOutRun {
  readonly run: string;
  readonly chats: 'stored' | 'started';
  readonly throttling: string;
  readonly recipients: number;
  /** From the dispatcher's start until nothing was pending. */
  readonly totalMs: number;
  /** Recipients who received the message at least once. */
  readonly delivered: number;
  readonly lost: number;
  /** Messages received beyond one per recipient. */
  readonly duplicates: number;
  readonly throttled: number;
  /** Requests that came back before the Retry-After of an earlier 429 on the same conversation had passed. */
  readonly earlyRetries: number;
  readonly chatsStarted: number;
  /** Every request the stand-in Bot Connector received (messages, started chats, refused ones). */
  readonly requests: number;
  /** Requests a second, first request to last: what the configured overall rate limits. */
  readonly requestRatePerSecond: number;
  readonly shareOfConfiguredRate: number;
  /**
   * Of the window first request to last, the ms in which nothing could be sent: every conversation
   * still owed a message was waiting out a Retry-After the service gave.
   */
  readonly notAllowedMs: number;
  /** Requests a second over the time sending was allowed, as a share of the configured rate: what the target holds. */
  readonly shareOfAllowedRate: number;
  /** The most requests that arrived within any 1,000 ms: never above the configured rate. */
  readonly busiestSecond: number;
  /**
   * From the first request to the last recipient not asked before, to the last request: retries
   * only, waiting out Retry-After, with nothing new left to send.
   */
  readonly retryTailMs: number;
  /** The share of the configured rate until that tail began. */
  readonly shareBeforeRetryTail: number;
  /** Messages delivered a second, first delivery to last. */
  readonly deliveryRatePerSecond: number;
  /** What the product's outbox says (finished entries may have moved to the archive meanwhile). */
  readonly outbox: { readonly delivered: number; readonly failed: number; readonly pending: number; readonly archived: number };
  readonly failures: readonly string[];
  readonly warnings: readonly string[];
  readonly eventLoopMaxMs: number;
  readonly cpuMs: number;
}

export interface FanOutResult {
  readonly delivery: string;
  /** The product's default pacing (src/config/notifications.ts). */
  readonly configured: { readonly perSecond: number; readonly perConversationPerSecond: number };
  readonly runs: readonly FanOutRun[];
}

const RUNS = [
  { run: 'stored chats', chats: 'stored', throttling: 'none', every: 0 },
  { run: 'stored chats, 429s', chats: 'stored', throttling: 'every 10th request gets 429, Retry-After 1 s', every: 10 },
  { run: 'chats started', chats: 'started', throttling: 'none', every: 0 },
] as const;

export async function measureFanOut(rig: Rig, recipients: number, log: (line: string) => void = () => undefined): Promise<FanOutResult> {
  const delivery = await startChild('notificationDelivery');
  const runs: FanOutRun[] = [];
  let configured = { perSecond: 0, perConversationPerSecond: 0 };
  try {
    for (const [index, spec] of RUNS.entries()) {
      const folder = path.join(rig.scratch, 'fanout', `run-${index + 1}`);
      await mkdir(folder, { recursive: true });
      const { product, sink } = await deliverOnce(rig, delivery, spec, { folder, recipients, serviceUrl: rig.serviceUrl, chats: spec.chats });
      configured = { perSecond: Number(product.perSecond), perConversationPerSecond: Number(product.perConversationPerSecond) };
      const run = account(spec, recipients, configured.perSecond, product, sink);
      log(`fan-out, ${run.run}: ${run.delivered} of ${recipients} delivered in ${run.totalMs} ms, ${run.requestRatePerSecond} requests/s (${run.shareOfConfiguredRate} x ${configured.perSecond}/s)`);
      runs.push(run);
    }
  } finally {
    await delivery.stop();
  }
  return { delivery: "the product's Dispatcher, BotConnectorTransport and lowdb store, with the default settings", configured, runs };
}

type RunSpec = (typeof RUNS)[number];
type Answer = Awaited<ReturnType<Child['request']>>;

/** One delivery against a freshly configured stand-in Bot Connector, and what the stand-in saw. */
async function deliverOnce(rig: Rig, delivery: Child, spec: RunSpec, request: Message): Promise<{ product: Answer; sink: Answer }> {
  await rig.sink.request('configure', { mode: 'track', throttleEvery: spec.every, retryAfterSeconds: 1 });
  try {
    const product = await delivery.request('deliver', request);
    return { product, sink: await rig.sink.request('report') };
  } finally {
    await rig.sink.request('configure', { mode: 'count' });
  }
}

/** Checks every recipient against what the stand-in received, and works out the rates. */
function account(spec: RunSpec, recipients: number, perSecond: number, product: Answer, sink: Answer): FanOutRun {
  const received = sink.delivered as Record<string, string[]>;
  const conversationOf = (i: number): string => (spec.chats === 'stored' ? storedChatId(i) : startedChatId(managerId(i)));
  const reached = Array.from({ length: recipients }, (_, i) => received[conversationOf(i)]?.length ?? 0).filter((n) => n > 0).length;
  const requests = Number(sink.requests);
  const requestRate = rate(requests, Number(sink.firstRequestAt), Number(sink.lastRequestAt));
  return {
    run: spec.run,
    chats: spec.chats,
    throttling: spec.throttling,
    recipients,
    totalMs: Number(product.totalMs),
    delivered: reached,
    lost: recipients - reached,
    // Everything received beyond one each, messages to conversations nobody was meant to get included.
    duplicates: Number(sink.sends) - reached,
    throttled: Number(sink.throttled),
    earlyRetries: Number(sink.earlyRetries),
    chatsStarted: Number(sink.chatsStarted),
    requests,
    requestRatePerSecond: round(requestRate),
    shareOfConfiguredRate: Math.round((requestRate / perSecond) * 100) / 100,
    notAllowedMs: Number(sink.notAllowedMs),
    shareOfAllowedRate: Math.round((rate(requests, Number(sink.firstRequestAt), Number(sink.lastRequestAt) - Number(sink.notAllowedMs)) / perSecond) * 100) / 100,
    busiestSecond: Number(sink.busiestSecond),
    retryTailMs: Number(sink.lastRequestAt) - Number(sink.lastNewContactAt),
    shareBeforeRetryTail: Math.round((rate(Number(sink.requestsAtLastNewContact), Number(sink.firstRequestAt), Number(sink.lastNewContactAt)) / perSecond) * 100) / 100,
    deliveryRatePerSecond: round(rate(Number(sink.sends), Number(sink.firstAt), Number(sink.lastAt))),
    outbox: product.outbox as FanOutRun['outbox'],
    failures: product.failures as string[],
    warnings: product.warnings as string[],
    eventLoopMaxMs: Number(product.eventLoopMaxMs),
    cpuMs: Math.round(Number(product.cpuMs)),
  };
}

/** Events a second over the window from the first to the last: n events span n - 1 intervals. */
function rate(events: number, firstAt: number, lastAt: number): number {
  const windowMs = lastAt - firstAt;
  return windowMs > 0 ? ((events - 1) * 1000) / windowMs : 0;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
