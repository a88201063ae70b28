import { applyChanges, isEmptyChangeSet, mergeChangeSets, NO_CHANGES, type ChangeSet } from './changeSet';
import { createDraft } from './draft';
import type { WholeState } from './unitOfWork';
import { STATE_LAYOUT, type BotState, type StateLayout } from './state';

/**
 * The update discipline both stores share: one mutation at a time in call order, each on a draft
 * (see draft.ts) whose changes become part of the current state only after they have been
 * persisted. A failed mutation or a failed save therefore leaves the state exactly as it was.
 *
 * Updates that queue up while a save is under way are saved together (group commit): each mutation
 * still runs alone, in order, on the state its predecessors left, but one write carries them all, so
 * concurrent turns do not wait for each other's disk round trips. A save that fails fails every
 * update it carried, since each may have built on the others; a mutation that throws fails alone.
 */

/** Saves the changes updates made to `current`; throwing means they were not saved. */
export type Persist = (changes: ChangeSet, current: Readonly<BotState>) => Promise<void>;

export interface SerializedState extends WholeState {
  /**
   * Runs `task` between saves, with no update running: for the store's own housekeeping (say,
   * switching to a compacted file), which must not interleave with a save.
   */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
}

interface QueuedUpdate {
  readonly kind: 'update';
  readonly mutate: (draft: BotState) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface QueuedTask {
  readonly kind: 'task';
  readonly run: () => Promise<void>;
}

export function createSerializedState(initial: BotState, persist: Persist, storeName: string, layout: StateLayout = STATE_LAYOUT): SerializedState {
  let current = initial;
  const queue: (QueuedUpdate | QueuedTask)[] = [];
  let draining: Promise<void> | undefined;
  let closing: Promise<void> | undefined;

  /** Runs the updates of one save, in order, and saves what they changed in one write. */
  async function save(updates: readonly QueuedUpdate[]): Promise<void> {
    let changes: ChangeSet = NO_CHANGES;
    const done: { update: QueuedUpdate; result: unknown }[] = [];
    for (const update of updates) {
      try {
        const draft = createDraft(current, layout, changes);
        // A transaction may await its repositories; it runs alone on its draft until it settles.
        const result = await update.mutate(draft.state);
        changes = mergeChangeSets(current, changes, draft.changes());
        done.push({ update, result });
      } catch (error) {
        update.reject(error);
      }
    }
    if (!isEmptyChangeSet(changes)) {
      try {
        await persist(changes, current);
      } catch (error) {
        for (const { update } of done) update.reject(error);
        return;
      }
      current = applyChanges(current, changes);
    }
    for (const { update, result } of done) update.resolve(result);
  }

  async function drain(): Promise<void> {
    for (;;) {
      if (queue.length === 0) {
        // Cleared in the same step that finds the queue empty, so the next enqueue starts a new drain.
        draining = undefined;
        return;
      }
      const next = queue[0];
      if (next?.kind === 'task') {
        queue.shift();
        await next.run();
        continue;
      }
      const end = queue.findIndex((item) => item.kind === 'task');
      const updates = queue.splice(0, end === -1 ? queue.length : end) as QueuedUpdate[];
      await save(updates);
    }
  }

  function enqueue(item: QueuedUpdate | QueuedTask): void {
    queue.push(item);
    // Started on the next microtask: never inside the caller's update() call, and updates made in
    // the same moment go into the same save.
    draining ??= Promise.resolve().then(drain);
  }

  return {
    read: () => current,

    update<T>(mutate: (draft: BotState) => T | Promise<T>): Promise<T> {
      if (closing !== undefined) {
        return Promise.reject(
          new Error(`The state store ${storeName} is closed, so this update was not made. Open the store again before updating it.`),
        );
      }
      return new Promise<T>((resolve, reject) => {
        enqueue({ kind: 'update', mutate, resolve: resolve as (value: unknown) => void, reject });
      });
    },

    exclusive<T>(task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        enqueue({ kind: 'task', run: () => task().then(resolve, reject) });
      });
    },

    close(): Promise<void> {
      closing ??= (async () => {
        while (draining) await draining;
      })();
      return closing;
    },
  };
}
