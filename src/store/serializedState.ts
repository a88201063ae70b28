import { applyChanges, createDraft, isEmptyChangeSet, type ChangeSet } from './draft';
import type { StateStore } from './port';
import { STATE_LAYOUT, type BotState, type StateLayout } from './state';

/**
 * The update discipline both stores share: one mutation at a time in call order, each on a draft
 * (see draft.ts) whose changes become part of the current state only after they have been
 * persisted. A failed mutation or a failed save therefore leaves the state exactly as it was, and
 * the queue carries on. An update that changes nothing saves nothing.
 */

/** Saves the changes an update made to `current`; throwing means they were not saved. */
export type Persist = (changes: ChangeSet, current: Readonly<BotState>) => Promise<void>;

export interface SerializedState extends StateStore {
  /**
   * Runs `task` between updates, with no update running: for the store's own housekeeping (say,
   * switching to a compacted file), which must not interleave with a save.
   */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
}

export function createSerializedState(initial: BotState, persist: Persist, storeName: string, layout: StateLayout = STATE_LAYOUT): SerializedState {
  let current = initial;
  let tail: Promise<unknown> = Promise.resolve();
  let closing: Promise<void> | undefined;

  async function apply<T>(mutate: (draft: BotState) => T): Promise<T> {
    const draft = createDraft(current, layout);
    const result = mutate(draft.state);
    if (isThenable(result)) {
      result.then(undefined, () => undefined); // its rejection is moot; keep it from going unhandled
      // The draft would be saved before the async work finished, so its later changes would be lost.
      throw new TypeError(
        'A state update must be synchronous, but the mutation returned a promise; nothing was changed. ' +
          'Do the asynchronous work first, then call update() with its result.',
      );
    }
    const changes = draft.changes();
    if (!isEmptyChangeSet(changes)) {
      await persist(changes, current);
      current = applyChanges(current, changes);
    }
    return result;
  }

  function enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = tail.then(work);
    // The queue must outlive a failed update; the caller still sees the failure through `run`.
    tail = run.catch(() => undefined);
    return run;
  }

  return {
    read: () => current,

    update<T>(mutate: (draft: BotState) => T): Promise<T> {
      if (closing !== undefined) {
        return Promise.reject(
          new Error(`The state store ${storeName} is closed, so this update was not made. Open the store again before updating it.`),
        );
      }
      return enqueue(() => apply(mutate));
    },

    exclusive: (task) => enqueue(task),

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
