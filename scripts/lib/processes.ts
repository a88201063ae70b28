/**
 * Small process and network helpers shared by `scripts/dev.ts` and the end-to-end harness
 * (`test/e2e/harness.ts`): starting the bot and the Microsoft 365 Agents Playground as child
 * processes, reading their output line by line, waiting for HTTP endpoints, finding free ports and
 * stopping everything again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import * as readline from 'node:readline';

/** The repository root (the nearest folder up from this file that holds package.json). */
export const PROJECT_ROOT: string = findProjectRoot(__dirname);

function findProjectRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'tsconfig.json'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export const DEFAULT_BOT_PORT = 3978;
export const DEFAULT_PLAYGROUND_PORT = 56150;
export const DEFAULT_DIRECTORY_FILE = 'demo/directory.json';

/**
 * restify 11 touches process.binding('http_parser') on Node 20 and Node prints a deprecation warning
 * (DEP0111) on every start; it is harmless and not ours to fix, so it is silenced by its code alone.
 */
export const BOT_NODE_FLAGS: readonly string[] = ['--disable-warning=DEP0111'];

/** How to start the bot: `node dist/src/index.js`, unless `override` (a command line) says otherwise. */
export interface CommandLine {
  command: string;
  args: string[];
}

/**
 * Parses a command given in an environment variable (used to point the tools at another bot, e.g.
 * a throwaway echo bot). Either a JSON array of strings (`["node","/tmp/bot.js"]`) or a plain
 * command line split at whitespace (no quoting). Empty or missing: `node dist/src/index.js`.
 */
export function botCommandLine(override: string | undefined): CommandLine {
  const text = (override ?? '').trim();
  if (text === '') return { command: process.execPath, args: [...BOT_NODE_FLAGS, path.join('dist', 'src', 'index.js')] };
  let parts: string[];
  if (text.startsWith('[')) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((p): p is string => typeof p === 'string')) {
      throw new Error(`bot command must be a non-empty JSON array of strings: ${text}`);
    }
    parts = parsed;
  } else {
    parts = text.split(/\s+/);
  }
  const [command, ...args] = parts;
  if (command === undefined) throw new Error('empty bot command');
  return { command: command === 'node' ? process.execPath : command, args };
}

/** The playground's command line (the `teamsapptester` bin of `@microsoft/teams-app-test-tool`). */
export function playgroundCommandLine(botPort: number, playgroundPort: number): CommandLine {
  const bin = path.join(PROJECT_ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'teamsapptester.cmd' : 'teamsapptester');
  return {
    command: bin,
    args: [
      'start',
      '-e', `http://localhost:${botPort}/api/messages`,
      '-c', 'msteams',
      '-p', String(playgroundPort),
      '--disable-telemetry',
    ],
  };
}

/**
 * The playground's environment: never open a browser, and keep its telemetry library from trying to
 * reach the internet (`--disable-telemetry` alone does not stop the "statsbeat").
 */
export function playgroundEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...base, TEAMSAPPTESTER_BROWSER: 'none', APPLICATION_INSIGHTS_NO_STATSBEAT: '1' };
}

/** The playground prints `Listening on N` once its server is up (N may differ from the asked port). */
export function parseListeningPort(line: string): number | undefined {
  const m = /Listening on (\d+)/.exec(line);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** Reads a port number from an environment variable; `fallback` when unset or empty. */
export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a port number (0-65535), got "${raw}"`);
  }
  return port;
}

/** Free TCP ports on this machine: listens on port 0 (all at once, so they differ) and closes again. */
export async function getFreePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, () => resolve());
      });
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('could not read a free port');
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** True when nothing listens on `port` yet (tries to listen on it, on all interfaces, and closes). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/** One GET; resolves with the status code, or undefined when the connection fails or times out. */
export function httpGetStatus(url: string, timeoutMs = 2000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(undefined));
  });
}

export interface WaitForHttpOptions {
  timeoutMs: number;
  /** Checked before every try; a string aborts the wait with that reason (e.g. "the bot exited"). */
  abortReason?: () => string | undefined;
  intervalMs?: number;
}

/** Polls `url` until it answers 200. Rejects after `timeoutMs` or when `abortReason` says so. */
export async function waitForHttpOk(url: string, options: WaitForHttpOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 250;
  let last: number | undefined;
  for (;;) {
    const reason = options.abortReason?.();
    if (reason !== undefined) throw new Error(`gave up waiting for ${url}: ${reason}`);
    last = await httpGetStatus(url);
    if (last === 200) return;
    if (Date.now() >= deadline) {
      throw new Error(`${url} did not answer 200 within ${options.timeoutMs} ms (last: ${last ?? 'no connection'})`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function describeExit(info: ExitInfo): string {
  return info.signal !== null ? `was killed by ${info.signal}` : `exited with code ${info.code ?? '?'}`;
}

export interface ManagedProcessOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called with every line the child writes (stdout and stderr), without the line ending. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/**
 * A child process in its own process group (POSIX), so that stopping it also stops anything it
 * started, and a Ctrl-C in the terminal reaches only the parent, which then stops the children in
 * order.
 */
export class ManagedProcess {
  readonly child: ChildProcess;
  /** Resolves once the child has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;
  private readonly usesGroup = process.platform !== 'win32';

  constructor(
    readonly name: string,
    command: CommandLine,
    options: ManagedProcessOptions,
  ) {
    this.child = spawn(command.command, command.args, {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: this.usesGroup,
    });
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.child.once('error', (err) => {
        // spawn failure (e.g. the command does not exist): no 'exit' event follows.
        options.onLine?.(`failed to start ${command.command}: ${err.message}`, 'stderr');
        this.exitInfo ??= { code: 127, signal: null };
        resolve(this.exitInfo);
      });
      this.child.once('exit', (code, signal) => {
        this.exitInfo ??= { code, signal };
        resolve(this.exitInfo);
      });
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const readable = this.child[stream];
      if (readable === null) continue;
      const lines = readline.createInterface({ input: readable, crlfDelay: Infinity });
      lines.on('line', (line) => options.onLine?.(line, stream));
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Undefined while running; how it ended once it has exited. */
  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** Sends a signal to the child's process group (or the child alone where groups are not used). */
  signal(sig: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || this.exitInfo !== undefined) return;
    try {
      if (this.usesGroup) process.kill(-pid, sig);
      else this.child.kill(sig);
    } catch {
      // already gone
    }
  }

  /** SIGTERM, then SIGKILL if it is still running after `graceMs`. Resolves once it has exited. */
  async stop(graceMs = 5000): Promise<ExitInfo> {
    if (this.exitInfo !== undefined) return this.exitInfo;
    this.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.signal('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, killed]);
    const info = await this.exited;
    if (timer !== undefined) clearTimeout(timer);
    return info;
  }

  /** Synchronous last resort for `process.on('exit')`: SIGKILL the whole group. */
  killNow(): void {
    this.signal('SIGKILL');
  }
}
