import type { Rig } from './rig';

/**
 * Notification fan-out: 1,000 billing managers told of one change, against the stand-in Bot
 * Connector with and without injected 429s. The product's delivery (a persisted outbox sending
 * proactive messages, paced to Teams' limits) is not on this branch, so the product measurement is
 * pending: plug it in by implementing FanOutDelivery over it. Until then the harness is exercised
 * with a minimal paced sender of its own, so the accounting (rate, losses, Retry-After) is known to
 * work; its numbers describe that sender, not the product.
 */

export interface FanOutRecipient {
  readonly conversationId: string;
  readonly tenantId: string;
}

export interface FanOutDelivery {
  readonly name: string;
  /** The rate the delivery promises to stay under, in messages per second (Teams: about 50 per tenant). */
  readonly configuredRatePerSecond: number;
  /** Delivers `text` to every recipient through the Bot Connector at `serviceUrl`; resolves when each has a final outcome. */
  deliver(recipients: readonly FanOutRecipient[], text: string, serviceUrl: string): Promise<void>;
}

export interface FanOutRun {
  readonly throttling: string;
  readonly recipients: number;
  readonly totalMs: number;
  readonly delivered: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly throttled: number;
  /** Sends that came back before the Retry-After of an earlier 429 on the same conversation had passed. */
  readonly earlyRetries: number;
  readonly achievedRatePerSecond: number;
  readonly shareOfConfiguredRate: number;
}

export interface FanOutResult {
  readonly product: 'pending';
  readonly reason: string;
  readonly harnessCheck: { readonly delivery: string; readonly runs: readonly FanOutRun[] };
}

const PENDING_REASON =
  'The notification outbox and its delivery (issue 3) are not on this branch; implement FanOutDelivery over them to measure the product.';

export async function measureFanOut(rig: Rig, recipients: number, delivery: FanOutDelivery = pacedReferenceSender(50)): Promise<FanOutResult> {
  const targets: FanOutRecipient[] = Array.from({ length: recipients }, (_, i) => ({ conversationId: `a:manager-${i}`, tenantId: 'fanout-tenant' }));
  const runs: FanOutRun[] = [];
  for (const throttling of [{ label: 'none', every: 0 }, { label: 'every 10th send gets 429, Retry-After 1 s', every: 10 }]) {
    await rig.sink.request('configure', { mode: 'track', throttleEvery: throttling.every, retryAfterSeconds: 1 });
    const began = performance.now();
    await delivery.deliver(targets, 'Billing of org-1 changed.', rig.serviceUrl);
    const totalMs = performance.now() - began;
    const report = await rig.sink.request('report');
    await rig.sink.request('configure', { mode: 'count' });
    const deliveredTo = report.delivered as Record<string, string[]>;
    const reached = targets.filter((t) => (deliveredTo[t.conversationId]?.length ?? 0) > 0).length;
    const sends = Number(report.sends);
    const windowMs = Number(report.lastAt) - Number(report.firstAt);
    const rate = windowMs > 0 ? ((sends - 1) * 1000) / windowMs : sends;
    runs.push({
      throttling: throttling.label,
      recipients,
      totalMs: Math.round(totalMs),
      delivered: reached,
      lost: recipients - reached,
      duplicates: sends - reached,
      throttled: Number(report.throttled),
      earlyRetries: Number(report.earlyRetries),
      achievedRatePerSecond: Math.round(rate * 10) / 10,
      shareOfConfiguredRate: Math.round((rate / delivery.configuredRatePerSecond) * 100) / 100,
    });
  }
  return { product: 'pending', reason: PENDING_REASON, harnessCheck: { delivery: delivery.name, runs } };
}

/**
 * The smallest sender that keeps to a rate and honours Retry-After: a fixed interval between sends,
 * and a throttled message waits out its Retry-After and goes again. Only here to prove the harness.
 */
export function pacedReferenceSender(ratePerSecond: number): FanOutDelivery {
  return {
    name: `the harness's own paced sender (${ratePerSecond}/s, one at a time), not the product`,
    configuredRatePerSecond: ratePerSecond,
    async deliver(recipients, text, serviceUrl) {
      const interval = 1000 / ratePerSecond;
      const queue = recipients.map((r) => ({ recipient: r, notBefore: 0 }));
      let next = performance.now();
      while (queue.length > 0) {
        const item = queue.shift();
        if (!item) break;
        const wait = Math.max(next, item.notBefore) - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        next = performance.now() + interval;
        const response = await fetch(`${serviceUrl}v3/conversations/${encodeURIComponent(item.recipient.conversationId)}/activities`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'message', text }),
        });
        await response.arrayBuffer();
        if (response.status === 429) {
          const seconds = Number(response.headers.get('retry-after') ?? '1');
          queue.push({ recipient: item.recipient, notBefore: performance.now() + seconds * 1000 });
        } else if (response.status >= 300) {
          throw new Error(`The stand-in Bot Connector answered ${response.status}.`);
        }
      }
    },
  };
}
