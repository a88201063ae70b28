import type { DirectoryPort } from '../directory/port';
import type { DirectoryUser } from '../directory/types';
import { StateWriteError } from '../store/port';
import { Refused } from './flows';
import { refusal, success, type Outcome } from './problems';
import type { Caller, Named } from './views';

/** Small pieces every billing service shares: who the caller is, and how a failed write reads. */

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

/** Runs a state change, turning refusals and storage failures into values the user can read. */
export async function mutation<T>(work: () => Promise<T>, reportError: (error: unknown) => void): Promise<Outcome<T>> {
  try {
    return success(await work());
  } catch (error) {
    if (error instanceof Refused) return { ok: false, problem: error.problem };
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

/**
 * Runs tasks with the same key one after another. Two people removing the two last managers of a
 * subscription at once must not both see "another manager remains".
 */
export class KeyedQueue {
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
