import type { Store } from '../domain/ports/store';
import type { BotState } from './state';

/**
 * A store of this process's own (the journaled file, or memory): the port the core uses, plus the
 * whole state for the store's own tools and for tests that seed or inspect it. Nothing in the core
 * sees `snapshot` or `updateState`; they exist because these stores keep the whole state in memory,
 * which a shared store (several instances) does not.
 */
export interface StateStore extends Store {
  /** The committed state. Read-only; do not keep it across awaits: it may be replaced. */
  snapshot(): Readonly<BotState>;
  /**
   * Applies `mutate` to a working copy and persists it. If `mutate` throws, or the write fails, the
   * state is left as it was and the error is rethrown (a write failure as StateWriteError).
   */
  updateState<T>(mutate: (draft: BotState) => T | Promise<T>): Promise<T>;
}

/** The state file cannot be used; the bot must not start (and must not overwrite it). */
export class StateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateFileError';
  }
}
