import { StateWriteError } from '../domain/ports/store';
import type { StateStore } from './port';
import { createSerializedState } from './serializedState';
import { unitOfWorkOver } from './unitOfWork';
import { emptyState, type BotState } from './state';
import { withNotificationDefaults } from './notificationState';

/**
 * A StateStore that keeps everything in memory, with the same discipline as the file store
 * (serialized updates, nothing changes unless the whole update succeeds). Meant for unit tests of
 * the modules that use the store.
 */
export interface MemoryStateStore extends StateStore {
  /**
   * Makes the next save fail with a StateWriteError, as a full or read-only disk would, so that
   * callers' handling of write failures can be tested.
   */
  failNextWrite(cause?: Error): void;
}

export const MEMORY_STORE_NAME = 'memory';

export function createMemoryStore(initial: BotState = emptyState()): MemoryStateStore {
  let pendingFailure: Error | undefined;
  const state = createSerializedState(
    withNotificationDefaults(structuredClone(initial)),
    async () => {
      if (pendingFailure === undefined) return;
      const cause = pendingFailure;
      pendingFailure = undefined;
      throw new StateWriteError(MEMORY_STORE_NAME, cause);
    },
    'in memory',
  );
  return {
    ...unitOfWorkOver(state),
    failNextWrite(cause = new Error('simulated write failure')) {
      pendingFailure = cause;
    },
  };
}
