import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { worldWithManagers } from '../../support/botClient';
import type { BotProcess } from '../../support/botProcess';
import { MEGAN, ORG_WEB, PATTI, SUB_PAYG } from '../../support/demoWorld';
import { flowIdIn } from '../../support/httpBot';
import { SharedStateBots } from '../../support/sharedStateBots';

const TAKES_OVER = 'This instance now delivers notifications.';
const LEASE_MS = 15_000;
/** How often a waiting instance asks for the lease (ElectedDelivery's poll). */
const POLL_MS = 1_000;

/** Waits until `done` holds, looking every 50 ms. */
async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > giveUpAt) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function tookOver(instance: BotProcess): boolean {
  return instance.logs.some((line) => line.msg === TAKES_OVER);
}

/** One deliverer among several instances, chosen by a blob lease; a killed one is replaced. */
describe('Notification delivery with two instances (Azurite)', function () {
  this.timeout(180_000);
  let folder: string;
  let bots: SharedStateBots;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'elected delivery '));
  });

  afterEach(async () => {
    await bots?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('SIGKILL the deliverer in the middle of 200 notifications: the other takes over within the lease time, none is lost, and the repeats are only those under way', async () => {
    const { file, ids } = await worldWithManagers(folder, 198);
    bots = await SharedStateBots.start(2, { env: { DIRECTORY_FILE: file, NOTIFY_PER_SECOND: '30', NOTIFY_PER_CONVERSATION_PER_SECOND: '5' } });
    await until(() => bots.instances.some(tookOver), LEASE_MS + 5_000, 'one instance delivers');
    const leader = bots.instances.findIndex(tookOver);
    const other = 1 - leader;
    assert.equal(bots.instances.filter(tookOver).length, 1, 'exactly one instance delivers');
    bots.connector.delayMs = 20;

    // The change is made on the instance that does not deliver: its notifications reach the deliverer through the store.
    const started = await bots.click(other, 'flow.start', { kind: 'setup' });
    const flowId = flowIdIn(started.json);
    assert.ok(flowId, started.text);
    await bots.click(other, 'flow.organization', { flowId, organizationId: ORG_WEB });
    await bots.click(other, 'flow.subscription', { flowId, subscriptionId: SUB_PAYG });
    assert.match((await bots.click(other, 'flow.confirm', { flowId })).text, /Billing is set up/);

    const proactive = (): { readonly conversationId: string }[] => bots.connector.deliveredActivities().filter((send) => send.conversationId.startsWith('created-'));
    await until(() => proactive().length >= 40, 60_000, '40 notifications arrived');
    await bots.instance(leader).kill();
    const killedAt = Date.now();
    const beforeKill = proactive().length;
    assert.ok(beforeKill < 200, `the kill came in the middle (${beforeKill} of 200 delivered)`);

    await until(() => tookOver(bots.instance(other)), LEASE_MS + 10_000, 'the other instance takes over');
    const takeoverMs = Date.now() - killedAt;
    assert.ok(takeoverMs <= LEASE_MS + 2 * POLL_MS, `took over ${takeoverMs} ms after the kill, within the lease (${LEASE_MS} ms) and a look`);

    const expected = [MEGAN, PATTI, ...ids].map((id) => `created-${id}`);
    await until(() => new Set(proactive().map((send) => send.conversationId)).size >= expected.length, 90_000, 'every manager got the notification');
    const perConversation = new Map<string, number>();
    for (const send of proactive()) perConversation.set(send.conversationId, (perConversation.get(send.conversationId) ?? 0) + 1);
    assert.deepEqual([...perConversation.keys()].sort(), expected.sort(), 'every one of the 200 managers got it: 0 lost');
    const duplicates = [...perConversation.values()].reduce((sum, count) => sum + count - 1, 0);
    // One send per person at a time, at most 16 under way: only those can go out twice.
    assert.ok(duplicates <= 16, `${duplicates} sent twice`);
    // The last sends are recorded just after they arrive: give those records a moment.
    const store = await bots.openStore();
    try {
      let pending = await store.read((tx) => tx.outbox.listPending());
      for (const giveUpAt = Date.now() + 20_000; pending.length > 0 && Date.now() < giveUpAt; pending = await store.read((tx) => tx.outbox.listPending())) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.deepEqual(pending.map((entry) => entry.key), [], 'nothing is left pending');
    } finally {
      await store.close();
    }
    process.stdout.write(`      (200 notifications: ${beforeKill} before the kill, takeover after ${takeoverMs} ms, ${duplicates} sent twice)\n`);
  });
});
