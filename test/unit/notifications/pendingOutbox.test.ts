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

  it('knows when nothing can be due yet, so that a change queued while others wait starts no look at everyone', () => {
    const hold = 5_000;
    const index = PendingOutbox.of(outbox.values(), hold);
    assert.equal(index.nothingDueBefore(), Number.POSITIVE_INFINITY);
    index.add(queue('first', '2026-11-26T09:00:00.000Z', [ADELE]));
    index.add(queue('second', '2026-11-26T09:00:02.000Z', [PATTI]));
    // Lowered by every entry added: the first is held until five seconds after it was queued.
    assert.equal(index.nothingDueBefore(), Date.parse('2026-11-26T09:00:05.000Z'));
    // A pass looked at every head: nothing due yet, the first at that moment.
    assert.deepEqual(index.dueHeads(Date.parse('2026-11-26T09:00:04.000Z')), { due: [], firstDueAt: Date.parse('2026-11-26T09:00:05.000Z') });
    const key = outboxKey('first', 'adele');
    const head = outbox.get(key);
    assert.ok(head);
    // A retry due earlier than anything known lowers it again.
    index.settle(key, { ...head, attempts: 1, notBefore: '2026-11-26T09:00:03.000Z', lastError: '503: busy' });
    assert.equal(index.nothingDueBefore(), Date.parse('2026-11-26T09:00:03.000Z'));
  });

  it('keeps offering each person\'s oldest notification, oldest person first, through many changes queued and delivered', () => {
    const people: Recipient[] = ['adele', 'patti', 'megan', 'lynne', 'diego'].map((id) => ({ id, tenantId: 't', card: 'change' }));
    const index = PendingOutbox.of(outbox.values());
    for (let i = 0; i < 60; i++) {
      // Changes made out of order, now and then an earlier one queued late.
      const minute = String((i * 7) % 60).padStart(2, '0');
      index.add(queue(`change-${i}`, `2026-11-26T09:${minute}:00.000Z`, people.filter((_, p) => (i + p) % 3 !== 0)));
      if (i % 4 === 3) for (const head of index.heads().slice(0, 2)) deliver(index, head.key, '2026-11-26T10:00:00.000Z');
      const pending = [...outbox.values()].filter((e) => e.status === 'pending');
      const oldest = new Map<string, OutboxEntry>();
      const older = (a: OutboxEntry, b: OutboxEntry): number => Date.parse(a.event.at) - Date.parse(b.event.at) || Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.key < b.key ? -1 : 1);
      for (const entry of pending) {
        const known = oldest.get(entry.recipientId);
        if (!known || older(entry, known) < 0) oldest.set(entry.recipientId, entry);
      }
      assert.deepEqual(index.heads().map((e) => e.key), [...oldest.values()].sort(older).map((e) => e.key));
    }
  });
});
