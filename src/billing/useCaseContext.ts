import { randomUUID } from 'node:crypto';
import type { Caller } from '../domain/caller';
import type { DirectoryUser } from '../domain/directory';
import { success, type Outcome } from '../domain/outcome';
import type { DirectoryPort } from '../domain/ports/directory';
import type { Store } from '../domain/ports/store';
import { FlowEngine, type EngineFlow, type FlowFamily } from './flows/engine';
import type { FlowLimits } from './flows/userRateLimit';
import { TELL_NOBODY, type ChangeNotices } from './notify/managerNotices';
import { directoryProvider, directoryUserOf, unknownCaller, type DirectorySource } from './serviceSupport';

/** What every use case is given, whatever it is about; each family of flows adds its own. */
export interface UseCaseContext<F extends EngineFlow> {
  readonly directoryFor: (caller: Caller) => Promise<DirectoryPort>;
  readonly store: Store;
  readonly flows: FlowEngine<F>;
  readonly notices: ChangeNotices;
  readonly now: () => Date;
  readonly newId: () => string;
  /** Told about storage failures, which users only see as "nothing was changed". */
  readonly reportError: (error: unknown) => void;
}

/** What a group of use cases is built from. */
export interface UseCaseDeps extends DirectorySource {
  readonly store: Store;
  /** Who is told of each change; nobody when absent. */
  readonly notices?: ChangeNotices;
  readonly flowTtlMs: number;
  /** Per-person limits on flow starts and clicks, shared by every group of use cases. */
  readonly limits?: FlowLimits;
  readonly now?: () => Date;
  readonly newId?: () => string;
  readonly reportError?: (error: unknown) => void;
  /** Whether this instance sweeps away ended flows; always, unless told otherwise. */
  readonly sweepsHere?: () => boolean;
}

/** The common part of a use-case context, with the flow engine of `family`. */
export function useCaseContext<F extends EngineFlow>(deps: UseCaseDeps, family: FlowFamily<F>, owner: string): UseCaseContext<F> {
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const reportError = deps.reportError ?? (() => undefined);
  return {
    directoryFor: directoryProvider(deps, owner),
    store: deps.store,
    flows: new FlowEngine<F>(
      { store: deps.store, flowTtlMs: deps.flowTtlMs, now, newId, reportError, ...(deps.sweepsHere ? { sweepsHere: deps.sweepsHere } : {}), ...(deps.limits ? { limits: deps.limits } : {}) },
      family,
    ),
    notices: deps.notices ?? TELL_NOBODY,
    now,
    newId,
    reportError,
  };
}

/**
 * The first moves of every flow start: counted against the person's limit (before the directory is
 * asked anything, so a refused start costs no call), then who the caller is in the directory.
 */
export async function startingCaller<F extends EngineFlow>(
  context: UseCaseContext<F>,
  caller: Caller,
  restart: string,
): Promise<Outcome<{ readonly directory: DirectoryPort; readonly user: DirectoryUser }>> {
  const admitted = context.flows.admitStart(caller, restart);
  if (!admitted.ok) return admitted;
  const directory = await context.directoryFor(caller);
  const user = await directoryUserOf(directory, caller);
  return user ? success({ directory, user }) : unknownCaller(caller);
}
