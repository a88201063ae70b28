import assert from 'node:assert/strict';
import http from 'node:http';
import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readStateSnapshot } from '../../../src/store/stateSnapshot';
import { BotProcess } from '../../support/botProcess';
import { ConnectorStub } from '../../support/connectorStub';
import { MEGAN } from '../../support/demoWorld';
import { ALEX_SENDER, flowIdIn, request, teamsActivity, type HttpAnswer, type Sender } from '../../support/httpBot';

const SLOW_REPLY_MS = 1500;
const SENDERS: Sender[] = [ALEX_SENDER, { aadObjectId: MEGAN, name: 'Megan Bowen' }];

/**
 * SIGTERM while turns are in flight (their replies held up by a slow Bot Connector): the bot stops
 * taking connections at once, finishes those turns and their writes, releases the state file, and
 * exits 0.
 */
describe('Stopping with SIGTERM', function () {
  this.timeout(60_000);
  let folder: string;
  let stateFile: string;
  let connector: ConnectorStub;
  let bot: BotProcess;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'billing-bot-sigterm-'));
    stateFile = path.join(folder, 'state.json');
    connector = await ConnectorStub.start({ replyDelayMs: SLOW_REPLY_MS });
    bot = await BotProcess.start({ stateFile, cwd: folder });
  });

  afterEach(async () => {
    await bot.kill();
    await connector.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('finishes the turns in flight, refuses new connections, and exits 0 with the state written', async () => {
    const inFlight: Promise<HttpAnswer>[] = Array.from({ length: 4 }, (_, i) =>
      request(`${bot.base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(teamsActivity(connector.url, { type: 'message', text: 'set up billing' }, SENDERS[i % 2])),
      }),
    );
    // Every turn has saved its flow and is now waiting on the slow connector for its reply.
    await connector.waitForSends(4, 10_000);
    const signalledAt = Date.now();
    bot.signal('SIGTERM');

    await assertRefusesConnections(bot.port, signalledAt + SLOW_REPLY_MS);

    const answers = await Promise.all(inFlight);
    const answeredAt = Date.now();
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200], 'every turn in flight was finished and answered');
    assert.deepEqual(await bot.exited, { code: 0, signal: null });
    // Not held open by the answered connections' keep-alive (which lasts seconds).
    assert.ok(Date.now() - answeredAt < 2000, `exited ${Date.now() - answeredAt} ms after the last answer`);
    assert.ok(bot.logs.some((l) => l.msg === 'Stopped.'));

    const state = await readStateSnapshot(stateFile);
    const shown = connector.sends.map((s) => flowIdIn(s.body));
    assert.equal(shown.length, 4);
    for (const flowId of shown) assert.ok(flowId && state.flows[flowId], `flow ${String(flowId)} shown to a user is in the state file`);
    await assert.rejects(access(`${stateFile}.lock`), 'the lock is released, so the next start needs no takeover');
  });

  it('exits 0 at once when nothing is in flight', async () => {
    bot.signal('SIGTERM');
    assert.deepEqual(await bot.exited, { code: 0, signal: null });
  });
});

/** A fresh connection is refused before the turns in flight could have finished. */
async function assertRefusesConnections(port: number, before: number): Promise<void> {
  for (;;) {
    const outcome = await connectOnce(port);
    if (outcome === 'refused') break;
    assert.ok(Date.now() < before, 'a new connection was still accepted after SIGTERM while turns were in flight');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.ok(Date.now() < before, 'new connections were refused only after the turns in flight had finished');
}

function connectOnce(port: number): Promise<'refused' | 'accepted'> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      resolve('accepted');
    });
    req.on('error', () => resolve('refused'));
    req.end();
  });
}
