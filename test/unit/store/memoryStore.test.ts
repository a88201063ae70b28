import assert from 'node:assert/strict';
import { createMemoryStore } from '../../../src/store/memoryStore';
import { StateWriteError } from '../../../src/domain/ports/store';
import { emptyState } from '../../../src/store/state';
import type { BillingLink } from '../../../src/domain/model';

function link(organizationId: string): BillingLink {
  return { organizationId, subscriptionId: `sub-${organizationId}`, linkedBy: 'user-1', linkedAt: '2024-01-01T00:00:00.000Z' };
}

describe('memoryStore', () => {
  it('starts from an empty state, or from a copy of the one given', async () => {
    assert.deepEqual(createMemoryStore().snapshot(), emptyState());

    const initial = emptyState();
    initial.links['org-1'] = link('org-1');
    const store = createMemoryStore(initial);
    await store.updateState((draft) => {
      delete draft.links['org-1'];
    });
    assert.deepEqual(Object.keys(initial.links), ['org-1'], 'the caller’s object must not change');
  });

  it('applies concurrent updates one at a time, in call order', async () => {
    const store = createMemoryStore();
    const seen = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        store.updateState((draft) => {
          const before = Object.keys(draft.links).length;
          draft.links[`org-${i}`] = link(`org-${i}`);
          return before;
        }),
      ),
    );
    assert.deepEqual(seen, Array.from({ length: 100 }, (_, i) => i));
    assert.equal(Object.keys(store.snapshot().links).length, 100);
  });

  it('leaves the state unchanged when the mutation throws, and keeps going', async () => {
    const store = createMemoryStore();
    await store.updateState((draft) => {
      draft.links['org-1'] = link('org-1');
    });
    const before = structuredClone(store.snapshot());
    const failing = store.updateState((draft) => {
      draft.links['org-2'] = link('org-2');
      throw new Error('validation failed');
    });
    const following = store.updateState((draft) => Object.keys(draft.links));

    await assert.rejects(failing, /validation failed/);
    assert.deepEqual(await following, ['org-1']);
    assert.deepEqual(store.snapshot(), before);
  });

  it('simulates a write failure once, leaving the state as it was', async () => {
    const store = createMemoryStore();
    store.failNextWrite(new Error('disk full'));
    await assert.rejects(
      store.updateState((draft) => {
        draft.links['org-1'] = link('org-1');
      }),
      (error: unknown) => error instanceof StateWriteError && /disk full/.test(error.message),
    );
    assert.deepEqual(store.snapshot(), emptyState());

    await store.updateState((draft) => {
      draft.links['org-1'] = link('org-1');
    });
    assert.deepEqual(Object.keys(store.snapshot().links), ['org-1']);
  });

  it('saves updates made at the same moment together: a failed save fails them all, a throwing mutation only itself', async () => {
    const store = createMemoryStore();
    store.failNextWrite(new Error('disk full'));
    const together = await Promise.allSettled(
      ['org-1', 'org-2', 'org-3'].map((id) =>
        store.updateState((draft) => {
          draft.links[id] = link(id);
        }),
      ),
    );
    assert.deepEqual(together.map((r) => r.status), ['rejected', 'rejected', 'rejected']);
    assert.deepEqual(store.snapshot(), emptyState());

    const mixed = await Promise.allSettled([
      store.updateState((draft) => {
        draft.links['org-1'] = link('org-1');
        return Object.keys(draft.links);
      }),
      store.updateState((draft) => {
        draft.links['org-2'] = link('org-2');
        throw new Error('validation failed');
      }),
      store.updateState((draft) => {
        draft.links['org-3'] = link('org-3');
        return Object.keys(draft.links);
      }),
    ]);
    assert.deepEqual(
      mixed.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason))),
      [['org-1'], 'Error: validation failed', ['org-1', 'org-3']],
    );
    assert.deepEqual(Object.keys(store.snapshot().links), ['org-1', 'org-3']);
  });

  // A transaction may await its repositories: what it changes after an await is saved with the rest,
  // and one that fails after an await leaves nothing.
  it('keeps what an asynchronous update changes after awaiting, and nothing of one that then fails', async () => {
    const store = createMemoryStore();
    await store.updateState(async (draft) => {
      await new Promise((resolve) => setImmediate(resolve));
      draft.links['org-1'] = link('org-1');
    });
    assert.deepEqual(Object.keys(store.snapshot().links), ['org-1']);
    await assert.rejects(
      store.updateState(async (draft) => {
        draft.links['org-2'] = link('org-2');
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.deepEqual(Object.keys(store.snapshot().links), ['org-1']);
  });

  it('finishes queued updates on close and refuses later ones', async () => {
    const store = createMemoryStore();
    const queued = store.updateState((draft) => {
      draft.links['org-1'] = link('org-1');
    });
    await store.close();
    await store.close();
    await queued;
    assert.deepEqual(Object.keys(store.snapshot().links), ['org-1']);
    await assert.rejects(
      store.updateState(() => undefined),
      /is closed/,
    );
  });
});
