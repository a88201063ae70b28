import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startChild } from './child';

/**
 * Start-up as an operator sees it: from spawning the process until it answers turns, and the
 * process's peak resident memory (VmHWM) at that moment. A bare bot answers turns once /healthz
 * answers; the product listens (and answers /healthz) before the parts that answer turns are
 * loaded, so it is timed to the first 200 from /readyz, with its /healthz time kept beside it.
 */
export interface StartupMeasurement {
  readonly ms: number;
  /** The product's first 200 from /healthz (listening, turns held until ready); absent for a bare bot. */
  readonly listeningMs?: number;
  readonly peakRssMB: number;
}

/** The product's real entry point, dist/src/index.js, configured through its environment. */
export async function measureProductStartup(stateFile: string, directoryFile: string, cwd: string): Promise<StartupMeasurement> {
  const entry = path.join(__dirname, '..', '..', 'src', 'index.js');
  const began = performance.now();
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', entry], {
    cwd,
    env: { PATH: process.env.PATH ?? '', PORT: '0', STATE_FILE: stateFile, DIRECTORY_FILE: directoryFile, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`The bot did not log its port within 120 s: ${output.slice(-500)}`)), 120_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /"port":(\d+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`The bot exited with code ${String(code)} while starting: ${output.slice(-500)}`));
      });
    });
    await untilHealthy(`http://127.0.0.1:${port}/healthz`);
    const listeningMs = performance.now() - began;
    await untilHealthy(`http://127.0.0.1:${port}/readyz`);
    const ms = performance.now() - began;
    return { ms: Math.round(ms), listeningMs: Math.round(listeningMs), peakRssMB: await peakRssMB(child.pid) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * A bare bot's start-up, for comparison (module loading is most of any bot's): the product's twin, a
 * bare teams-ai bot on restify (teamsAiEcho), or the bare botbuilder echo bot (echoBot).
 */
export async function measureBaselineStartup(name: 'teamsAiEcho' | 'echoBot'): Promise<StartupMeasurement> {
  const began = performance.now();
  const echo = await startChild(name);
  try {
    await untilHealthy(`http://127.0.0.1:${String(echo.ready.port)}/healthz`);
    const ms = performance.now() - began;
    return { ms: Math.round(ms), peakRssMB: await peakRssMB(echo.pid) };
  } finally {
    await echo.stop();
  }
}

async function untilHealthy(url: string): Promise<void> {
  for (;;) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The kernel's high-water mark of the process's resident memory. */
export async function peakRssMB(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Math.round(Number(kb) / 1024) : 0;
}
