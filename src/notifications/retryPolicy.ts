import type { DeliveryFailure } from '../domain/model';
import type { SendFailure } from './transport';

/**
 * What to do after a failed attempt (Teams' guidance for proactive messages): retry 412, 429, 502,
 * 503 and 504 a bounded number of times, and also 500, 408 and a send that got no answer at all, since
 * those are as transient and the alternative is a lost notification; never retry 400, 401, 403, 404,
 * 413 or any other refusal. A 429 waits as long as Retry-After says and up to a quarter of a second
 * more; everything else backs off exponentially with jitter.
 */
export type RetryDecision =
  | { readonly kind: 'retry'; readonly delayMs: number }
  | { readonly kind: 'fail'; readonly failure: DeliveryFailure; readonly dropReference: boolean };

export interface RetrySettings {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Retry-After above this is not waited for as such; the attempt counts and backs off this long. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: Omit<RetrySettings, 'maxAttempts'> = { baseDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 10 * 60_000 };

const TRANSIENT = new Set([408, 412, 429, 500, 502, 503, 504]);

/**
 * Added at random to a Retry-After wait. Without it a throttled message comes back exactly one
 * window after its refused request, in the place that request's own pacing slot frees: in step with
 * the sends around it, so a Bot Connector that refuses a fixed share of requests can refuse the
 * same message every time until it is given up. A quarter of a second moves it among a dozen places
 * at 50 requests a second, which is enough to fall out of step; more only lengthens the wait of the
 * last throttled messages, when nothing else is left to send (a whole second more made a fan-out to
 * 1,000 end with seconds of retries alone).
 */
const RETRY_AFTER_JITTER_MS = 250;

export function decideRetry(failure: SendFailure, attemptsMade: number, settings: RetrySettings, random: () => number = Math.random): RetryDecision {
  const status = failure.status;
  if (status === 403) return notReachable(failure);
  if (status === 404) {
    return { kind: 'fail', dropReference: true, failure: { code: 'not-installed', reason: 'Teams no longer knows the chat with them (404). They need to open DevOps Billing in Teams once so that the bot can reach them again.' } };
  }
  if (status !== undefined && !TRANSIENT.has(status)) {
    return { kind: 'fail', dropReference: false, failure: { code: 'rejected', reason: `Teams refused the message (HTTP ${status}${failure.errorCode ? ` ${failure.errorCode}` : ''}); sending it again would not help. Tell whoever runs this bot.` } };
  }
  if (attemptsMade >= settings.maxAttempts) {
    const what = status === undefined ? `no answer (${failure.message})` : `HTTP ${status}`;
    return { kind: 'fail', dropReference: false, failure: { code: 'gave-up', reason: `Teams kept failing (${what}) for ${attemptsMade} attempts, so the bot stopped trying.` } };
  }
  if (failure.retryAfterMs !== undefined) {
    const asked = Math.min(Math.max(failure.retryAfterMs, 0), settings.maxRetryAfterMs);
    return { kind: 'retry', delayMs: asked + Math.round(random() * RETRY_AFTER_JITTER_MS) };
  }
  return { kind: 'retry', delayMs: backoff(attemptsMade, settings, random) };
}

/** Exponential back-off with "equal jitter": at least half the step, so waits keep growing. */
export function backoff(attemptsMade: number, settings: Pick<RetrySettings, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const step = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

function notReachable(failure: SendFailure): RetryDecision {
  if (failure.errorCode === 'ConversationBlockedByUser') {
    return { kind: 'fail', dropReference: false, failure: { code: 'blocked', reason: 'They blocked DevOps Billing in Teams (403 ConversationBlockedByUser). Only they can unblock it.' } };
  }
  return {
    kind: 'fail',
    dropReference: true,
    failure: {
      code: 'not-installed',
      reason: `DevOps Billing is not installed for them in Teams, or was removed (403${failure.errorCode ? ` ${failure.errorCode}` : ''}). Ask them to install it; the bot reaches them again from then on.`,
    },
  };
}
