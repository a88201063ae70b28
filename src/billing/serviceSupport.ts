import type { DirectoryPort } from '../domain/ports/directory';
import type { DirectoryUser } from '../domain/directory';
import { StateConflictError, StateWriteError } from '../domain/ports/store';
import { Refused } from '../domain/outcome';
import { refusal, success, type Outcome } from '../domain/outcome';
import type { Caller } from '../domain/caller';
import type { SerialRuns } from '../domain/ports/leases';
import type { Named } from './views';

/** Small pieces every billing service shares: which directory to ask, who the caller is, and how a failed write reads. */

/** What every billing service is given to find the directory for a request. */
export interface DirectorySource {
  /** One directory for every caller (the local file). Give this or `directoryFor`. */
  readonly directory?: DirectoryPort;
  /**
   * The directory to ask on behalf of `caller`, for directories that answer with the caller's own
   * rights (DIRECTORY=azure). Asked once per request, so each click sees fresh data.
   */
  readonly directoryFor?: (caller: Caller) => Promise<DirectoryPort>;
}

export function directoryProvider(source: DirectorySource, service: string): (caller: Caller) => Promise<DirectoryPort> {
  if (source.directoryFor) return source.directoryFor;
  const shared = source.directory;
  if (shared) return async () => shared;
  throw new TypeError(`${service} needs a directory or a directoryFor provider.`);
}

/**
 * The directory's record of the caller. Teams vouches for the caller's object id and tenant; a
 * caller whose tenant differs from the directory's record is treated as unknown, not trusted.
 */
export async function directoryUserOf(directory: DirectoryPort, caller: Caller): Promise<DirectoryUser | undefined> {
  const user = await directory.getUser(caller.userId);
  if (!user || (caller.tenantId !== undefined && caller.tenantId !== user.tenantId)) return undefined;
  return user;
}

export function unknownCaller<T>(caller: Caller): Outcome<T> {
  return refusal('unknown-user', `I cannot find you (${caller.userId}) in the directory this bot uses, so I cannot check your permissions. Ask whoever runs this bot to add you.`);
}

export const STATE_UNAVAILABLE =
  "I could not save that: the bot's storage refused the write, so nothing was changed. Try again in a minute; if it keeps failing, tell whoever runs this bot.";

export const STATE_BUSY =
  'Someone else changed the same thing at the same moment, and my change kept losing the race, so nothing was changed. Look at the card again (or type "status"), then try once more.';

/** Runs a state change, turning refusals and storage failures into values the user can read. */
export async function mutation<T>(work: () => Promise<T>, reportError: (error: unknown) => void): Promise<Outcome<T>> {
  try {
    return success(await work());
  } catch (error) {
    if (error instanceof Refused) return { ok: false, problem: error.problem };
    if (error instanceof StateConflictError) {
      reportError(error);
      return refusal('state-busy', STATE_BUSY);
    }
    if (error instanceof StateWriteError) {
      reportError(error);
      return refusal('state-unavailable', STATE_UNAVAILABLE);
    }
    throw error;
  }
}

export function namedUser(user: DirectoryUser): Named {
  return { id: user.id, name: user.displayName };
}

export function named(thing: { id: string; name?: string; displayName?: string }): Named {
  return { id: thing.id, name: thing.name ?? thing.displayName ?? thing.id };
}

export async function namesOf(directory: DirectoryPort, userIds: readonly string[]): Promise<string[]> {
  return (await directory.getUsers(userIds)).map((u) => u.displayName);
}

/**
 * Runs tasks with the same key one after another. Two people removing the two last managers of a
 * subscription at once must not both see "another manager remains".
 */
export class KeyedQueue implements SerialRuns {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
