import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BotClient, flowIdIn, worldWithManagers } from '../support/botClient';
import { ConnectorStub } from '../support/connectorStub';
import { MEGAN, ORG_WEB, PATTI, PROJECT_ROOT, SUB_PAYG } from '../support/demoWorld';

const ENTRY = path.join(PROJECT_ROOT, 'dist', 'src', 'index.js');
/** The dispatcher never has more sends under way than this; only those can be repeated after a kill. */
const MAX_IN_FLIGHT = 16;

interface BotProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly exited: Promise<number | null>;
}

/** Runs the bot as its own process (`node dist/src/index.js`), as a deployment would. */
async function runBot(env: Record<string, string>, cwd: string): Promise<BotProcess> {
  const child = spawn(process.execPath, [ENTRY], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The bot did not start:\n${output}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /"port":(\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    void exited.then((code) => reject(new Error(`The bot exited with ${code}:\n${output}`)));
  });
  return { child, port, exited };
}

describe('A bot process killed in the middle of a burst', function () {
  this.timeout(60_000);
  let folder: string;
  let connector: ConnectorStub;
  const running: BotProcess[] = [];

  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'billing-bot-crash-'));
    connector = await ConnectorStub.start();
  });

  afterEach(async () => {
    for (const bot of running.splice(0)) {
      if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
      await bot.exited;
    }
    await connector.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('delivers the rest after a restart: nobody is missed, and only sends under way at the kill can repeat', async () => {
    const { file, ids } = await worldWithManagers(folder, 40);
    const env = { PORT: '0', STATE_FILE: path.join(folder, 'state.json'), DIRECTORY_FILE: file, LOG_LEVEL: 'info', NOTIFY_PER_SECOND: '20' };
    const first = await runBot(env, folder);
    running.push(first);
    connector.delayMs = 100;

    const client = new BotClient(`http://127.0.0.1:${first.port}`, connector.url);
    await client.say('set up billing');
    await connector.waitForSends(1);
    const flowId = flowIdIn(JSON.stringify(connector.sends[0]?.body));
    await client.click('flow.organization', { flowId, organizationId: ORG_WEB });
    await client.click('flow.subscription', { flowId, subscriptionId: SUB_PAYG });
    assert.match(await client.click('flow.confirm', { flowId }), /Billing is set up/);

    const proactive = (): string[] => connector.deliveredActivities().map((s) => s.conversationId).filter((id) => id !== 'personal-alex');
    await connector.waitUntil(() => proactive().length >= 8, 20_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = proactive().length;
    assert.ok(atKill < 41, `the kill came in the middle (${atKill} of 41 delivered)`);

    const second = await runBot(env, folder);
    running.push(second);
    const everyone = [MEGAN, PATTI, ...ids].map((id) => `created-${id}`);
    await connector.waitUntil(() => everyone.every((id) => proactive().includes(id)), 30_000, () => `${new Set(proactive()).size} of 41 reached`);

    const counts = new Map<string, number>();
    for (const id of proactive()) counts.set(id, (counts.get(id) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), everyone.sort(), 'every billing manager got the notification');
    const repeated = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
    assert.ok(repeated <= MAX_IN_FLIGHT, `${repeated} repeats`);

    // SIGTERM stops the second one cleanly.
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  });
});
