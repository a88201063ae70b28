import type { StateStore } from './port';
import type { BotState } from './state';

/**
 * The update discipline both stores share: one mutation at a time in call order, each on a private
 * copy that becomes the current state only after it has been persisted. A failed mutation or a
 * failed save therefore leaves the state exactly as it was, and the queue carries on.
 */

/** Saves a new state; throwing means it was not saved. */
export type Persist = (next: BotState) => Promise<void>;

export function createSerializedState(initial: BotState, persist: Persist, storeName: string): StateStore {
  let current = initial;
  let tail: Promise<unknown> = Promise.resolve();
  let closing: Promise<void> | undefined;

  async function apply<T>(mutate: (draft: BotState) => T): Promise<T> {
    const draft = structuredClone(current);
    const result = mutate(draft);
    if (isThenable(result)) {
      result.then(undefined, () => undefined); // its rejection is moot; keep it from going unhandled
      // The draft would be saved before the async work finished, so its later changes would be lost.
      throw new TypeError(
        'A state update must be synchronous, but the mutation returned a promise; nothing was changed. ' +
          'Do the asynchronous work first, then call update() with its result.',
      );
    }
    await persist(draft);
    current = draft;
    return result;
  }

  return {
    read: () => current,

    update<T>(mutate: (draft: BotState) => T): Promise<T> {
      if (closing !== undefined) {
        return Promise.reject(
          new Error(`The state store ${storeName} is closed, so this update was not made. Open the store again before updating it.`),
        );
      }
      const run = tail.then(() => apply(mutate));
      // The queue must outlive a failed update; the caller still sees the failure through `run`.
      tail = run.catch(() => undefined);
      return run;
    },

    close(): Promise<void> {
      closing ??= tail.then(() => undefined);
      return closing;
    },
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
