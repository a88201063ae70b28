import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorCode, messageOf } from './errorDetails';
import { StateFileError } from './port';

/**
 * An exclusive, advisory lock on the state file: `<stateFile>.lock`, created with the `wx` flag so
 * that exactly one process can create it. It records who holds it, so that a refusal can say whom
 * to stop, and so that a lock left behind by a crashed process can be recognised and taken over.
 *
 * A pid alone does not name a process for long: after a crash and a restart (of the bot, the
 * container or the machine) the same number often belongs to something else. So the lock also
 * records, where the system tells them (Linux), the boot it was taken in and when the holding
 * process started; a lock whose pid now belongs to a process that started at another time, or that
 * was taken before the machine last booted, is stale.
 */

export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
  /** The kernel's id of the boot the lock was taken in (/proc/sys/kernel/random/boot_id). */
  readonly bootId?: string;
  /** When the holding process started, in clock ticks after boot (/proc/<pid>/stat, field 22). */
  readonly processStart?: number;
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
  const bootId = await currentBootId();
  const processStart = await processStartOf(process.pid);
  const ours: LockHolder = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    ...(bootId === undefined ? {} : { bootId }),
    ...(processStart === undefined ? {} : { processStart }),
  };
  const ourContent = JSON.stringify(ours);

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (await tryCreate(lockFile, ourContent, stateFile)) {
      return { lockFile, release: releaseOnce(lockFile, ourContent, warn) };
    }
    const existing = await readSettled(lockFile);
    if (existing === undefined) continue; // released between our attempt and our look: try again
    const holder = parseHolder(existing);
    const gone = holder === undefined ? undefined : await whyHolderIsGone(holder, bootId);
    if (holder !== undefined && gone === undefined) {
      throw new StateFileError(refusalMessage(stateFile, lockFile, holder));
    }
    warn(
      holder === undefined
        ? `The lock file ${lockFile} is unreadable (${describeContent(existing)}); taking it over.`
        : `The lock file ${lockFile} was left by process ${holder.pid}, which is no longer running${gone} (since ${holder.startedAt}); taking it over.`,
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
  const { bootId, processStart } = value as Record<string, unknown>;
  // A lock written before these were recorded, or on a system without /proc, has neither: judged by the pid alone.
  return {
    pid,
    hostname,
    startedAt,
    ...(typeof bootId === 'string' && bootId !== '' ? { bootId } : {}),
    ...(typeof processStart === 'number' && Number.isSafeInteger(processStart) && processStart >= 0 ? { processStart } : {}),
  };
}

/**
 * Why the holder is certainly gone ('' when its pid simply no longer runs), or undefined while it may
 * still run. On another host we cannot see its processes, so we assume it runs. Our own pid without our own hold is a predecessor that
 * had the same pid (a container's bot is often pid 1 on every start). Otherwise the pid must be
 * alive and, where the lock recorded them, in the same boot and started at the same moment.
 */
async function whyHolderIsGone(holder: LockHolder, bootId: string | undefined): Promise<string | undefined> {
  if (holder.hostname !== os.hostname()) return undefined;
  if (holder.pid === process.pid) return ': this process has its pid now';
  if (holder.bootId !== undefined && bootId !== undefined && holder.bootId !== bootId) return ': it ran before this machine last started';
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else, which is still a running holder unless its start time says otherwise.
    if (errorCode(error) === 'ESRCH') return '';
  }
  if (holder.processStart === undefined) return undefined;
  const start = await processStartOf(holder.pid);
  if (start !== undefined && start !== holder.processStart) {
    return `: pid ${holder.pid} now belongs to a process that started at another time`;
  }
  return undefined;
}

/** The boot id of this machine, or undefined where the system does not say (not Linux). */
async function currentBootId(): Promise<string | undefined> {
  const text = await fs.readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => undefined);
  const id = text?.trim();
  return id === undefined || id === '' ? undefined : id;
}

/**
 * When a process started, in clock ticks after boot: field 22 of /proc/<pid>/stat. Undefined when it
 * cannot be read (no /proc, the process is gone, or /proc hides it). The second field, the command
 * name in parentheses, may itself hold spaces and parentheses, so the fields are counted after the
 * last ")".
 */
export async function processStartOf(pid: number): Promise<number | undefined> {
  const text = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const afterName = text.slice(text.lastIndexOf(')') + 1).trim().split(/\s+/);
  // afterName[0] is field 3 (the state), so field 22 is afterName[19].
  const start = Number(afterName[19]);
  return Number.isSafeInteger(start) && start >= 0 ? start : undefined;
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
