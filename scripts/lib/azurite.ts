import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Azurite, the local Azure Storage emulator (a devDependency), as a child process on free ports:
 * for the tests, `npm run dev:multi` and the bench. In memory unless given a folder to keep its data
 * in, which lets a test stop it and start it again with everything still there.
 */

export interface AzuritePorts {
  readonly blob: number;
  readonly queue: number;
  readonly table: number;
}

export interface RunningAzurite {
  readonly ports: AzuritePorts;
  /** A connection string for this Azurite: the well-known development account on its ports. */
  readonly connectionString: string;
  /** Stops it and waits until it is gone. */
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  /** Keep the data in this folder instead of in memory (so a restart keeps it). */
  readonly folder?: string;
  /** Listen on these ports (to start again where it was); free ones otherwise. */
  readonly ports?: AzuritePorts;
}

/** The development account every Azurite has; its key is published, not a secret. */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const START_TIMEOUT_MS = 30_000;

const ENTRY = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'azurite.js');

export function azuriteConnectionString(ports: AzuritePorts): string {
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${ACCOUNT}`,
    `AccountKey=${ACCOUNT_KEY}`,
    `BlobEndpoint=http://127.0.0.1:${ports.blob}/${ACCOUNT}`,
    `QueueEndpoint=http://127.0.0.1:${ports.queue}/${ACCOUNT}`,
    `TableEndpoint=http://127.0.0.1:${ports.table}/${ACCOUNT}`,
  ].join(';');
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  if (options.folder) await mkdir(options.folder, { recursive: true });
  return launch(options);
}

function launch(options: AzuriteOptions): Promise<RunningAzurite> {
  const ports = options.ports ?? { blob: 0, queue: 0, table: 0 };
  const args = [
    ENTRY,
    '--silent',
    '--skipApiVersionCheck',
    '--disableTelemetry',
    ...(options.folder ? ['--location', options.folder] : ['--inMemoryPersistence']),
    ...['--blobHost', '127.0.0.1', '--queueHost', '127.0.0.1', '--tableHost', '127.0.0.1'],
    ...['--blobPort', String(ports.blob), '--queuePort', String(ports.queue), '--tablePort', String(ports.table)],
  ];
  const child = spawn(process.execPath, args, { cwd: options.folder ?? process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<RunningAzurite>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Azurite did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const listening = (): AzuritePorts | undefined => {
      const port = (service: string): number | undefined => {
        const match = new RegExp(`Azurite ${service} service is successfully listening at http://[^:]+:(\\d+)`).exec(output);
        return match ? Number(match[1]) : undefined;
      };
      const [blob, queue, table] = [port('Blob'), port('Queue'), port('Table')];
      return blob && queue && table ? { blob, queue, table } : undefined;
    };
    const onOutput = (chunk: string): void => {
      output += chunk;
      const found = listening();
      if (!found) return;
      clearTimeout(timer);
      resolve({ ports: found, connectionString: azuriteConnectionString(found), stop: () => stop(child, exited) });
    };
    child.stdout?.setEncoding('utf8').on('data', onOutput);
    child.stderr?.setEncoding('utf8').on('data', onOutput);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Azurite could not be started: ${error.message}`));
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited before it listened:\n${output}`));
    });
  });
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const killLater = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(killLater);
}
