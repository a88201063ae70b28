import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/**
 * At most `limit` pieces of work at once; the rest wait their turn in order. One limit serves all of
 * one user's calls to a service during a command, so reading 200 organizations runs many calls side by
 * side without opening hundreds of connections at once or tripping Azure's rate limits.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`A concurrency limit must be a whole number of at least 1, not ${limit}.`);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, so `active` only drops when nobody waits.
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}

export const CONCURRENCY_LIMIT_POLICY_NAME = 'concurrencyLimitPolicy';

/** Each attempt takes a slot; a retry's backoff does not hold one. */
export function concurrencyLimitPolicy(limit: ConcurrencyLimit): PipelinePolicy {
  return { name: CONCURRENCY_LIMIT_POLICY_NAME, sendRequest: (request, next) => limit.run(() => next(request)) };
}
