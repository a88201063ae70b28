import assert from 'node:assert/strict';
import type { ChangeEvent } from '../../../src/domain/changeEvent';
import type { OutboxEntry } from '../../../src/domain/model';
import { outboxEntriesFor, outboxKey, type Recipient } from '../../../src/domain/notifications';
import { PendingOutbox } from '../../../src/notifications/pendingOutbox';

function event(id: string, at: string): ChangeEvent {
  return { id, kind: 'billing.remove', organization: { id: 'org', name: 'contoso-web' }, from: { id: 'sub', name: 'PAYG' }, actor: { id: 'actor', name: 'Alex Wilber' }, at };
}

const ADELE: Recipient = { id: 'adele', tenantId: 't', card: 'change' };
const PATTI: Recipient = { id: 'patti', tenantId: 't', card: 'change' };

describe('The pending outbox index', () => {
  /** The outbox as the store holds it, by key. */
  let outbox: Map<string, OutboxEntry>;

  beforeEach(() => {
    outbox = new Map();
  });

  function queue(id: string, at: string, recipients: readonly Recipient[]): OutboxEntry[] {
    const entries = outboxEntriesFor(event(id, at), recipients, at);
    for (const entry of entries) outbox.set(entry.key, entry);
    return entries;
  }

  /** What the dispatcher's write of a delivery leaves in the store, told to the index as it would be. */
  function deliver(index: PendingOutbox, key: string, at: string): void {
    const entry = outbox.get(key);
    assert.ok(entry);
    const delivered: OutboxEntry = { ...entry, status: 'delivered', attempts: entry.attempts + 1, finishedAt: at, conversationId: 'chat' };
    outbox.set(key, delivered);
    index.settle(key, delivered);
  }

  it('offers each person their oldest pending notification, whatever order the store lists them in', () => {
    queue('later', '2026-11-26T10:00:00.000Z', [ADELE, PATTI]);
    queue('earlier', '2026-11-26T09:00:00.000Z', [ADELE]);
    const index = PendingOutbox.of(outbox.values());
    assert.equal(index.size, 3);
    const heads = index.heads().map((e) => e.key).sort();
    assert.deepEqual(heads, [outboxKey('earlier', 'adele'), outboxKey('later', 'patti')]);
  });

  it('moves on to a person\'s next notification once one is no longer pending, and forgets people with none left', () => {
    queue('first', '2026-11-26T09:00:00.000Z', [ADELE, PATTI]);
    queue('second', '2026-11-26T09:05:00.000Z', [ADELE]);
    const index = PendingOutbox.of(outbox.values());
    deliver(index, outboxKey('first', 'adele'), '2026-11-26T09:06:00.000Z');
    deliver(index, outboxKey('first', 'patti'), '2026-11-26T09:06:00.000Z');
    assert.deepEqual(index.heads().map((e) => e.key), [outboxKey('second', 'adele')]);
    assert.equal(index.size, 1);
    outbox.delete(outboxKey('second', 'adele'));
    index.settle(outboxKey('second', 'adele'), undefined);
    assert.deepEqual(index.heads(), []);
    assert.equal(index.size, 0);
  });

  it('offers a notification to retry as the store now holds it, still first in line', () => {
    queue('first', '2026-11-26T09:00:00.000Z', [ADELE]);
    queue('second', '2026-11-26T09:05:00.000Z', [ADELE]);
    const index = PendingOutbox.of(outbox.values());
    const key = outboxKey('first', 'adele');
    const head = outbox.get(key);
    assert.ok(head);
    index.settle(key, { ...head, attempts: 1, notBefore: '2026-11-26T09:10:00.000Z', lastError: '503: busy' });
    assert.deepEqual(index.heads().map((e) => [e.key, e.attempts, e.notBefore]), [[key, 1, '2026-11-26T09:10:00.000Z']]);
    assert.equal(index.size, 2);
  });

  it('adds what was just queued, in age order, and ignores entries it has or that are not pending', () => {
    const index = PendingOutbox.of(outbox.values());
    const late = queue('late', '2026-11-26T10:00:00.000Z', [ADELE]);
    index.add(late);
    // A change made earlier whose notifications were queued later (the notifier ran after a restart).
    const early = queue('early', '2026-11-26T08:00:00.000Z', [ADELE]);
    const [finished] = outboxEntriesFor(event('finished', '2026-11-26T07:00:00.000Z'), [ADELE], '2026-11-26T07:00:00.000Z').map((e): OutboxEntry => ({ ...e, status: 'delivered' }));
    index.add([...early, ...late, finished, undefined]);
    assert.equal(index.size, 2);
    assert.deepEqual(index.heads().map((e) => e.key), [outboxKey('early', 'adele')]);
    deliver(index, outboxKey('early', 'adele'), '2026-11-26T10:01:00.000Z');
    assert.deepEqual(index.heads().map((e) => e.key), [outboxKey('late', 'adele')]);
  });
});
