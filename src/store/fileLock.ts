import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorCode, messageOf } from './errorDetails';
import { StateFileError } from './port';

/**
 * An exclusive, advisory lock on the state file: `<stateFile>.lock`, created with the `wx` flag so
 * that exactly one process can create it. It records who holds it, so that a refusal can say whom
 * to stop, and so that a lock left behind by a crashed process can be recognised and taken over.
 */

export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
}

export interface StateFileLock {
  readonly lockFile: string;
  /** Deletes the lock file if it is still ours. Idempotent. */
  release(): Promise<void>;
}

export interface LockOptions {
  readonly warn?: (message: string) => void;
}

/** Lock files this process holds, so that its own pid in a lock file is told apart from a predecessor's. */
const heldByThisProcess = new Set<string>();

/** A holder mid-way through writing its lock file leaves it empty for a moment; look again before judging. */
const PARTIAL_WRITE_GRACE_MS = 100;
const MAX_ATTEMPTS = 5;

export function lockFileFor(stateFile: string): string {
  return `${path.resolve(stateFile)}.lock`;
}

export async function acquireStateFileLock(stateFile: string, options: LockOptions = {}): Promise<StateFileLock> {
  const warn = options.warn ?? (() => undefined);
  const lockFile = lockFileFor(stateFile);
  if (heldByThisProcess.has(lockFile)) {
    throw new StateFileError(
      `The state file ${stateFile} is already locked by this process. Close the store that holds it before opening it again.`,
    );
  }
  // Reserved before the first await, so that two concurrent calls in this process cannot both proceed.
  heldByThisProcess.add(lockFile);
  try {
    return await takeLock(stateFile, lockFile, warn);
  } catch (error) {
    heldByThisProcess.delete(lockFile);
    throw error;
  }
}

async function takeLock(stateFile: string, lockFile: string, warn: (message: string) => void): Promise<StateFileLock> {
  const ours: LockHolder = { pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString() };
  const ourContent = JSON.stringify(ours);

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (await tryCreate(lockFile, ourContent, stateFile)) {
      return { lockFile, release: releaseOnce(lockFile, ourContent, warn) };
    }
    const existing = await readSettled(lockFile);
    if (existing === undefined) continue; // released between our attempt and our look: try again
    const holder = parseHolder(existing);
    if (holder !== undefined && holderMayBeRunning(holder)) {
      throw new StateFileError(refusalMessage(stateFile, lockFile, holder));
    }
    warn(
      holder === undefined
        ? `The lock file ${lockFile} is unreadable (${describeContent(existing)}); taking it over.`
        : `The lock file ${lockFile} was left by process ${holder.pid}, which is no longer running (since ${holder.startedAt}); taking it over.`,
    );
    await removeIfUnchanged(lockFile, existing);
  }
  throw new StateFileError(
    `Could not lock the state file ${stateFile}: ${lockFile} kept changing while we tried to take it (${MAX_ATTEMPTS} attempts). ` +
      'Another process is probably starting against the same file; make sure only one bot uses it.',
  );
}

async function tryCreate(lockFile: string, content: string, stateFile: string): Promise<boolean> {
  try {
    await fs.writeFile(lockFile, content, { flag: 'wx' });
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw new StateFileError(
      `Could not create the lock file ${lockFile} for the state file ${stateFile}: ${messageOf(error)}. ` +
        'Check that the folder exists and is writable.',
    );
  }
}

/** Reads the lock file; undefined if it is gone. An unparsable file is read twice to rule out a partial write. */
async function readSettled(lockFile: string): Promise<string | undefined> {
  const first = await readIfPresent(lockFile);
  if (first === undefined || parseHolder(first) !== undefined) return first;
  await delay(PARTIAL_WRITE_GRACE_MS);
  return readIfPresent(lockFile);
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new StateFileError(`Could not read the lock file ${file}: ${messageOf(error)}. Check its permissions.`);
  }
}

export function parseHolder(text: string): LockHolder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, hostname, startedAt } = value as Record<string, unknown>;
  // pid 0 and negative pids address process groups in process.kill, never a single holder.
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  if (typeof hostname !== 'string' || typeof startedAt !== 'string') return undefined;
  return { pid, hostname, startedAt };
}

/**
 * True unless we can prove the holder is gone. On another host we cannot see its processes, so we
 * assume it runs. Our own pid without our own hold is a predecessor that had the same pid (a
 * container's bot is often pid 1 on every start), so it is gone.
 */
function holderMayBeRunning(holder: LockHolder): boolean {
  if (holder.hostname !== os.hostname()) return true;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, which is still a running holder.
    return errorCode(error) !== 'ESRCH';
  }
}

function refusalMessage(stateFile: string, lockFile: string, holder: LockHolder): string {
  const who = `process ${holder.pid} on host ${holder.hostname} (since ${holder.startedAt})`;
  const sameHost = holder.hostname === os.hostname();
  const nextStep = sameHost
    ? `Stop that process, or point STATE_FILE at another file.`
    : `Stop the bot on ${holder.hostname}, or point STATE_FILE at another file. If nothing runs there any more ` +
      `(for example a replaced container), delete ${lockFile} and start again.`;
  return `The state file ${stateFile} is in use by ${who}; only one bot may use a state file at a time. ${nextStep}`;
}

/**
 * Moves the stale lock aside before deleting it, and checks that what was moved is what we judged:
 * if another starting process replaced it in the meantime, that lock is put back untouched.
 */
async function removeIfUnchanged(lockFile: string, judged: string): Promise<void> {
  const aside = `${lockFile}.stale-${process.pid}-${Date.now()}`;
  try {
    await fs.rename(lockFile, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw new StateFileError(`Could not take over the stale lock file ${lockFile}: ${messageOf(error)}. Delete it by hand and start again.`);
  }
  const moved = await readIfPresent(aside);
  if (moved !== judged) {
    // link, unlike rename, refuses to replace a lock someone created meanwhile.
    await fs.link(aside, lockFile).catch(() => undefined);
  }
  await fs.rm(aside, { force: true });
}

function releaseOnce(lockFile: string, ourContent: string, warn: (message: string) => void): () => Promise<void> {
  let released: Promise<void> | undefined;
  return () => {
    released ??= (async () => {
      heldByThisProcess.delete(lockFile);
      const current = await readIfPresent(lockFile).catch(() => undefined);
      if (current === undefined) {
        warn(`The lock file ${lockFile} was already gone when this process released it; someone deleted it by hand.`);
        return;
      }
      if (current !== ourContent) {
        warn(`The lock file ${lockFile} no longer belongs to this process; leaving it in place for its holder.`);
        return;
      }
      await fs.rm(lockFile, { force: true });
    })();
    return released;
  };
}

function describeContent(text: string): string {
  if (text.length === 0) return 'it is empty';
  return `it does not hold a pid, hostname and start time: ${JSON.stringify(text.slice(0, 80))}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
