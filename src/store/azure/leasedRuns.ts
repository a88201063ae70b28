import type { Leases, SerialRuns } from '../../domain/ports/leases';
import { StateUnavailableError } from '../../domain/ports/store';

export interface LeasedRunsSettings {
  /** How long a lease lasts unless renewed: how long a killed holder keeps others waiting. */
  readonly leaseSeconds: number;
  /** How long a task waits for the lease before it gives up. */
  readonly waitMs: number;
  /** How often it asks again while it waits. */
  readonly pollMs: number;
}

const DEFAULTS: LeasedRunsSettings = { leaseSeconds: 15, waitMs: 20_000, pollMs: 200 };

/** The lease could not be had in time: somebody else's change of the same thing takes long. Nothing was done. */
export class LeaseBusyError extends StateUnavailableError {
  constructor(key: string) {
    super(`the lease on ${key}`, new Error('another instance held it for longer than a task may wait'));
    this.name = 'LeaseBusyError';
  }
}

/**
 * Runs tasks with the same key one at a time across instances: within this process one after the
 * other, and across processes while holding the key's lease, renewed while the task runs.
 */
export class LeasedRuns implements SerialRuns {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly settings: LeasedRunsSettings;

  constructor(
    private readonly leases: Leases,
    settings: Partial<LeasedRunsSettings> = {},
  ) {
    this.settings = { ...DEFAULTS, ...settings };
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.holding(key, task), () => this.holding(key, task));
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  private async holding<T>(key: string, task: () => Promise<T>): Promise<T> {
    const lease = this.leases.lease(`lock-${key}`, this.settings.leaseSeconds);
    const giveUpAt = Date.now() + this.settings.waitMs;
    while (!(await lease.acquire().catch((error: unknown) => Promise.reject(new StateUnavailableError(`the lease on ${key}`, error))))) {
      if (Date.now() >= giveUpAt) throw new LeaseBusyError(key);
      await new Promise((resolve) => setTimeout(resolve, this.settings.pollMs));
    }
    const renewal = setInterval(() => void lease.renew().catch(() => undefined), (this.settings.leaseSeconds * 1000) / 3);
    try {
      return await task();
    } finally {
      clearInterval(renewal);
      await lease.release().catch(() => undefined);
    }
  }
}
