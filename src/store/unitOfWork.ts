import type { ReadTransaction, Transaction } from '../domain/ports/store';
import type { StateStore } from './port';
import { repositoriesOver, type HeldElsewhere } from './repositories';
import type { BotState } from './state';

/** What a store that keeps the whole state in one process offers underneath the port. */
export interface WholeState {
  read(): Readonly<BotState>;
  update<T>(mutate: (draft: BotState) => T | Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The store port over a whole in-memory state: a transaction is one serialized update of a draft
 * (committed whole, or not at all), and a read looks at the committed state.
 */
export function unitOfWorkOver(state: WholeState, elsewhere?: HeldElsewhere): StateStore {
  return {
    read: <T>(work: (tx: ReadTransaction) => Promise<T>): Promise<T> => work(repositoriesOver(state.read() as BotState, elsewhere)),
    transaction: <T>(work: (tx: Transaction) => Promise<T>): Promise<T> => state.update((draft) => work(repositoriesOver(draft, elsewhere))),
    snapshot: () => state.read(),
    updateState: (mutate) => state.update(mutate),
    close: () => state.close(),
  };
}
