import assert from 'node:assert/strict';
import type { ChangeEvent } from '../../../src/domain/changeEvent';
import type { Lease } from '../../../src/domain/ports/leases';
import { outboxEntriesFor } from '../../../src/domain/notifications';
import { silentLogger } from '../../../src/logger';
import { ElectedDelivery, type DeliveryRun } from '../../../src/notifications/electedDelivery';
import { createMemoryStore } from '../../../src/store/memoryStore';

/** A lease another instance may hold: `holder` says who has it. */
class SharedLease {
  holder: string | undefined;
  /** The storage service does not answer: nobody can take or renew the lease. */
  unreachable = false;

  for(instance: string): Lease {
    return {
      acquire: async () => {
        if (this.unreachable) throw new Error('the storage service did not answer');
        if (this.holder === undefined || this.holder === instance) this.holder = instance;
        return this.holder === instance;
      },
      renew: async () => {
        if (this.unreachable) throw new Error('the storage service did not answer');
        return this.holder === instance;
      },
      release: async () => {
        if (this.holder === instance) this.holder = undefined;
      },
    };
  }
}

/** A dispatcher that records what it was told. */
class RecordedRun implements DeliveryRun {
  readonly told: (readonly string[] | undefined)[] = [];
  stopped = false;
  notify(keys?: readonly string[]): void {
    this.told.push(keys);
  }
  queued(keys: readonly string[]): void {
    this.told.push(keys);
  }
  async whenIdle(): Promise<void> {}
  async stop(): Promise<void> {
    this.stopped = true;
  }
}

const EVENT: ChangeEvent = {
  id: 'evt-1', kind: 'billing.setup', organization: { id: 'org', name: 'contoso-web' }, to: { id: 'sub', name: 'Pay-As-You-Go' }, actor: { id: 'alex', name: 'Alex' }, at: '2026-12-01T09:00:00.000Z',
};

async function until(done: () => boolean, what: string): Promise<void> {
  const giveUpAt = Date.now() + 5_000;
  while (!done()) {
    if (Date.now() > giveUpAt) throw new Error(`Never: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('Elected delivery: one instance delivers at a time', () => {
  it('only the instance holding the lease runs a dispatcher; the other takes over once it is let go', async () => {
    const lease = new SharedLease();
    const store = createMemoryStore();
    const runs: Record<string, RecordedRun[]> = { a: [], b: [] };
    const instance = (name: 'a' | 'b'): ElectedDelivery =>
      new ElectedDelivery({
        lease: lease.for(name), leaseMs: 300, store, pollMs: 10, logger: silentLogger(), refreshAddresses: async () => undefined,
        startDispatcher: () => {
          const run = new RecordedRun();
          runs[name]?.push(run);
          return run;
        },
      });
    const a = instance('a');
    a.start();
    await until(() => a.isLeader, 'a leads');
    const b = instance('b');
    b.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(b.isLeader, false, 'b waits while a holds the lease');
    assert.equal(runs.b?.length, 0);
    await a.stop();
    assert.equal(runs.a?.[0]?.stopped, true, 'a stopped its dispatcher');
    await until(() => b.isLeader, 'b takes over');
    await b.stop();
  });

  it('hands the deliverer what another instance queued, once, with fresh addresses for the people concerned', async () => {
    const lease = new SharedLease();
    const store = createMemoryStore();
    const refreshed: string[][] = [];
    let run: RecordedRun | undefined;
    const delivery = new ElectedDelivery({
      lease: lease.for('a'), leaseMs: 300, store, pollMs: 10, logger: silentLogger(),
      refreshAddresses: async (people) => void refreshed.push(people.map((person) => person.id)),
      startDispatcher: () => (run = new RecordedRun()),
    });
    delivery.start();
    await until(() => delivery.isLeader, 'it leads');
    // Queued by another instance: this one hears of it only through the store.
    const entries = outboxEntriesFor(EVENT, [{ id: 'megan', tenantId: 't', card: 'change' }, { id: 'patti', tenantId: 't', card: 'change' }], EVENT.at);
    await store.transaction(async (tx) => {
      for (const entry of entries) await tx.outbox.put(entry);
    });
    await until(() => (run?.told.length ?? 0) > 0, 'the dispatcher is told');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(run?.told, [entries.map((entry) => entry.key)], 'told once, with both keys');
    assert.deepEqual(refreshed.at(-1)?.sort(), ['megan', 'patti']);
    await delivery.stop();
  });

  it('steps down when the lease is taken from it, and when it cannot renew in time', async () => {
    for (const loss of ['taken', 'unreachable'] as const) {
      const lease = new SharedLease();
      let run: RecordedRun | undefined;
      const delivery = new ElectedDelivery({
        lease: lease.for('a'), leaseMs: 150, store: createMemoryStore(), pollMs: 10, logger: silentLogger(), refreshAddresses: async () => undefined,
        startDispatcher: () => (run = new RecordedRun()),
      });
      delivery.start();
      await until(() => delivery.isLeader, 'it leads');
      if (loss === 'taken') lease.holder = 'b';
      else lease.unreachable = true;
      await until(() => !delivery.isLeader, `it steps down when the lease is ${loss}`);
      assert.equal(run?.stopped, true, `its dispatcher stopped (${loss})`);
      await delivery.stop();
    }
  });
});
