import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startAzurite, type RunningAzurite } from '../../../scripts/lib/azurite';
import { ORG_WEB, SUB_PAYG } from '../../support/demoWorld';
import { flowIdIn } from '../../support/httpBot';
import { assertReadable } from '../../support/invariants';
import { SharedStateBots } from '../../support/sharedStateBots';

/** The storage service goes away under a running bot, and comes back. */
describe('Azure Table state: the storage service stops while the bot runs', function () {
  this.timeout(180_000);
  let folder: string;
  let azurite: RunningAzurite;
  let bots: SharedStateBots;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'azurite outage '));
    // On disk, so that stopping it and starting it again keeps what was saved, as a real outage would.
    azurite = await startAzurite({ folder });
    bots = await SharedStateBots.start(1, { azurite });
  });

  afterEach(async () => {
    await bots.stop();
    await azurite.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('answers "try again", writes nothing, and completes the same click once the service is back', async () => {
    const started = await bots.click(0, 'flow.start', { kind: 'setup' });
    const flowId = flowIdIn(started.json);
    assert.ok(flowId, started.text);
    assert.match((await bots.click(0, 'flow.organization', { flowId, organizationId: ORG_WEB })).text, /Step 2 of 3/);
    assert.match((await bots.click(0, 'flow.subscription', { flowId, subscriptionId: SUB_PAYG })).text, /Step 3 of 3/);

    await azurite.stop();
    const confirmed = await bots.click(0, 'flow.confirm', { flowId });
    assert.equal(confirmed.status, 200);
    assert.match(confirmed.text, /storage/i);
    assert.match(confirmed.text, /Try again/);
    assert.doesNotMatch(confirmed.text, /Billing is set up/);
    assertReadable(confirmed.text);
    const status = await bots.say(0, 'status');
    assert.match(status, /I cannot reach the bot's storage just now, so I did nothing\. Try again in a minute/);
    assert.equal(bots.instance(0).child.exitCode, null, 'the bot kept running');

    azurite = await startAzurite({ folder, ports: azurite.ports });
    const store = await bots.openStore();
    try {
      await store.read(async (tx) => {
        assert.equal(await tx.links.get(ORG_WEB), undefined, 'no link was half-written');
        assert.deepEqual(await tx.audit.listOf(ORG_WEB), [], 'no audit entry without its change');
        assert.deepEqual(await tx.outbox.listPending(), [], 'nobody is told of a change that was not made');
        assert.equal((await tx.flows.get(flowId))?.status, 'open', 'the flow waits for the same click again');
      });
      const again = await bots.click(0, 'flow.confirm', { flowId });
      assert.match(again.text, /Billing is set up/);
      await store.read(async (tx) => {
        assert.equal((await tx.links.get(ORG_WEB))?.subscriptionId, SUB_PAYG);
        assert.equal((await tx.audit.listOf(ORG_WEB)).length, 1);
      });
    } finally {
      await store.close();
    }
  });
});
