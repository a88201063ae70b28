import type { BotState } from './state';

/**
 * The state store. One writer: `update` runs mutations one after another, so concurrent changes in
 * one process never lose an update, and a mutation either persists whole or not at all.
 * lowdb on a local file is the embedded default; a shared store for several bot instances can
 * implement the same interface without the billing service noticing.
 */
export interface StateStore {
  /** A read-only view of the current state. Do not keep it across awaits: it may be replaced. */
  read(): Readonly<BotState>;
  /**
   * Applies `mutate` to a working copy and persists it. If `mutate` throws, or the write fails, the
   * state is left as it was and the error is rethrown (a write failure as StateWriteError).
   */
  update<T>(mutate: (draft: BotState) => T): Promise<T>;
  close(): Promise<void>;
}

/** The disk refused a write; the previous state is intact. */
export class StateWriteError extends Error {
  constructor(
    readonly file: string,
    override readonly cause: unknown,
  ) {
    super(`Could not save the bot's state to ${file}: ${cause instanceof Error ? cause.message : String(cause)}. The change was not made; check that the folder is writable and has free space.`);
    this.name = 'StateWriteError';
  }
}

/** The state file cannot be used; the bot must not start (and must not overwrite it). */
export class StateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateFileError';
  }
}
