import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { DEMO_DIRECTORY, PROJECT_ROOT } from './demoWorld';

/**
 * The bot as its own process (`node dist/src/index.js`), as it runs in production: for tests that
 * kill it, stop it with a signal, or run it as a user the disk can refuse.
 */

export interface BotProcessOptions {
  readonly stateFile: string;
  /** The working folder; the bot reads `.env` from here, so a test folder keeps a developer's out. */
  readonly cwd: string;
  readonly env?: Record<string, string>;
  /**
   * Make file permissions bind the bot even when the tests run as root: the bot then runs (through
   * setpriv) as root without the capabilities that override them, so a folder without write
   * permission refuses its writes, while it still reads the checkout as its owner, wherever that lives.
   */
  readonly boundByFilePermissions?: boolean;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

const ENTRY = path.join(PROJECT_ROOT, 'dist', 'src', 'index.js');
const START_TIMEOUT_MS = 15_000;

export class BotProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly exited: Promise<Exit>,
    /** Every JSON line the bot logged so far. */
    readonly logs: LogLine[],
    private readonly stderrSoFar: { text: string },
  ) {}

  get stderr(): string {
    return this.stderrSoFar.text;
  }

  /** Starts the bot on a free port and resolves once it listens; rejects with its stderr if it stops first. */
  static start(options: BotProcessOptions): Promise<BotProcess> {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      PORT: '0',
      STATE_FILE: options.stateFile,
      DIRECTORY_FILE: DEMO_DIRECTORY,
      LOG_LEVEL: 'info',
      ...options.env,
    };
    const [command, args] = options.boundByFilePermissions === true && runningAsRoot()
      ? ['setpriv', [...WITHOUT_PERMISSION_OVERRIDES, process.execPath, ENTRY]]
      : [process.execPath, [ENTRY]];
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const logs: LogLine[] = [];
    const stderr = { text: '' };
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr.text += chunk));
    const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

    return new Promise<BotProcess>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`The bot did not start within ${START_TIMEOUT_MS} ms. stderr:\n${stderr.text}`));
      }, START_TIMEOUT_MS);
      let pending = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const entry = parseLine(line);
          if (!entry) continue;
          logs.push(entry);
          const port = entry.port;
          if (typeof port === 'number' && entry.msg.startsWith('Listening on')) {
            clearTimeout(timer);
            resolve(new BotProcess(child, port, exited, logs, stderr));
          }
        }
      });
      void exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(`The bot exited (${JSON.stringify(exit)}) before listening. stderr:\n${stderr.text}`));
      });
    });
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Kills the process outright, as a crash or an out-of-memory kill would, and waits until it is gone. */
  async kill(): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.exited;
  }
}

/**
 * The capabilities that let root ignore file modes (write anywhere, read and search anything, act as
 * any file's owner), dropped from the bounding and inheritable sets so the bot can never regain them.
 */
const DROPPED_CAPABILITIES = '-dac_override,-dac_read_search,-fowner';
const WITHOUT_PERMISSION_OVERRIDES = [`--bounding-set=${DROPPED_CAPABILITIES}`, `--inh-caps=${DROPPED_CAPABILITIES}`];

function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/** True when file permissions bind this process, or setpriv can drop what lets root ignore them. */
export function permissionBoundRunAvailable(): boolean {
  if (!runningAsRoot()) return true;
  return spawnSync('setpriv', [...WITHOUT_PERMISSION_OVERRIDES, 'true']).status === 0;
}

function parseLine(line: string): LogLine | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    if (typeof value === 'object' && value !== null && typeof (value as { msg?: unknown }).msg === 'string') return value as LogLine;
  } catch {
    // Not a log line (a library writing to stdout); ignore it.
  }
  return undefined;
}
