import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startAzurite, type RunningAzurite } from '../../../scripts/lib/azurite';
import { BlobLeases } from '../../../src/store/azure/blobLeases';
import { LeasedRuns } from '../../../src/store/azure/leasedRuns';
import { containerClientFor } from '../../../src/store/azure/storageAccount';

/** Blob leases on Azurite: what two instances use to take turns. */
describe('Blob leases (Azurite)', function () {
  this.timeout(60_000);
  let azurite: RunningAzurite;

  before(async () => {
    azurite = await startAzurite();
  });

  after(async () => {
    await azurite?.stop();
  });

  /** Two instances' leases over one container, as two processes would build them. */
  function twoInstances(): [BlobLeases, BlobLeases] {
    const container = `leases${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const account = { connectionString: azurite.connectionString };
    return [new BlobLeases(containerClientFor(account, container)), new BlobLeases(containerClientFor(account, container))];
  }

  it('one holder at a time: the other is refused until the holder lets go, then takes it', async () => {
    const [a, b] = twoInstances();
    const leaseOfA = a.lease('notification-delivery', 15);
    const leaseOfB = b.lease('notification-delivery', 15);
    assert.equal(await leaseOfA.acquire(), true);
    assert.equal(await leaseOfB.acquire(), false, 'held by the other');
    assert.equal(await leaseOfA.acquire(), true, 'the holder may take it again');
    assert.equal(await leaseOfA.renew(), true);
    assert.equal(await leaseOfB.renew(), false, 'a lease never held cannot be renewed');
    await leaseOfA.release();
    assert.equal(await leaseOfB.acquire(), true, 'free once let go');
    assert.equal(await leaseOfA.renew(), false, 'the old holder learns it lost it');
  });

  it('runs tasks with the same key one at a time across instances, and others side by side', async () => {
    const [a, b] = twoInstances();
    const runs = [new LeasedRuns(a, { pollMs: 20 }), new LeasedRuns(b, { pollMs: 20 })];
    const inside = new Map<string, number>();
    let overlapped = false;
    const task = (key: string) => async (): Promise<void> => {
      inside.set(key, (inside.get(key) ?? 0) + 1);
      if ((inside.get(key) ?? 0) > 1) overlapped = true;
      await new Promise((resolve) => setTimeout(resolve, 30));
      inside.set(key, (inside.get(key) ?? 0) - 1);
    };
    const began = Date.now();
    await Promise.all(Array.from({ length: 12 }, (_, index) => (runs[index % 2] as LeasedRuns).run(index % 3 === 0 ? 'sub-other' : 'sub-1', task(index % 3 === 0 ? 'sub-other' : 'sub-1'))));
    assert.equal(overlapped, false, 'no two tasks of one key ran at once');
    assert.ok(Date.now() - began >= 8 * 30, 'the eight tasks of sub-1 ran one after another');
  });
});
