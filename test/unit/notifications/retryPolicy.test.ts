import assert from 'node:assert/strict';
import { backoff, decideRetry, DEFAULT_RETRY } from '../../../src/notifications/retryPolicy';
import { RateLimiter } from '../../../src/notifications/rateLimiter';
import { parseRetryAfter } from '../../../src/teams/botConnectorTransport';

const SETTINGS = { ...DEFAULT_RETRY, maxAttempts: 5 };

describe('Retry decisions', () => {
  it('waits what Retry-After says and up to a quarter of a second more, never less, up to the cap', () => {
    const wait = (retryAfterMs: number, random: number): number => {
      const decision = decideRetry({ status: 429, retryAfterMs, message: '' }, 1, SETTINGS, () => random);
      return decision.kind === 'retry' ? decision.delayMs : -1;
    };
    assert.deepEqual([wait(7000, 0), wait(7000, 0.5), wait(7000, 0.999)], [7000, 7125, 7250]);
    assert.equal(wait(3_600_000, 0), SETTINGS.maxRetryAfterMs, 'a Retry-After above the cap waits the cap');
  });

  it('backs off exponentially with jitter, each wait within its step and the steps doubling up to the cap', () => {
    for (const random of [0, 0.5, 0.999]) {
      const waits = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoff(n, SETTINGS, () => random));
      waits.forEach((wait, i) => {
        const step = Math.min(SETTINGS.maxDelayMs, SETTINGS.baseDelayMs * 2 ** i);
        assert.ok(wait >= step / 2 && wait <= step, `attempt ${i + 1}: ${wait} outside [${step / 2}, ${step}]`);
      });
    }
    assert.notEqual(backoff(3, SETTINGS, () => 0), backoff(3, SETTINGS, () => 0.9), 'jitter spreads retries');
  });

  it('stops after the configured attempts', () => {
    const decision = decideRetry({ status: 503, message: 'busy' }, 5, SETTINGS);
    assert.equal(decision.kind, 'fail');
    assert.equal(decision.kind === 'fail' ? decision.failure.code : '', 'gave-up');
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter('0.5'), 500);
    const now = Date.parse('2026-11-26T09:00:00Z');
    assert.equal(parseRetryAfter('Thu, 26 Nov 2026 09:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter(''), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
  });
});

describe('The rate limiter', () => {
  it('lets `perKey` requests through per window for one key, then says how long to wait', () => {
    const limiter = new RateLimiter(3, 100);
    for (let i = 0; i < 3; i++) {
      assert.equal(limiter.delayFor('a', 1000 + i), 0);
      limiter.finish(limiter.take('a'), 1000 + i);
    }
    assert.equal(limiter.delayFor('a', 1010), 990, 'until the first one leaves the window');
    assert.equal(limiter.delayFor('b', 1010), 0, 'other keys are not held up');
    assert.equal(limiter.delayFor('a', 2000), 0);
  });

  it('counts a request from when it ended, and holds its place while it is under way', () => {
    const limiter = new RateLimiter(1, 10);
    const slow = limiter.take('a');
    assert.equal(limiter.delayFor('a', 5000), Number.POSITIVE_INFINITY, 'under way: wait for it');
    limiter.finish(slow, 1300);
    assert.equal(limiter.delayFor('a', 1400), 900, 'a window after it ended, not after it started');
  });

  it('holds everyone back once the overall limit is reached, counting a started chat', () => {
    const limiter = new RateLimiter(10, 4);
    limiter.finish(limiter.take(undefined, 2), 0);
    limiter.finish(limiter.take('b', 2), 10);
    assert.equal(limiter.delayFor('c', 20), 980);
    assert.equal(limiter.delayFor(undefined, 500, 2), 500, 'two must leave for two to start');
    assert.equal(limiter.delayFor(undefined, 500, 3), 510, 'three must leave for three');
  });
});
