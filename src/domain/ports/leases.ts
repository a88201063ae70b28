/**
 * Leases on names shared by every instance of the bot: what only one instance may do at a time
 * (deliver notifications; change the billing managers of one subscription) holds the lease first.
 */

/** One name's lease, as this instance holds it or tries to. */
export interface Lease {
  /** Takes the lease if nobody holds it (or this instance already does); true when held now. */
  acquire(): Promise<boolean>;
  /** Holds it for another period; false when it was lost (it lapsed and another instance took it). */
  renew(): Promise<boolean>;
  /** Lets it go at once, so that another instance need not wait for it to lapse. */
  release(): Promise<void>;
}

export interface Leases {
  /** The lease on `name`, lapsing `seconds` (15 to 60) after it was last taken or renewed. */
  lease(name: string, seconds: number): Lease;
}

/** Runs tasks with the same key one at a time, across every instance that shares the runner's state. */
export interface SerialRuns {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}
