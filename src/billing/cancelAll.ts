import type { Caller } from '../domain/caller';
import type { Outcome } from '../domain/outcome';
import type { Store, Transaction } from '../domain/ports/store';
import { mutation } from './serviceSupport';

/**
 * "cancel": ends every flow the caller has open in this conversation and tenant, of every kind, in
 * one transaction. Returns how many.
 */
/** A family of flows that can be cancelled wholesale; every FlowEngine is one. */
export interface CancellableFlows {
  cancelAllIn(tx: Transaction, caller: Caller): Promise<number>;
}

export function cancelAll(store: Store, engines: readonly CancellableFlows[], caller: Caller, reportError: (error: unknown) => void): Promise<Outcome<number>> {
  return mutation(
    () =>
      store.transaction(async (tx) => {
        let count = 0;
        for (const engine of engines) count += await engine.cancelAllIn(tx, caller);
        return count;
      }),
    reportError,
  );
}
