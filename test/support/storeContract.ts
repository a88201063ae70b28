import assert from 'node:assert/strict';
import type { ChangeEvent } from '../../src/domain/changeEvent';
import type {
  AccessFlow, AuditEntry, BillingLink, DirectoryOverlay, Flow, ManagerFlow, OrganizationQuantities, OutboxEntry, PaidQuantities, PurchaseFlow,
  ReachRecord, RecordedManager, StoredConversationReference,
} from '../../src/domain/model';
import { Refused } from '../../src/domain/outcome';
import { StateWriteError, type FlowReader, type FlowRepository, type ReadTransaction, type Store, type StoredFlow, type Transaction } from '../../src/domain/ports/store';

/**
 * The contract of the store port (src/domain/ports/store.ts), written once and run against every
 * implementation. The assertions go through `Store` only: what one implementation keeps underneath
 * is none of the suite's business, so that a store over a network service passes or fails the same
 * tests as the embedded ones.
 */
export interface StoreImplementation<S extends Store> {
  /** A new, empty store. The suite closes every store it opened after each test. */
  open(): Promise<S>;
  /** Closes `store` and opens the same storage again, as a restarted process would. */
  reopen?(store: S): Promise<S>;
  /** Why there is no `reopen`, for the name of the skipped test. */
  noRestartReason?: string;
  /**
   * Makes the storage refuse the next write, as a full or read-only disk would. May return a way to
   * make it accept writes again; the suite calls it once the refused write is over.
   */
  failNextWrite?(store: S): void | Promise<void | (() => Promise<void>)>;
  /** How failNextWrite makes the write fail, for the test's name. */
  writeFailureDescription?: string;
  /** Why there is no `failNextWrite`, for the name of the skipped test. */
  noWriteFailureReason?: string;
}

/** Keys that plain object indexing would answer with Object.prototype's members. */
export const HOSTILE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;

const T0 = Date.parse('2025-03-03T09:00:00.000Z');

/** An ISO time `minutes` after the suite's reference moment (before it when negative). */
function at(minutes: number): string {
  return new Date(T0 + minutes * 60_000).toISOString();
}

const SUB_A = '0b8f2c1e-5d7a-4e36-9c41-7a2b9d3e1f01';
const SUB_B = '6c3d9a4f-1e2b-4c58-8d7e-2f4a6b8c0d12';
const SUB_C = 'a1e4b7c2-9d3f-4a65-b8e1-3c5d7f9a2b23';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const ALICE = 'aad-3f2a9c1e-alice';
const BOB = 'aad-8b7d6e5f-bob';
const CAROL = 'aad-1c2d3e4f-carol';

function link(organizationId: string, over: Partial<BillingLink> = {}): BillingLink {
  return { organizationId, subscriptionId: SUB_A, linkedBy: ALICE, linkedAt: at(0), ...over };
}

function paid(over: Partial<Record<keyof PaidQuantities, number>> = {}): PaidQuantities {
  return { basicUsers: 0, basicTestPlansUsers: 0, microsoftHostedJobs: 0, selfHostedJobs: 0, artifactsGiB: 0, ...over };
}

function quantities(over: Partial<Record<keyof PaidQuantities, number>>, changedBy = ALICE, changedAt = at(5)): OrganizationQuantities {
  return { paid: paid(over), changedBy, changedAt };
}

function flow(id: string, over: Partial<Flow> = {}): Flow {
  return {
    id, kind: 'setup', ownerId: ALICE, tenantId: TENANT, conversationId: `a:1conv-${ALICE}`, createdAt: at(0), expiresAt: at(15), status: 'open',
    organizationId: 'fabrikam-eng', ...over,
  };
}

function purchase(id: string, over: Partial<PurchaseFlow> = {}): PurchaseFlow {
  return {
    id, ownerId: ALICE, tenantId: TENANT, conversationId: `a:1conv-${ALICE}`, createdAt: at(0), expiresAt: at(15), status: 'open',
    organizationId: 'fabrikam-eng', requested: paid({ basicUsers: 5 }), basedOn: paid(), ...over,
  };
}

function managerFlow(id: string, over: Partial<ManagerFlow> = {}): ManagerFlow {
  return {
    id, kind: 'add', ownerId: ALICE, tenantId: TENANT, conversationId: `a:1conv-${ALICE}`, createdAt: at(0), expiresAt: at(15), status: 'open',
    organizationId: 'fabrikam-eng', principalId: BOB, role: 'Contributor', ...over,
  };
}

function accessFlow(id: string, over: Partial<AccessFlow> = {}): AccessFlow {
  return {
    id, ownerId: ALICE, tenantId: TENANT, conversationId: `a:1conv-${ALICE}`, createdAt: at(0), expiresAt: at(15), status: 'open',
    organizationId: 'fabrikam-eng', page: 1, selected: [BOB], ...over,
  };
}

function manager(principalId: string, over: Partial<RecordedManager> = {}): RecordedManager {
  return { principalId, subscriptionId: SUB_A, role: 'Contributor', addedBy: ALICE, addedAt: at(3), ...over };
}

function audit(id: string, organizationId: string, minutes: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return { id, at: at(minutes), actorId: ALICE, action: 'billing.setup', organizationId, toSubscriptionId: SUB_A, ...over };
}

function changeEvent(id: string, organizationId = 'fabrikam-eng'): ChangeEvent {
  return {
    id, kind: 'billing.change', organization: { id: organizationId, name: organizationId }, actor: { id: ALICE, name: 'Alice Example' }, at: at(1),
    from: { id: SUB_A, name: 'Engineering (pay-as-you-go)' }, to: { id: SUB_B, name: 'Platform' },
  };
}

function outboxEntry(eventId: string, recipientId: string, createdMinutes: number, over: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    key: `${eventId}/${recipientId}`, recipientId, tenantId: TENANT, card: 'change', event: changeEvent(eventId), createdAt: at(createdMinutes),
    status: 'pending', attempts: 0, ...over,
  };
}

function conversation(conversationId: string, over: Partial<StoredConversationReference> = {}): StoredConversationReference {
  return {
    conversationId, userId: `29:1user-${conversationId}`, aadObjectId: ALICE, tenantId: TENANT, conversationType: 'personal',
    serviceUrl: 'https://smba.trafficmanager.net/emea/', channelId: 'msteams', botId: '28:bot-app-id', updatedAt: at(2), ...over,
  };
}

function reachRecord(over: Partial<ReachRecord> = {}): ReachRecord {
  return { status: 'delivered', at: at(4), ...over };
}

const byKey = <T>(key: (item: T) => string) => (a: T, b: T): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

function sortedBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort(byKey(key));
}

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets other queued work run, so that transactions really interleave if the store lets them. */
function yieldToOthers(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const TIMED_OUT: unique symbol = Symbol('timed out');

async function within<T>(ms: number, promise: Promise<T>): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes to several repositories: what the atomicity tests expect to find nowhere afterwards. */
async function writeAcrossRepositories(tx: Transaction, organizationId: string): Promise<void> {
  await tx.links.put(link(organizationId, { subscriptionId: SUB_C }));
  await tx.audit.append(audit(`audit-${organizationId}`, organizationId, 10));
  await tx.outbox.put(outboxEntry(`evt-${organizationId}`, BOB, 10));
  await tx.flows.put(flow(`flow-${organizationId}`, { organizationId }));
  await tx.quantities.put(organizationId, quantities({ basicUsers: 9 }));
  await tx.managers.put(organizationId, manager(CAROL));
  await tx.conversations.put(conversation(`conv-${organizationId}`));
  await tx.reach.put(`aad-reach-${organizationId}`, reachRecord());
}

/** Asserts that nothing writeAcrossRepositories(…, organizationId) wrote is visible. */
async function assertNothingOf(tx: ReadTransaction, organizationId: string): Promise<void> {
  assert.equal(await tx.links.get(organizationId), undefined, 'the link');
  assert.ok(!(await tx.links.listBySubscriptions(new Set([SUB_C]))).some((l) => l.organizationId === organizationId), 'the link by subscription');
  assert.deepEqual(await tx.audit.listOf(organizationId), [], 'the audit entry');
  assert.equal(await tx.outbox.get(`evt-${organizationId}/${BOB}`), undefined, 'the outbox entry');
  assert.ok(!(await tx.outbox.listPendingFor(BOB)).some((e) => e.key === `evt-${organizationId}/${BOB}`), 'the pending outbox entry');
  assert.equal(await tx.flows.get(`flow-${organizationId}`), undefined, 'the flow');
  assert.equal(await tx.quantities.get(organizationId), undefined, 'the quantities');
  assert.deepEqual(await tx.managers.listOf(organizationId), [], 'the manager');
  assert.equal(await tx.conversations.get(`conv-${organizationId}`), undefined, 'the conversation');
  assert.equal(await tx.reach.get(`aad-reach-${organizationId}`), undefined, 'the reach record');
}

async function assertAllOf(tx: ReadTransaction, organizationId: string): Promise<void> {
  assert.deepEqual(await tx.links.get(organizationId), link(organizationId, { subscriptionId: SUB_C }));
  assert.deepEqual(await tx.audit.listOf(organizationId), [audit(`audit-${organizationId}`, organizationId, 10)]);
  assert.deepEqual(await tx.outbox.get(`evt-${organizationId}/${BOB}`), outboxEntry(`evt-${organizationId}`, BOB, 10));
  assert.deepEqual(await tx.flows.get(`flow-${organizationId}`), flow(`flow-${organizationId}`, { organizationId }));
  assert.deepEqual(await tx.quantities.get(organizationId), quantities({ basicUsers: 9 }));
  assert.deepEqual(await tx.managers.listOf(organizationId), [manager(CAROL)]);
  assert.deepEqual(await tx.conversations.get(`conv-${organizationId}`), conversation(`conv-${organizationId}`));
  assert.deepEqual(await tx.reach.get(`aad-reach-${organizationId}`), reachRecord());
}

export function describeStoreContract<S extends Store>(name: string, impl: StoreImplementation<S>): void {
  describe(`Store contract: ${name}`, () => {
    let opened: S[] = [];

    async function open(): Promise<S> {
      const store = await impl.open();
      opened.push(store);
      return store;
    }

    afterEach(async () => {
      const stores = opened;
      opened = [];
      // Closed in reverse, so that a reopened store is closed before the one it replaced (already closed).
      for (const store of stores.reverse()) await store.close();
    });

    /** The store restarted, or undefined where the implementation cannot restart. */
    async function restarted(store: S): Promise<S | undefined> {
      if (!impl.reopen) return undefined;
      const again = await impl.reopen(store);
      opened.push(again);
      return again;
    }

    /** Runs `attempt` with the next write refused, then lets writes through again. */
    async function withRefusedWrite<T>(store: S, attempt: () => Promise<T>): Promise<T> {
      assert.ok(impl.failNextWrite);
      const undo = await impl.failNextWrite(store);
      try {
        return await attempt();
      } finally {
        if (undo) await undo();
      }
    }

    const writeFailureTitle = (what: string): string =>
      impl.failNextWrite
        ? `${what}${impl.writeFailureDescription ? ` (${impl.writeFailureDescription})` : ''}`
        : `${what} (skipped: ${impl.noWriteFailureReason ?? 'the implementation offers no way to refuse a write'})`;
    const itWithWriteFailure = (what: string, test: () => Promise<void>): void => {
      (impl.failNextWrite ? it : it.skip)(writeFailureTitle(what), test);
    };
    const restartTitle = (what: string): string =>
      impl.reopen ? what : `${what} (skipped: ${impl.noRestartReason ?? 'the implementation cannot be restarted'})`;
    const itWithRestart = (what: string, test: () => Promise<void>): void => {
      (impl.reopen ? it : it.skip)(restartTitle(what), test);
    };

    describe('atomicity', () => {
      it('a transaction that writes several repositories and then throws leaves none of it, and its error reaches the caller unchanged', async () => {
        const store = await open();
        await store.transaction(async (tx) => {
          await tx.links.put(link('contoso'));
          await tx.audit.append(audit('audit-contoso', 'contoso', 0));
        });
        const thrown = new Error('the directory said no halfway through');
        await assert.rejects(
          store.transaction(async (tx) => {
            await writeAcrossRepositories(tx, 'fabrikam-eng');
            await tx.links.put(link('contoso', { subscriptionId: SUB_B, changedBy: BOB, changedAt: at(9) }));
            await tx.audit.append(audit('audit-contoso-2', 'contoso', 9, { action: 'billing.change' }));
            // The transaction sees its own writes before it fails.
            await assertAllOf(tx, 'fabrikam-eng');
            throw thrown;
          }),
          (error: unknown) => {
            assert.equal(error, thrown, 'the very error thrown inside, not a wrapper');
            return true;
          },
        );
        await store.read(async (tx) => {
          await assertNothingOf(tx, 'fabrikam-eng');
          assert.deepEqual(await tx.links.get('contoso'), link('contoso'), 'a committed record the transaction changed is as it was');
          assert.deepEqual(await tx.audit.listOf('contoso'), [audit('audit-contoso', 'contoso', 0)]);
        });
        // And nothing of it is written later, with the next commit.
        await store.transaction(async (tx) => tx.reach.put(ALICE, reachRecord()));
        await store.read((tx) => assertNothingOf(tx, 'fabrikam-eng'));
      });

      it('a Refused thrown inside rolls the transaction back and reaches the caller as that same Refused', async () => {
        const store = await open();
        const refused = new Refused({ code: 'already-linked', message: 'fabrikam-eng already has billing set up; use "change billing" instead.' });
        await assert.rejects(
          store.transaction(async (tx) => {
            await writeAcrossRepositories(tx, 'fabrikam-eng');
            throw refused;
          }),
          (error: unknown) => {
            assert.equal(error, refused);
            assert.ok(error instanceof Refused);
            assert.equal(error.problem.code, 'already-linked');
            return true;
          },
        );
        await store.read((tx) => assertNothingOf(tx, 'fabrikam-eng'));
      });

      it('a transaction that throws fails alone: the transactions around it still commit', async () => {
        const store = await open();
        const thrown = new Error('refused in the middle');
        const results = await Promise.allSettled([
          store.transaction(async (tx) => tx.links.put(link('first'))),
          store.transaction(async (tx) => {
            await writeAcrossRepositories(tx, 'fabrikam-eng');
            throw thrown;
          }),
          store.transaction(async (tx) => tx.links.put(link('third', { subscriptionId: SUB_B }))),
        ]);
        assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
        assert.equal((results[1] as PromiseRejectedResult).reason, thrown);
        await store.read(async (tx) => {
          assert.deepEqual(await tx.links.get('first'), link('first'));
          assert.deepEqual(await tx.links.get('third'), link('third', { subscriptionId: SUB_B }));
          await assertNothingOf(tx, 'fabrikam-eng');
        });
      });
    });

    describe('write failures', () => {
      itWithWriteFailure('a write the storage refuses rejects with StateWriteError and leaves nothing', async () => {
        const store = await open();
        await store.transaction(async (tx) => tx.links.put(link('contoso')));
        await withRefusedWrite(store, async () => {
          await assert.rejects(
            store.transaction(async (tx) => {
              await writeAcrossRepositories(tx, 'fabrikam-eng');
              await tx.links.delete('contoso');
            }),
            (error: unknown) => {
              assert.ok(error instanceof StateWriteError, `expected a StateWriteError, got ${String(error)}`);
              return true;
            },
          );
          await store.read(async (tx) => {
            await assertNothingOf(tx, 'fabrikam-eng');
            assert.deepEqual(await tx.links.get('contoso'), link('contoso'), 'the previous state is intact');
          });
        });
        // The store goes on: the next transaction commits, and the refused one stays absent.
        await store.transaction(async (tx) => tx.links.put(link('northwind', { subscriptionId: SUB_B })));
        await store.read(async (tx) => {
          await assertNothingOf(tx, 'fabrikam-eng');
          assert.deepEqual(await tx.links.get('northwind'), link('northwind', { subscriptionId: SUB_B }));
        });
        const again = await restarted(store);
        if (again) {
          await again.read(async (tx) => {
            await assertNothingOf(tx, 'fabrikam-eng');
            assert.deepEqual(await tx.links.get('contoso'), link('contoso'));
            assert.deepEqual(await tx.links.get('northwind'), link('northwind', { subscriptionId: SUB_B }));
          });
        }
      });

      itWithWriteFailure('concurrent transactions caught by a refused write each either commit whole or fail with StateWriteError and leave nothing', async () => {
        const store = await open();
        const organizations = ['org-1', 'org-2', 'org-3'];
        const results = await withRefusedWrite(store, () =>
          Promise.allSettled(organizations.map((organizationId) => store.transaction((tx) => writeOne(tx, organizationId)))),
        );
        assert.ok(results.some((r) => r.status === 'rejected'), 'the refused write failed at least one transaction');
        async function writeOne(tx: Transaction, organizationId: string): Promise<void> {
          await tx.links.put(link(organizationId));
          await tx.audit.append(audit(`audit-${organizationId}`, organizationId, 1));
        }
        const check = async (target: Store): Promise<void> => {
          await target.read(async (tx) => {
            for (const [index, organizationId] of organizations.entries()) {
              const result = results[index];
              assert.ok(result);
              if (result.status === 'rejected') {
                assert.ok(result.reason instanceof StateWriteError, `expected a StateWriteError, got ${String(result.reason)}`);
                assert.equal(await tx.links.get(organizationId), undefined);
                assert.deepEqual(await tx.audit.listOf(organizationId), []);
              } else {
                assert.deepEqual(await tx.links.get(organizationId), link(organizationId));
                assert.deepEqual(await tx.audit.listOf(organizationId), [audit(`audit-${organizationId}`, organizationId, 1)]);
              }
            }
          });
        };
        await check(store);
        const again = await restarted(store);
        if (again) await check(again);
      });
    });

    describe('concurrency', () => {
      it('50 concurrent read-modify-write increments of one quantities entry end at exactly 50', async () => {
        const store = await open();
        const increments = Array.from({ length: 50 }, (_, index) =>
          store.transaction(async (tx) => {
            const current = await tx.quantities.get('fabrikam-eng');
            await yieldToOthers();
            const users = current?.paid.basicUsers ?? 0;
            await tx.quantities.put('fabrikam-eng', quantities({ basicUsers: users + 1 }, `aad-user-${index}`, at(index)));
            return users + 1;
          }),
        );
        const seen = await Promise.all(increments);
        assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1), 'each transaction saw the one before it');
        const final = await store.read((tx) => tx.quantities.get('fabrikam-eng'));
        assert.equal(final?.paid.basicUsers, 50);
        const again = await restarted(store);
        if (again) assert.equal((await again.read((tx) => tx.quantities.get('fabrikam-eng')))?.paid.basicUsers, 50);
      });

      it('two transactions that each check for a link and put one if there is none: exactly one link, and the other sees it', async () => {
        const store = await open();
        const claim = (personId: string, subscriptionId: string) =>
          store.transaction(async (tx) => {
            const existing = await tx.links.get('fabrikam-eng');
            await yieldToOthers();
            if (existing) return { personId, put: false, saw: existing };
            await tx.links.put(link('fabrikam-eng', { subscriptionId, linkedBy: personId }));
            return { personId, put: true, saw: undefined };
          });
        const results = await Promise.all([claim(ALICE, SUB_A), claim(BOB, SUB_B)]);
        const winners = results.filter((r) => r.put);
        const losers = results.filter((r) => !r.put);
        assert.equal(winners.length, 1, 'exactly one transaction put a link');
        assert.equal(losers.length, 1);
        const winner = winners[0];
        assert.ok(winner);
        const expected = link('fabrikam-eng', { subscriptionId: winner.personId === ALICE ? SUB_A : SUB_B, linkedBy: winner.personId });
        assert.deepEqual(losers[0]?.saw, expected, "the other saw the winner's link");
        await store.read(async (tx) => {
          assert.deepEqual(await tx.links.get('fabrikam-eng'), expected);
          assert.deepEqual(await tx.links.listBySubscriptions(new Set([SUB_A, SUB_B])), [expected]);
        });
      });
    });

    describe('reads see committed data only', () => {
      it('a read made while a transaction is in progress does not see its writes; after the commit it does', async () => {
        const store = await open();
        await store.transaction(async (tx) => {
          await tx.links.put(link('contoso'));
          await tx.outbox.put(outboxEntry('evt-0', BOB, 0));
        });
        const written = deferred();
        const release = deferred();
        const transaction = store.transaction(async (tx) => {
          await writeAcrossRepositories(tx, 'fabrikam-eng');
          await tx.links.delete('contoso');
          await tx.outbox.put({ ...outboxEntry('evt-0', BOB, 0), status: 'delivered', attempts: 1, finishedAt: at(1) });
          written.resolve();
          await release.promise;
        });
        await written.promise;
        const during = await within(
          2000,
          store.read(async (tx) => {
            await assertNothingOf(tx, 'fabrikam-eng');
            assert.deepEqual(await tx.links.get('contoso'), link('contoso'), 'a record the transaction deletes is still there');
            assert.deepEqual(await tx.outbox.listPending(), [outboxEntry('evt-0', BOB, 0)], 'a record the transaction changes is as committed');
            return 'answered' as const;
          }).finally(() => release.resolve()),
        );
        release.resolve();
        await transaction;
        assert.equal(during, 'answered', 'a read must answer with the committed data while a transaction is open, not wait for it');
        await store.read(async (tx) => {
          await assertAllOf(tx, 'fabrikam-eng');
          assert.equal(await tx.links.get('contoso'), undefined);
          assert.deepEqual(await tx.outbox.listPending(), [outboxEntry('evt-fabrikam-eng', BOB, 10)]);
          assert.equal((await tx.outbox.get(`evt-0/${BOB}`))?.status, 'delivered');
        });
      });
    });

    describe('restart', () => {
      itWithRestart('a restarted store sees every committed transaction, deletions included, and nothing of a rolled-back one', async () => {
        const store = await open();
        await store.transaction((tx) => writeAcrossRepositories(tx, 'fabrikam-eng'));
        await store.transaction(async (tx) => {
          await tx.links.put(link('contoso'));
          await tx.links.put(link('northwind', { subscriptionId: SUB_B }));
          await tx.purchases.put(purchase('purchase-1'));
          await tx.managerFlows.put(managerFlow('mflow-1'));
          await tx.directoryOverlay.put({ granted: [{ subscriptionId: SUB_A, principalId: BOB, role: 'Contributor' }], revoked: [] });
          await tx.audit.append(audit('audit-contoso', 'contoso', 11));
        });
        await store.transaction(async (tx) => {
          await tx.links.delete('northwind');
          await tx.links.put(link('contoso', { subscriptionId: SUB_B, changedBy: BOB, changedAt: at(12) }));
          await tx.managers.delete('fabrikam-eng', CAROL);
          await tx.managers.put('fabrikam-eng', manager(BOB, { role: 'Owner' }));
          await tx.audit.append(audit('audit-contoso-2', 'contoso', 12, { action: 'billing.change', fromSubscriptionId: SUB_A, toSubscriptionId: SUB_B }));
        });
        await assert.rejects(
          store.transaction(async (tx) => {
            await writeAcrossRepositories(tx, 'rolled-back');
            throw new Error('rolled back');
          }),
        );
        const again = await restarted(store);
        assert.ok(again);
        await again.read(async (tx) => {
          assert.deepEqual(await tx.links.get('fabrikam-eng'), link('fabrikam-eng', { subscriptionId: SUB_C }));
          assert.deepEqual(await tx.links.get('contoso'), link('contoso', { subscriptionId: SUB_B, changedBy: BOB, changedAt: at(12) }));
          assert.equal(await tx.links.get('northwind'), undefined);
          assert.deepEqual(await tx.flows.get('flow-fabrikam-eng'), flow('flow-fabrikam-eng', { organizationId: 'fabrikam-eng' }));
          assert.deepEqual(await tx.purchases.get('purchase-1'), purchase('purchase-1'));
          assert.deepEqual(await tx.managerFlows.get('mflow-1'), managerFlow('mflow-1'));
          assert.deepEqual(await tx.managers.listOf('fabrikam-eng'), [manager(BOB, { role: 'Owner' })]);
          assert.deepEqual(await tx.quantities.get('fabrikam-eng'), quantities({ basicUsers: 9 }));
          assert.deepEqual(await tx.outbox.listPending(), [outboxEntry('evt-fabrikam-eng', BOB, 10)]);
          assert.deepEqual(await tx.conversations.list(), [conversation('conv-fabrikam-eng')]);
          assert.deepEqual(await tx.reach.get('aad-reach-fabrikam-eng'), reachRecord());
          assert.deepEqual(await tx.directoryOverlay.get(), { granted: [{ subscriptionId: SUB_A, principalId: BOB, role: 'Contributor' }], revoked: [] });
          assert.deepEqual(await tx.audit.listOf('contoso'), [
            audit('audit-contoso', 'contoso', 11),
            audit('audit-contoso-2', 'contoso', 12, { action: 'billing.change', fromSubscriptionId: SUB_A, toSubscriptionId: SUB_B }),
          ]);
          await assertNothingOf(tx, 'rolled-back');
        });
        // The restarted store goes on where the first left off.
        await again.transaction(async (tx) => tx.audit.append(audit('audit-contoso-3', 'contoso', 13, { action: 'billing.remove' })));
        assert.deepEqual((await again.read((tx) => tx.audit.listOf('contoso'))).map((entry) => entry.id), ['audit-contoso', 'audit-contoso-2', 'audit-contoso-3']);
      });
    });

    describe('repositories round-trip', () => {
      it('links: get, put (replacing), delete, listBySubscriptions', async () => {
        const store = await open();
        await store.transaction(async (tx) => {
          assert.equal(await tx.links.get('contoso'), undefined);
          await tx.links.put(link('contoso'));
          await tx.links.put(link('fabrikam-eng'));
          await tx.links.put(link('northwind', { subscriptionId: SUB_B }));
          await tx.links.put(link('tailspin', { subscriptionId: SUB_C }));
          assert.deepEqual(await tx.links.get('contoso'), link('contoso'));
        });
        await store.read(async (tx) => {
          assert.deepEqual(await tx.links.get('contoso'), link('contoso'));
          const of = async (...ids: string[]) => sortedBy(await tx.links.listBySubscriptions(new Set(ids)), (l) => l.organizationId).map((l) => l.organizationId);
          assert.deepEqual(await of(SUB_A), ['contoso', 'fabrikam-eng']);
          assert.deepEqual(await of(SUB_A, SUB_B), ['contoso', 'fabrikam-eng', 'northwind']);
          assert.deepEqual(await of(SUB_C, 'no-such-subscription'), ['tailspin']);
          assert.deepEqual(await of(), []);
        });
        const changed = link('contoso', { subscriptionId: SUB_B, changedBy: BOB, changedAt: at(30) });
        await store.transaction(async (tx) => {
          await tx.links.put(changed);
          await tx.links.delete('fabrikam-eng');
          await tx.links.delete('never-linked');
        });
        await store.read(async (tx) => {
          assert.deepEqual(await tx.links.get('contoso'), changed);
          assert.equal(await tx.links.get('fabrikam-eng'), undefined);
          assert.deepEqual(sortedBy(await tx.links.listBySubscriptions(new Set([SUB_B])), (l) => l.organizationId), [changed, link('northwind', { subscriptionId: SUB_B })]);
          assert.deepEqual(await tx.links.listBySubscriptions(new Set([SUB_A])), []);
        });
      });

      it('a value put is stored, not referenced: changing the object afterwards changes nothing', async () => {
        const store = await open();
        const mutable: { -readonly [K in keyof BillingLink]: BillingLink[K] } = link('contoso');
        const entry = outboxEntry('evt-1', BOB, 0);
        await store.transaction(async (tx) => {
          await tx.links.put(mutable);
          await tx.outbox.put(entry);
        });
        mutable.subscriptionId = SUB_C;
        entry.status = 'delivered';
        entry.attempts = 3;
        await store.read(async (tx) => {
          assert.deepEqual(await tx.links.get('contoso'), link('contoso'));
          assert.deepEqual(await tx.outbox.get('evt-1/' + BOB), outboxEntry('evt-1', BOB, 0));
        });
      });

      const flowRepositories: {
        name: string;
        reader: (tx: ReadTransaction) => FlowReader<StoredFlow>;
        writer: (tx: Transaction) => FlowRepository<StoredFlow>;
        make: (id: string, over: Partial<StoredFlow>) => StoredFlow;
      }[] = [
        { name: 'flows', reader: (tx) => tx.flows, writer: (tx) => tx.flows as unknown as FlowRepository<StoredFlow>, make: (id, over) => flow(id, over) },
        { name: 'purchases', reader: (tx) => tx.purchases, writer: (tx) => tx.purchases as unknown as FlowRepository<StoredFlow>, make: (id, over) => purchase(id, over) },
        { name: 'managerFlows', reader: (tx) => tx.managerFlows, writer: (tx) => tx.managerFlows as unknown as FlowRepository<StoredFlow>, make: (id, over) => managerFlow(id, over) },
        { name: 'accessFlows', reader: (tx) => tx.accessFlows, writer: (tx) => tx.accessFlows as unknown as FlowRepository<StoredFlow>, make: (id, over) => accessFlow(id, over) },
      ];
      for (const { name: repository, reader, writer, make } of flowRepositories) {
        it(`${repository}: get, put (replacing), delete, listOpenOf, listEndedBefore`, async () => {
          const store = await open();
          const cutoff = new Date(T0 + 60 * 60_000);
          const flows = {
            openExpired: make('open-expired', { expiresAt: at(20) }),
            openLive: make('open-live', { expiresAt: at(90) }),
            openOfBob: make('open-bob', { ownerId: BOB, conversationId: 'a:1conv-bob', expiresAt: at(20) }),
            completedBefore: make('completed-before', { status: 'completed', expiresAt: at(120), finishedAt: at(30) }),
            completedAfter: make('completed-after', { status: 'completed', expiresAt: at(20), finishedAt: at(70) }),
            cancelledBefore: make('cancelled-before', { status: 'cancelled', expiresAt: at(10), finishedAt: at(5) }),
          };
          await store.transaction(async (tx) => {
            for (const f of Object.values(flows)) await writer(tx).put(f);
          });
          await store.read(async (tx) => {
            const repo = reader(tx);
            for (const f of Object.values(flows)) assert.deepEqual(await repo.get(f.id), f);
            assert.equal(await repo.get('no-such-flow'), undefined);
            assert.deepEqual(sortedBy(await repo.listOpenOf(ALICE), (f) => f.id), [flows.openExpired, flows.openLive], 'open flows of Alice, expired or not');
            assert.deepEqual(await repo.listOpenOf(BOB), [flows.openOfBob]);
            assert.deepEqual(await repo.listOpenOf(CAROL), []);
            assert.deepEqual(
              sortedBy(await repo.listEndedBefore(cutoff), (f) => f.id).map((f) => f.id),
              ['cancelled-before', 'completed-before', 'open-bob', 'open-expired'],
              'expired open flows, and finished ones by when they finished',
            );
          });
          const done = { ...flows.openLive, status: 'completed' as const, finishedAt: at(40), outcome: 'Billing for fabrikam-eng is now paid by Platform.' };
          await store.transaction(async (tx) => {
            await writer(tx).put(done);
            await writer(tx).delete('open-expired');
            await writer(tx).delete('no-such-flow');
          });
          await store.read(async (tx) => {
            const repo = reader(tx);
            assert.deepEqual(await repo.get('open-live'), done);
            assert.equal(await repo.get('open-expired'), undefined);
            assert.deepEqual(await repo.listOpenOf(ALICE), []);
            assert.ok((await repo.listEndedBefore(cutoff)).some((f) => f.id === 'open-live'), 'a flow finished before the cutoff has ended');
          });
          // The three kinds of flows are kept apart.
          const others = flowRepositories.filter((r) => r.name !== repository);
          await store.read(async (tx) => {
            for (const other of others) assert.equal(await other.reader(tx).get('open-live'), undefined, `${other.name} does not hold ${repository}`);
          });
        });
      }

      it('quantities: get, put (replacing), delete back to the free tier', async () => {
        const store = await open();
        await store.transaction(async (tx) => {
          assert.equal(await tx.quantities.get('fabrikam-eng'), undefined);
          await tx.quantities.put('fabrikam-eng', quantities({ basicUsers: 5, microsoftHostedJobs: 2 }));
          await tx.quantities.put('contoso', quantities({ artifactsGiB: 8 }, BOB));
        });
        assert.deepEqual(await store.read((tx) => tx.quantities.get('fabrikam-eng')), quantities({ basicUsers: 5, microsoftHostedJobs: 2 }));
        await store.transaction(async (tx) => {
          await tx.quantities.put('fabrikam-eng', quantities({ basicUsers: 7 }, BOB, at(50)));
          await tx.quantities.delete('contoso');
          await tx.quantities.delete('never-bought');
        });
        await store.read(async (tx) => {
          assert.deepEqual(await tx.quantities.get('fabrikam-eng'), quantities({ basicUsers: 7 }, BOB, at(50)));
          assert.equal(await tx.quantities.get('contoso'), undefined);
        });
      });

      it('managers: listOf, put (replacing the same person), delete', async () => {
        const store = await open();
        await store.transaction(async (tx) => {
          assert.deepEqual(await tx.managers.listOf('fabrikam-eng'), []);
          await tx.managers.put('fabrikam-eng', manager(BOB));
          await tx.managers.put('fabrikam-eng', manager(CAROL, { role: 'Owner', subscriptionId: SUB_B }));
          await tx.managers.put('contoso', manager(BOB, { subscriptionId: SUB_C }));
        });
        await store.read(async (tx) => {
          assert.deepEqual(sortedBy(await tx.managers.listOf('fabrikam-eng'), (m) => m.principalId), sortedBy([manager(BOB), manager(CAROL, { role: 'Owner', subscriptionId: SUB_B })], (m) => m.principalId));
          assert.deepEqual(await tx.managers.listOf('contoso'), [manager(BOB, { subscriptionId: SUB_C })]);
          assert.deepEqual(await tx.managers.listOf('northwind'), []);
        });
        await store.transaction(async (tx) => {
          await tx.managers.put('fabrikam-eng', manager(BOB, { role: 'Owner', addedAt: at(60) }));
          await tx.managers.delete('fabrikam-eng', CAROL);
          await tx.managers.delete('fabrikam-eng', 'aad-nobody');
          await tx.managers.delete('northwind', BOB);
        });
        await store.read(async (tx) => {
          assert.deepEqual(await tx.managers.listOf('fabrikam-eng'), [manager(BOB, { role: 'Owner', addedAt: at(60) })]);
          assert.deepEqual(await tx.managers.listOf('contoso'), [manager(BOB, { subscriptionId: SUB_C })], 'another organization is untouched');
        });
      });

      it('outbox: get, put (replacing), delete; listPendingFor and listPending oldest first; listFinished', async () => {
        const store = await open();
        const newest = outboxEntry('evt-3', BOB, 30);
        const oldest = outboxEntry('evt-1', BOB, -30);
        const middle = outboxEntry('evt-2', BOB, 0, { attempts: 2, notBefore: at(5), lastError: 'HTTP 429 from the Bot Connector' });
        const carols = outboxEntry('evt-2', CAROL, 10, { card: 'welcome' });
        const delivered = outboxEntry('evt-0', BOB, -60, { status: 'delivered', attempts: 1, finishedAt: at(-59), conversationId: 'a:1conv-bob' });
        const failed = outboxEntry('evt-0', CAROL, -90, {
          status: 'failed', attempts: 1, finishedAt: at(-80), failure: { code: 'not-installed', reason: 'Carol has not installed the bot in Teams.' },
        });
        // Put newest first, so that insertion order and age disagree.
        await store.transaction(async (tx) => {
          await tx.outbox.put(newest);
          await tx.outbox.put(delivered);
          await tx.outbox.put(carols);
        });
        await store.transaction(async (tx) => {
          await tx.outbox.put(middle);
          await tx.outbox.put(failed);
          await tx.outbox.put(oldest);
        });
        await store.read(async (tx) => {
          assert.deepEqual(await tx.outbox.get(middle.key), middle);
          assert.equal(await tx.outbox.get('evt-9/aad-nobody'), undefined);
          assert.deepEqual(await tx.outbox.listPendingFor(BOB), [oldest, middle, newest]);
          assert.deepEqual(await tx.outbox.listPendingFor(CAROL), [carols]);
          assert.deepEqual(await tx.outbox.listPendingFor(ALICE), []);
          assert.deepEqual(await tx.outbox.listPending(), [oldest, middle, carols, newest]);
          assert.deepEqual(sortedBy(await tx.outbox.listFinished(), (e) => e.key), sortedBy([delivered, failed], (e) => e.key));
        });
        const sent = { ...middle, status: 'delivered' as const, attempts: 3, finishedAt: at(6), conversationId: 'a:1conv-bob' };
        await store.transaction(async (tx) => {
          await tx.outbox.put(sent);
          await tx.outbox.delete(failed.key);
          await tx.outbox.delete('evt-9/aad-nobody');
        });
        await store.read(async (tx) => {
          assert.deepEqual(await tx.outbox.get(middle.key), sent);
          assert.equal(await tx.outbox.get(failed.key), undefined);
          assert.deepEqual(await tx.outbox.listPendingFor(BOB), [oldest, newest]);
          assert.deepEqual(sortedBy(await tx.outbox.listFinished(), (e) => e.key), sortedBy([delivered, sent], (e) => e.key));
        });
      });

      it('audit: append, listOf in the order appended, per organization', async () => {
        const store = await open();
        await store.transaction(async (tx) => {
          assert.deepEqual(await tx.audit.listOf('contoso'), []);
          await tx.audit.append(audit('a1', 'contoso', 1));
          await tx.audit.append(audit('a2', 'fabrikam-eng', 2));
        });
        await store.transaction(async (tx) => {
          await tx.audit.append(audit('a3', 'contoso', 3, { action: 'quantities.purchase', fromQuantities: paid(), toQuantities: paid({ basicUsers: 5 }) }));
          await tx.audit.append(audit('a4', 'contoso', 4, { action: 'manager.add', principalId: BOB, subscriptionId: SUB_A, role: 'Contributor' }));
        });
        await store.read(async (tx) => {
          assert.deepEqual(await tx.audit.listOf('contoso'), [
            audit('a1', 'contoso', 1),
            audit('a3', 'contoso', 3, { action: 'quantities.purchase', fromQuantities: paid(), toQuantities: paid({ basicUsers: 5 }) }),
            audit('a4', 'contoso', 4, { action: 'manager.add', principalId: BOB, subscriptionId: SUB_A, role: 'Contributor' }),
          ]);
          assert.deepEqual(await tx.audit.listOf('fabrikam-eng'), [audit('a2', 'fabrikam-eng', 2)]);
          assert.deepEqual(await tx.audit.listOf('northwind'), []);
        });
      });

      it('directoryOverlay: empty at first, then get what was put', async () => {
        const store = await open();
        assert.deepEqual(await store.read((tx) => tx.directoryOverlay.get()), { granted: [], revoked: [] });
        const overlay: DirectoryOverlay = {
          granted: [{ subscriptionId: SUB_A, principalId: BOB, role: 'Contributor' }, { subscriptionId: SUB_B, principalId: CAROL, role: 'Owner' }],
          revoked: [{ subscriptionId: SUB_A, principalId: ALICE, role: 'Reader' }],
        };
        await store.transaction((tx) => tx.directoryOverlay.put(overlay));
        assert.deepEqual(await store.read((tx) => tx.directoryOverlay.get()), overlay);
        await store.transaction((tx) => tx.directoryOverlay.put({ granted: [], revoked: overlay.revoked }));
        assert.deepEqual(await store.read((tx) => tx.directoryOverlay.get()), { granted: [], revoked: overlay.revoked });
      });

      it('conversations: put (replacing), get, list, delete', async () => {
        const store = await open();
        await store.transaction(async (tx) => {
          assert.deepEqual(await tx.conversations.list(), []);
          await tx.conversations.put(conversation('a:1personal-alice'));
          await tx.conversations.put(conversation('19:channel@thread.tacv2', { conversationType: 'channel', aadObjectId: undefined, userId: undefined }));
        });
        const welcomed = { ...conversation('a:1personal-alice', { updatedAt: at(40) }), welcomedAt: at(41) };
        await store.transaction(async (tx) => {
          await tx.conversations.put(welcomed);
          await tx.conversations.put(conversation('a:1personal-bob', { aadObjectId: BOB }));
        });
        await store.read(async (tx) => {
          assert.deepEqual(await tx.conversations.get('a:1personal-alice'), welcomed);
          const channel = await tx.conversations.get('19:channel@thread.tacv2');
          assert.equal(channel?.conversationType, 'channel');
          assert.equal(channel?.aadObjectId, undefined);
          assert.deepEqual(sortedBy(await tx.conversations.list(), (c) => c.conversationId).map((c) => c.conversationId), ['19:channel@thread.tacv2', 'a:1personal-alice', 'a:1personal-bob']);
        });
        await store.transaction(async (tx) => {
          await tx.conversations.delete('a:1personal-bob');
          await tx.conversations.delete('a:1never-seen');
        });
        await store.read(async (tx) => {
          assert.equal(await tx.conversations.get('a:1personal-bob'), undefined);
          assert.equal((await tx.conversations.list()).length, 2);
        });
      });

      it('conversations: listByPerson finds one person\'s chats, as saved now, and none of anyone else\'s', async () => {
        const store = await open();
        await store.transaction(async (tx) => {
          await tx.conversations.put(conversation('a:1personal-alice'));
          await tx.conversations.put(conversation('a:1personal-bob', { aadObjectId: BOB }));
          await tx.conversations.put(conversation('19:channel@thread.tacv2', { conversationType: 'channel', aadObjectId: undefined, userId: undefined }));
          assert.deepEqual((await tx.conversations.listByPerson(BOB)).map((c) => c.conversationId), ['a:1personal-bob'], 'a transaction sees its own');
        });
        await store.transaction(async (tx) => {
          await tx.conversations.put(conversation('a:1second-alice', { updatedAt: at(50) }));
          // The chat is now someone else's: it is no longer Alice's.
          await tx.conversations.put(conversation('a:1personal-alice', { aadObjectId: CAROL }));
        });
        await store.read(async (tx) => {
          assert.deepEqual((await tx.conversations.listByPerson(ALICE)).map((c) => c.conversationId), ['a:1second-alice']);
          assert.deepEqual(sortedBy(await tx.conversations.listByPerson(CAROL), (c) => c.conversationId).map((c) => c.conversationId), ['a:1personal-alice']);
          assert.deepEqual(await tx.conversations.listByPerson('aad-nobody'), []);
        });
        await store.transaction((tx) => tx.conversations.delete('a:1personal-bob'));
        await store.read(async (tx) => assert.deepEqual(await tx.conversations.listByPerson(BOB), []));
      });

      it('reach: put (replacing), get, delete', async () => {
        const store = await open();
        const unreachable = reachRecord({ status: 'unreachable', at: at(20), failure: { code: 'blocked', reason: 'Bob blocked the bot.' } });
        await store.transaction(async (tx) => {
          assert.equal(await tx.reach.get(BOB), undefined);
          await tx.reach.put(BOB, reachRecord());
          await tx.reach.put(CAROL, reachRecord({ at: at(1) }));
        });
        assert.deepEqual(await store.read((tx) => tx.reach.get(BOB)), reachRecord());
        await store.transaction(async (tx) => {
          await tx.reach.put(BOB, unreachable);
          await tx.reach.delete(CAROL);
          await tx.reach.delete('aad-nobody');
        });
        await store.read(async (tx) => {
          assert.deepEqual(await tx.reach.get(BOB), unreachable);
          assert.equal(await tx.reach.get(CAROL), undefined);
        });
      });

      it('changeEvents: a new store has none, and deleting an absent one is a no-op', async () => {
        const store = await open();
        assert.deepEqual(await store.read((tx) => tx.changeEvents.list()), []);
        await store.transaction((tx) => tx.changeEvents.delete('evt-never'));
        assert.deepEqual(await store.read((tx) => tx.changeEvents.list()), []);
      });

      it('changeEvents: put (as a state moved from another store), list, delete', async () => {
        const store = await open();
        await store.transaction(async (tx) => {
          await tx.changeEvents.put(changeEvent('evt-1'));
          await tx.changeEvents.put(changeEvent('evt-2', 'contoso'));
        });
        assert.deepEqual(sortedBy(await store.read((tx) => tx.changeEvents.list()), (e) => e.id), [changeEvent('evt-1'), changeEvent('evt-2', 'contoso')]);
        await store.transaction((tx) => tx.changeEvents.delete('evt-1'));
        assert.deepEqual(await store.read((tx) => tx.changeEvents.list()), [changeEvent('evt-2', 'contoso')]);
      });
    });

    describe('hostile keys', () => {
      it('absent keys named like Object.prototype members read as absent, in reads and in transactions', async () => {
        const store = await open();
        const check = async (tx: ReadTransaction): Promise<void> => {
          for (const key of HOSTILE_KEYS) {
            assert.equal(await tx.links.get(key), undefined, `links.get(${key})`);
            assert.equal(await tx.flows.get(key), undefined, `flows.get(${key})`);
            assert.equal(await tx.purchases.get(key), undefined, `purchases.get(${key})`);
            assert.equal(await tx.managerFlows.get(key), undefined, `managerFlows.get(${key})`);
            assert.equal(await tx.quantities.get(key), undefined, `quantities.get(${key})`);
            assert.deepEqual(await tx.managers.listOf(key), [], `managers.listOf(${key})`);
            assert.equal(await tx.outbox.get(key), undefined, `outbox.get(${key})`);
            assert.equal(await tx.reach.get(key), undefined, `reach.get(${key})`);
            assert.equal(await tx.conversations.get(key), undefined, `conversations.get(${key})`);
            assert.deepEqual(await tx.audit.listOf(key), [], `audit.listOf(${key})`);
          }
        };
        await store.read(check);
        await store.transaction(check);
        // With ordinary entries present too.
        await store.transaction((tx) => writeAcrossRepositories(tx, 'fabrikam-eng'));
        await store.read(check);
        await store.transaction(check);
      });

      it('ids like __proto__, constructor and toString are stored and read back as ordinary entries, deleted as such, and survive a restart', async () => {
        let store: S = await open();
        await store.transaction(async (tx) => {
          for (const key of HOSTILE_KEYS) {
            await tx.links.put(link(key, { subscriptionId: SUB_B }));
            await tx.flows.put(flow(key, { organizationId: key }));
            await tx.purchases.put(purchase(key, { organizationId: key }));
            await tx.managerFlows.put(managerFlow(key, { organizationId: key, principalId: key }));
            await tx.quantities.put(key, quantities({ basicUsers: 3 }));
            await tx.managers.put(key, manager(key));
            await tx.outbox.put({ ...outboxEntry('evt-h', BOB, 0), key });
            await tx.reach.put(key, reachRecord());
            await tx.conversations.put(conversation(key));
            await tx.audit.append(audit(`audit-${key}`, key, 0));
          }
          // Read back inside the transaction that wrote them.
          assert.deepEqual(await tx.links.get('__proto__'), link('__proto__', { subscriptionId: SUB_B }));
          assert.deepEqual(await tx.managers.listOf('constructor'), [manager('constructor')]);
        });
        const check = async (target: Store): Promise<void> => {
          await target.read(async (tx) => {
            for (const key of HOSTILE_KEYS) {
              assert.deepEqual(await tx.links.get(key), link(key, { subscriptionId: SUB_B }), `links.get(${key})`);
              assert.deepEqual(await tx.flows.get(key), flow(key, { organizationId: key }), `flows.get(${key})`);
              assert.deepEqual(await tx.purchases.get(key), purchase(key, { organizationId: key }), `purchases.get(${key})`);
              assert.deepEqual(await tx.managerFlows.get(key), managerFlow(key, { organizationId: key, principalId: key }), `managerFlows.get(${key})`);
              assert.deepEqual(await tx.quantities.get(key), quantities({ basicUsers: 3 }), `quantities.get(${key})`);
              assert.deepEqual(await tx.managers.listOf(key), [manager(key)], `managers.listOf(${key})`);
              assert.deepEqual(await tx.outbox.get(key), { ...outboxEntry('evt-h', BOB, 0), key }, `outbox.get(${key})`);
              assert.deepEqual(await tx.reach.get(key), reachRecord(), `reach.get(${key})`);
              assert.deepEqual(await tx.conversations.get(key), conversation(key), `conversations.get(${key})`);
              assert.deepEqual(await tx.audit.listOf(key), [audit(`audit-${key}`, key, 0)], `audit.listOf(${key})`);
            }
            const ids = (items: readonly { organizationId: string }[]) => items.map((i) => i.organizationId).sort();
            assert.deepEqual(ids(await tx.links.listBySubscriptions(new Set([SUB_B]))), [...HOSTILE_KEYS].sort());
            assert.deepEqual((await tx.conversations.list()).map((c) => c.conversationId).sort(), [...HOSTILE_KEYS].sort());
            assert.deepEqual(sortedBy(await tx.flows.listOpenOf(ALICE), (f) => f.id).map((f) => f.id), [...HOSTILE_KEYS].sort());
            assert.equal((await tx.outbox.listPending()).length, HOSTILE_KEYS.length);
            assert.equal(await tx.links.get('hasOwnProperty-not'), undefined);
          });
        };
        await check(store);
        const again = await restarted(store);
        if (again) {
          await check(again);
          store = again;
        }
        await store.transaction(async (tx) => {
          for (const key of HOSTILE_KEYS) {
            await tx.links.delete(key);
            await tx.flows.delete(key);
            await tx.quantities.delete(key);
            await tx.managers.delete(key, key);
            await tx.outbox.delete(key);
            await tx.reach.delete(key);
            await tx.conversations.delete(key);
          }
        });
        const checkDeleted = async (target: Store): Promise<void> => {
          await target.read(async (tx) => {
            for (const key of HOSTILE_KEYS) {
              assert.equal(await tx.links.get(key), undefined, `links.get(${key}) after delete`);
              assert.equal(await tx.flows.get(key), undefined, `flows.get(${key}) after delete`);
              assert.equal(await tx.quantities.get(key), undefined, `quantities.get(${key}) after delete`);
              assert.deepEqual(await tx.managers.listOf(key), [], `managers.listOf(${key}) after delete`);
              assert.equal(await tx.outbox.get(key), undefined, `outbox.get(${key}) after delete`);
              assert.equal(await tx.reach.get(key), undefined, `reach.get(${key}) after delete`);
              assert.equal(await tx.conversations.get(key), undefined, `conversations.get(${key}) after delete`);
              assert.deepEqual(await tx.purchases.get(key), purchase(key, { organizationId: key }), 'purchases were not deleted');
            }
            assert.deepEqual(await tx.links.listBySubscriptions(new Set([SUB_B])), []);
            assert.deepEqual(await tx.conversations.list(), []);
          });
        };
        await checkDeleted(store);
        const third = await restarted(store);
        if (third) await checkDeleted(third);
      });
    });
  });
}
