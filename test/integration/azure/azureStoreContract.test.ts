import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { startAzurite, type RunningAzurite } from '../../../scripts/lib/azurite';
import { StateConflictError, type Store } from '../../../src/domain/ports/store';
import { openAzureStore } from '../../../src/store/azure/azureStore';
import { describeStoreContract } from '../../support/storeContract';

/** Refuses the next write request it sees, as a storage service that is failing would; reads pass. */
class WriteRefusal {
  private armed = false;
  readonly policy: PipelinePolicy = {
    name: 'refuse-next-write',
    sendRequest: async (request, next) => {
      if (this.armed && request.method !== 'GET') {
        this.armed = false;
        throw Object.assign(new Error('connect ECONNREFUSED (refused on purpose by the test)'), { code: 'ECONNREFUSED' });
      }
      return next(request);
    },
  };

  arm(): void {
    this.armed = true;
  }
}

describe('Azure Table store on Azurite', function () {
  this.timeout(60_000);
  let azurite: RunningAzurite;
  const refusals = new WeakMap<Store, { readonly prefix: string; readonly refusal: WriteRefusal }>();

  before(async () => {
    azurite = await startAzurite();
  });

  after(async () => {
    await azurite?.stop();
  });

  async function open(prefix: string): Promise<Store> {
    const refusal = new WriteRefusal();
    const store = await openAzureStore({ account: { connectionString: azurite.connectionString }, tablePrefix: prefix }, { additionalPolicies: [{ policy: refusal.policy, position: 'perCall' }] });
    refusals.set(store, { prefix, refusal });
    return store;
  }

  function partsOf(store: Store): { readonly prefix: string; readonly refusal: WriteRefusal } {
    const parts = refusals.get(store);
    if (!parts) throw new Error('A store this suite did not open.');
    return parts;
  }

  describeStoreContract('Azure Table store (openAzureStore, Azurite)', {
    // A table of its own for each test: the suite expects an empty store.
    open: () => open(`t${randomUUID().replace(/-/g, '').slice(0, 12)}`),
    async reopen(store) {
      await store.close();
      return open(partsOf(store).prefix);
    },
    writeFailureDescription: 'the next write request fails as if the storage service could not be reached',
    failNextWrite(store) {
      partsOf(store).refusal.arm();
    },
  });
});

describe('Azure Table store: two instances on one table', function () {
  this.timeout(120_000);
  let azurite: RunningAzurite;
  let stores: Store[] = [];

  before(async () => {
    azurite = await startAzurite();
  });

  after(async () => {
    await azurite?.stop();
  });

  afterEach(async () => {
    await Promise.all(stores.map((store) => store.close()));
    stores = [];
  });

  /** Two stores over one table, as two bot processes would open it; the second gives up after `attemptsOfB`. */
  async function twoInstances(attemptsOfB = 50): Promise<[Store, Store]> {
    const settings = { account: { connectionString: azurite.connectionString }, tablePrefix: `t${randomUUID().replace(/-/g, '').slice(0, 12)}` };
    const a = await openAzureStore(settings, { maxAttempts: 50 });
    const b = await openAzureStore(settings, { maxAttempts: attemptsOfB });
    stores = [a, b];
    return [a, b];
  }

  const paid = (basicUsers: number) => ({ basicUsers, basicTestPlansUsers: 0, microsoftHostedJobs: 0, selfHostedJobs: 0, artifactsGiB: 0 });

  it('40 read-modify-write increments of one record, spread over both, end at exactly 40: a lost race runs again on fresh data', async () => {
    const [a, b] = await twoInstances();
    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        (index % 2 === 0 ? a : b).transaction(async (tx) => {
          const current = (await tx.quantities.get('contoso'))?.paid.basicUsers ?? 0;
          await tx.quantities.put('contoso', { paid: paid(current + 1), changedBy: `instance-${index % 2}`, changedAt: new Date().toISOString() });
        }),
      ),
    );
    const [fromA, fromB] = await Promise.all([a.read((tx) => tx.quantities.get('contoso')), b.read((tx) => tx.quantities.get('contoso'))]);
    assert.equal(fromA?.paid.basicUsers, 40);
    assert.deepEqual(fromB, fromA);
  });

  it('20 "link if there is none" transactions on each instance: exactly one link, one audit entry, and 39 see it when they run again', async () => {
    const [a, b] = await twoInstances();
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, index) =>
        (index % 2 === 0 ? a : b).transaction(async (tx) => {
          if (await tx.links.get('contoso')) throw new Error('already linked');
          await tx.links.put({ organizationId: 'contoso', subscriptionId: `sub-${index}`, linkedBy: 'alice', linkedAt: new Date().toISOString() });
          await tx.audit.append({ id: `audit-${index}`, at: new Date().toISOString(), actorId: 'alice', action: 'billing.setup', organizationId: 'contoso', toSubscriptionId: `sub-${index}` });
          return index;
        }),
      ),
    );
    const won = results.filter((r): r is PromiseFulfilledResult<number> => r.status === 'fulfilled');
    assert.equal(won.length, 1, 'exactly one transaction linked');
    assert.ok(results.every((r) => r.status === 'fulfilled' || (r.reason instanceof Error && r.reason.message === 'already linked')), 'the others were refused from fresh data');
    const winner = won[0]?.value;
    await a.read(async (tx) => {
      assert.equal((await tx.links.get('contoso'))?.subscriptionId, `sub-${winner}`);
      assert.deepEqual((await tx.audit.listOf('contoso')).map((entry) => entry.id), [`audit-${winner}`]);
      assert.deepEqual((await tx.links.listBySubscriptions(new Set([`sub-${winner}`]))).map((link) => link.organizationId), ['contoso']);
    });
  });

  it('a transaction that keeps losing its race gives up with a StateConflictError and writes nothing', async () => {
    const [a, impatient] = await twoInstances(3);
    let attempts = 0;
    await assert.rejects(
      impatient.transaction(async (tx) => {
        attempts += 1;
        const current = await tx.quantities.get('contoso');
        // Another instance changes the same record between this read and the commit, every time.
        await a.transaction(async (other) => other.quantities.put('contoso', { paid: paid((current?.paid.basicUsers ?? 0) + 100), changedBy: 'other', changedAt: new Date().toISOString() }));
        await tx.quantities.put('contoso', { paid: paid(1), changedBy: 'impatient', changedAt: new Date().toISOString() });
      }),
      (error: unknown) => error instanceof StateConflictError && /3 attempts/.test(error.message),
    );
    assert.equal(attempts, 3);
    const saved = await a.read((tx) => tx.quantities.get('contoso'));
    assert.equal(saved?.paid.basicUsers, 300, 'only the other instance\'s three writes are there');
    assert.equal(saved?.changedBy, 'other');
  });
});

describe('Azure Table store: a change that tells more people than one transaction holds', function () {
  this.timeout(120_000);
  let azurite: RunningAzurite;

  before(async () => {
    azurite = await startAzurite();
  });

  after(async () => {
    await azurite?.stop();
  });

  /** Lets requests through until the organization's entity-group transaction has committed, then refuses every write. */
  class RefuseAfterCommit {
    committed = false;
    readonly policy: PipelinePolicy = {
      name: 'refuse-after-commit',
      sendRequest: async (request, next) => {
        if (this.committed && request.method !== 'GET') throw Object.assign(new Error('connect ECONNREFUSED (the process died)'), { code: 'ECONNREFUSED' });
        const response = await next(request);
        const body = typeof request.body === 'string' ? request.body : '';
        if (request.url.includes('$batch') && /org(\||%7C)contoso/i.test(body) && response.status === 202) this.committed = true;
        return response;
      },
    };
  }

  const event = (id: string) => ({
    id, kind: 'billing.setup' as const, organization: { id: 'contoso', name: 'contoso' }, to: { id: 'sub', name: 'Pay-As-You-Go' }, actor: { id: 'alice', name: 'Alice' }, at: '2026-12-01T09:00:00.000Z',
  });

  async function changeTelling(store: Store, people: number): Promise<string[]> {
    const keys: string[] = [];
    await store.transaction(async (tx) => {
      await tx.links.put({ organizationId: 'contoso', subscriptionId: 'sub', linkedBy: 'alice', linkedAt: '2026-12-01T09:00:00.000Z' });
      await tx.audit.append({ id: 'audit-1', at: '2026-12-01T09:00:00.000Z', actorId: 'alice', action: 'billing.setup', organizationId: 'contoso', toSubscriptionId: 'sub' });
      for (let index = 0; index < people; index += 1) {
        const key = `evt-1/manager-${String(index).padStart(3, '0')}`;
        keys.push(key);
        await tx.outbox.put({ key, recipientId: `manager-${index}`, tenantId: 't', card: 'change', event: event('evt-1'), createdAt: '2026-12-01T09:00:00.000Z', status: 'pending', attempts: 0 });
      }
    });
    return keys;
  }

  it('commits a link, its audit entry and 250 outbox entries as one, and every entry can be read and delivered', async () => {
    const store = await openAzureStore({ account: { connectionString: azurite.connectionString }, tablePrefix: `t${randomUUID().replace(/-/g, '').slice(0, 12)}` });
    try {
      const keys = await changeTelling(store, 250);
      await store.read(async (tx) => {
        assert.equal((await tx.outbox.listPending()).length, 250);
        assert.equal((await tx.outbox.get(keys[249] as string))?.recipientId, 'manager-249');
      });
    } finally {
      await store.close();
    }
  });

  it('loses none of them when the process dies right after the commit, before the rest are written on their own', async () => {
    const refusal = new RefuseAfterCommit();
    const settings = { account: { connectionString: azurite.connectionString }, tablePrefix: `t${randomUUID().replace(/-/g, '').slice(0, 12)}` };
    const dying = await openAzureStore(settings, { additionalPolicies: [{ policy: refusal.policy, position: 'perCall' }] });
    const keys = await changeTelling(dying, 250);
    assert.ok(refusal.committed);
    await dying.close();
    const store = await openAzureStore(settings);
    try {
      await store.read(async (tx) => {
        assert.ok(await tx.links.get('contoso'), 'the change was committed');
        const pending = await tx.outbox.listPending();
        assert.deepEqual(pending.map((entry) => entry.key).sort(), [...keys].sort(), 'every one of the 250 is pending');
      });
      // Delivering one from the journal records it as a row of its own.
      const last = keys[249] as string;
      await store.transaction(async (tx) => {
        const entry = await tx.outbox.get(last);
        assert.ok(entry);
        await tx.outbox.put({ ...entry, status: 'delivered', attempts: 1, finishedAt: '2026-12-01T09:01:00.000Z' });
      });
      await store.read(async (tx) => {
        assert.equal((await tx.outbox.get(last))?.status, 'delivered');
        assert.equal((await tx.outbox.listPending()).length, 249);
      });
    } finally {
      await store.close();
    }
  });
});
