import assert from 'node:assert/strict';
import { enqueue, markDelivered, outboxKey, type Recipient } from '../../../src/notifications/outbox';
import { PendingOutbox } from '../../../src/notifications/pendingOutbox';
import type { ChangeEvent } from '../../../src/store/changeEvent';
import { emptyState, type BotState } from '../../../src/store/state';

function event(id: string, at: string): ChangeEvent {
  return { id, kind: 'billing.remove', organization: { id: 'org', name: 'contoso-web' }, from: { id: 'sub', name: 'PAYG' }, actor: { id: 'actor', name: 'Alex Wilber' }, at };
}

const ADELE: Recipient = { id: 'adele', tenantId: 't', card: 'change' };
const PATTI: Recipient = { id: 'patti', tenantId: 't', card: 'change' };

describe('The pending outbox index', () => {
  let state: BotState;

  beforeEach(() => {
    state = emptyState();
  });

  function queue(id: string, at: string, recipients: readonly Recipient[]): string[] {
    return enqueue(state, event(id, at), recipients, at);
  }

  it('offers each person their oldest pending notification, whatever order the state lists them in', () => {
    queue('later', '2026-11-26T10:00:00.000Z', [ADELE, PATTI]);
    queue('earlier', '2026-11-26T09:00:00.000Z', [ADELE]);
    const index = PendingOutbox.from(state);
    assert.equal(index.size, 3);
    const heads = index.heads(state).map((e) => e.key).sort();
    assert.deepEqual(heads, [outboxKey('earlier', 'adele'), outboxKey('later', 'patti')]);
  });

  it('moves on to a person\'s next notification once one is no longer pending, and forgets people with none left', () => {
    queue('first', '2026-11-26T09:00:00.000Z', [ADELE, PATTI]);
    queue('second', '2026-11-26T09:05:00.000Z', [ADELE]);
    const index = PendingOutbox.from(state);
    markDelivered(state, outboxKey('first', 'adele'), '2026-11-26T09:06:00.000Z', 'chat');
    markDelivered(state, outboxKey('first', 'patti'), '2026-11-26T09:06:00.000Z', 'chat');
    assert.deepEqual(index.heads(state).map((e) => e.key), [outboxKey('second', 'adele')]);
    assert.equal(index.size, 1);
    delete state.outbox[outboxKey('second', 'adele')];
    assert.deepEqual(index.heads(state), []);
    assert.equal(index.size, 0);
  });

  it('adds what the notifier queued, in age order, and ignores keys it has or that are not pending', () => {
    const index = PendingOutbox.from(state);
    const late = queue('late', '2026-11-26T10:00:00.000Z', [ADELE]);
    index.add(state, late);
    // A change made earlier whose notifications were queued later (the notifier ran after a restart).
    const early = queue('early', '2026-11-26T08:00:00.000Z', [ADELE]);
    index.add(state, [...early, ...late, 'no-such-key']);
    assert.equal(index.size, 2);
    assert.deepEqual(index.heads(state).map((e) => e.key), [outboxKey('early', 'adele')]);
    markDelivered(state, outboxKey('early', 'adele'), '2026-11-26T10:01:00.000Z', 'chat');
    assert.deepEqual(index.heads(state).map((e) => e.key), [outboxKey('late', 'adele')]);
  });
});
