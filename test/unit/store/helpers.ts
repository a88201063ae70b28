import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh folder under the system temp folder; remove it with removeTempFolder in afterEach. */
export function makeTempFolder(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'store-test-'));
}

export function removeTempFolder(folder: string): Promise<void> {
  return fs.rm(folder, { recursive: true, force: true });
}

/** The pid of a process that has already exited, as a crashed bot leaves in its lock file. */
export function pidOfExitedProcess(): number {
  const result = spawnSync(process.execPath, ['-e', '']);
  if (result.pid === undefined || result.pid <= 0) throw new Error('Could not start a short-lived child process.');
  return result.pid;
}

/** A process that stays alive until killed, to stand in for another running bot. */
export function startIdleProcess(): ChildProcess & { pid: number } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  if (child.pid === undefined) throw new Error('Could not start an idle child process.');
  return child as ChildProcess & { pid: number };
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

export function lockContent(
  pid: number,
  hostname = os.hostname(),
  startedAt = '2024-01-02T03:04:05.000Z',
  identity: { readonly bootId?: string; readonly processStart?: number } = {},
): string {
  return JSON.stringify({ pid, hostname, startedAt, ...identity });
}

export async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
