import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * The benchmark's processes: each part under measurement runs in its own child, so that the load
 * generator, the bot and the stand-in Bot Connector never share an event loop. They talk over the
 * IPC channel: the child announces itself with a `ready` message, then answers requests by id.
 */

export type Message = Readonly<Record<string, unknown>>;

interface Envelope {
  readonly id?: number;
  readonly type?: string;
  readonly error?: string;
  readonly [key: string]: unknown;
}

export interface Child {
  readonly pid: number;
  /** What the child sent with its `ready` message (its port, say). */
  readonly ready: Envelope;
  request(type: string, body?: Message): Promise<Envelope>;
  /** Asks the child to stop cleanly, and kills it if it has not exited within the grace period. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * A compiled entry: dist/bench/processes/<name>.js beside this file's folder, or in the checkout
 * `build` names (another build of the product, compared with this one).
 */
export function entryPath(name: string, build?: string): string {
  if (build) return path.join(build, 'dist', 'bench', 'processes', `${name}.js`);
  return path.join(__dirname, '..', 'processes', `${name}.js`);
}

export async function startChild(name: string, options: Message = {}, readyTimeoutMs = 120_000, build?: string): Promise<Child> {
  const child = fork(entryPath(name, build), [JSON.stringify(options)], {
    execArgv: ['--disable-warning=DEP0111'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not start the ${name} process.`);
  const ready = await waitForReady(child, name, readyTimeoutMs);
  return wrap(child, pid, ready, name);
}

function waitForReady(child: ChildProcess, name: string, timeoutMs: number): Promise<Envelope> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The ${name} process did not report ready within ${timeoutMs} ms.`));
    }, timeoutMs);
    const onMessage = (message: Envelope): void => {
      if (message.type === 'failed') {
        clearTimeout(timer);
        child.off('exit', onExit);
        reject(new Error(`The ${name} process failed to start: ${message.error ?? 'no reason given'}`));
        return;
      }
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`The ${name} process exited with code ${String(code)} before it was ready.`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function wrap(child: ChildProcess, pid: number, ready: Envelope, name: string): Child {
  let nextId = 1;
  const pending = new Map<number, { resolve: (m: Envelope) => void; reject: (e: Error) => void }>();
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const waiter of pending.values()) waiter.reject(new Error(`The ${name} process exited (${String(code ?? signal)}) before it answered.`));
      pending.clear();
      resolve();
    });
  });
  child.on('message', (message: Envelope) => {
    if (typeof message.id !== 'number') return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (typeof message.error === 'string') waiter.reject(new Error(`${name}: ${message.error}`));
    else waiter.resolve(message);
  });
  return {
    pid,
    ready,
    request(type, body = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ ...body, id, type });
      });
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The child's side: announces readiness and answers each request with its handler's result, or
 * with the error's message.
 */
export function serveParent(handlers: Readonly<Record<string, (message: Envelope) => Promise<Message> | Message>>, onStop: () => Promise<void>): void {
  process.on('message', (message: Envelope) => {
    if (message.type === 'stop') {
      onStop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
      return;
    }
    const handler = message.type === undefined ? undefined : handlers[message.type];
    if (!handler || typeof message.id !== 'number') return;
    const id = message.id;
    Promise.resolve()
      .then(() => handler(message))
      .then(
        (reply) => process.send?.({ ...reply, id }),
        (error: unknown) => process.send?.({ id, error: error instanceof Error ? error.message : String(error) }),
      );
  });
  // An orphaned child (the bench was killed) must not linger.
  process.on('disconnect', () => process.exit(0));
}

export function announceReady(details: Message = {}): void {
  process.send?.({ ...details, type: 'ready' });
}

export function announceFailure(error: unknown): void {
  process.send?.({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
}

/** The options the parent passed as the first argument. */
export function childOptions(): Envelope {
  const raw = process.argv[2];
  return raw ? (JSON.parse(raw) as Envelope) : {};
}
