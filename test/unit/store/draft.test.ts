import assert from 'node:assert/strict';
import { applyChanges, isEmptyChangeSet, mergeChangeSets } from '../../../src/store/changeSet';
import { createDraft } from '../../../src/store/draft';
import { STATE_LAYOUT, emptyState, type BotState } from '../../../src/store/state';
import type { AuditEntry, BillingLink, Flow } from '../../../src/domain/model';

function link(organizationId: string, subscriptionId = `sub-${organizationId}`): BillingLink {
  return { organizationId, subscriptionId, linkedBy: 'user-1', linkedAt: '2024-01-01T00:00:00.000Z' };
}

function flow(id: string): Flow {
  return {
    id,
    kind: 'setup',
    ownerId: 'user-1',
    tenantId: 'tenant-1',
    conversationId: 'conversation-1',
    createdAt: '2024-01-01T00:00:00.000Z',
    expiresAt: '2024-01-01T00:15:00.000Z',
    status: 'open',
  };
}

function entry(id: string): AuditEntry {
  return { id, at: '2024-01-01T00:00:00.000Z', actorId: 'user-1', action: 'billing.setup', organizationId: 'org-1' };
}

function stateWith(): BotState {
  const state = emptyState();
  state.links['org-1'] = link('org-1');
  state.links['org-2'] = link('org-2');
  state.flows['flow-1'] = flow('flow-1');
  state.audit.push(entry('audit-1'));
  return state;
}

/** Runs a mutation on a draft of `base` and returns what it changed, applied to a copy, and the base untouched. */
function mutateDraft(base: BotState, mutate: (draft: BotState) => void) {
  const before = structuredClone(base);
  const draft = createDraft(base, STATE_LAYOUT);
  mutate(draft.state);
  const changes = draft.changes();
  assert.deepEqual(base, before, 'a draft must never change the committed state');
  return { changes, next: applyChanges(structuredClone(base), changes) };
}

describe('state drafts', () => {
  it('records nothing for a mutation that only reads, even deep inside entries', () => {
    const { changes } = mutateDraft(stateWith(), (draft) => {
      assert.equal(draft.links['org-1']?.subscriptionId, 'sub-org-1');
      assert.equal(draft.flows['flow-1']?.status, 'open');
      assert.equal(draft.audit[0]?.id, 'audit-1');
      assert.deepEqual(Object.keys(draft.links), ['org-1', 'org-2']);
      assert.equal('org-3' in draft.links, false);
      assert.equal(draft.schemaVersion, 1);
    });
    assert.equal(isEmptyChangeSet(changes), true);
  });

  it('records an entry set, a nested change and a delete, and nothing else', () => {
    const { changes, next } = mutateDraft(stateWith(), (draft) => {
      draft.links['org-3'] = link('org-3');
      const open = draft.flows['flow-1'];
      assert.ok(open);
      open.status = 'completed';
      delete draft.links['org-2'];
    });
    assert.deepEqual([...(changes.entries.get('links')?.set.keys() ?? [])], ['org-3']);
    assert.deepEqual(changes.entries.get('links')?.removed, ['org-2']);
    assert.deepEqual([...(changes.entries.get('flows')?.set.keys() ?? [])], ['flow-1']);
    assert.deepEqual(Object.keys(next.links), ['org-1', 'org-3']);
    assert.equal(next.flows['flow-1']?.status, 'completed');
  });

  it('lets a mutation see its own changes through every way of looking', () => {
    mutateDraft(stateWith(), (draft) => {
      draft.links['org-3'] = link('org-3');
      delete draft.links['org-1'];
      assert.deepEqual(Object.keys(draft.links), ['org-2', 'org-3']);
      assert.deepEqual(
        Object.values(draft.links).map((l) => l.organizationId),
        ['org-2', 'org-3'],
      );
      assert.deepEqual(Object.entries(draft.links).map(([key]) => key), ['org-2', 'org-3']);
      assert.equal('org-1' in draft.links, false);
      assert.equal(Object.prototype.hasOwnProperty.call(draft.links, 'org-3'), true);
      assert.equal(draft.links['org-1'], undefined);
      draft.audit.push(entry('audit-2'));
      assert.equal(draft.audit.length, 2);
      assert.deepEqual(
        draft.audit.map((e) => e.id),
        ['audit-1', 'audit-2'],
      );
      assert.equal(Array.isArray(draft.audit), true);
    });
  });

  it('counts an entry read and changed back as unchanged', () => {
    const { changes } = mutateDraft(stateWith(), (draft) => {
      const open = draft.flows['flow-1'];
      assert.ok(open);
      open.status = 'cancelled';
      open.status = 'open';
    });
    assert.equal(isEmptyChangeSet(changes), true);
  });

  it('copies what the mutation assigned, so later changes to the caller’s object do not leak in', () => {
    const mine = link('org-3');
    const { next } = mutateDraft(stateWith(), (draft) => {
      draft.links['org-3'] = mine;
    });
    (mine as { subscriptionId: string }).subscriptionId = 'changed-afterwards';
    assert.equal(next.links['org-3']?.subscriptionId, 'sub-org-3');
  });

  it('keeps an entry keyed "__proto__" as an entry', () => {
    const { next } = mutateDraft(stateWith(), (draft) => {
      draft.links['__proto__'] = link('__proto__');
    });
    assert.equal(Object.getPrototypeOf(next.links), Object.prototype);
    assert.equal(Object.prototype.hasOwnProperty.call(next.links, '__proto__'), true);
  });

  it('refuses to change or remove history in an append-only collection', () => {
    const base = stateWith();
    const attempts: [string, (draft: BotState) => void][] = [
      ['change an item', (draft) => ((draft.audit[0] as { actorId: string }).actorId = 'someone-else')],
      ['replace an item', (draft) => (draft.audit[0] = entry('forged'))],
      ['pop', (draft) => draft.audit.pop()],
      ['splice', (draft) => draft.audit.splice(0, 1)],
      ['truncate', (draft) => (draft.audit.length = 0)],
    ];
    for (const [what, attempt] of attempts) {
      const draft = createDraft(base, STATE_LAYOUT);
      assert.throws(() => attempt(draft.state), TypeError, what);
    }
    assert.deepEqual(base.audit, [entry('audit-1')]);
  });

  it('laid over the changes of earlier updates saved with it, sees them and records only its own', () => {
    const base = stateWith();
    const first = createDraft(base, STATE_LAYOUT);
    first.state.links['org-3'] = link('org-3');
    delete first.state.links['org-1'];
    first.state.audit.push(entry('audit-2'));
    const earlier = first.changes();

    const second = createDraft(base, STATE_LAYOUT, earlier);
    assert.deepEqual(Object.keys(second.state.links), ['org-2', 'org-3']);
    assert.equal(second.state.audit.length, 2);
    second.state.links['org-3'] = link('org-3', 'sub-other');
    delete second.state.links['org-2'];
    const own = second.changes();
    assert.deepEqual([...(own.entries.get('links')?.set.keys() ?? [])], ['org-3']);
    assert.deepEqual(own.entries.get('links')?.removed, ['org-2']);
    assert.equal(own.appended.size, 0);

    const merged = mergeChangeSets(base, earlier, own);
    const next = applyChanges(structuredClone(base), merged);
    assert.deepEqual(Object.keys(next.links), ['org-3']);
    assert.equal(next.links['org-3']?.subscriptionId, 'sub-other');
    assert.deepEqual(next.audit.map((e) => e.id), ['audit-1', 'audit-2']);
  });

  it('refuses to replace or delete a whole collection', () => {
    const draft = createDraft(stateWith(), STATE_LAYOUT);
    assert.throws(() => (draft.state.links = {}), /cannot be replaced or deleted as a whole/);
    assert.throws(() => delete (draft.state as Partial<BotState>).audit, /cannot be replaced or deleted as a whole/);
  });

  it('keeps keys that are not declared collections whole, changed in place or replaced', () => {
    type WithExtras = BotState & { settings?: { limit: number; names: string[] }; counter?: number };
    const base = stateWith() as WithExtras;
    base.settings = { limit: 1, names: ['a'] };
    const { changes, next } = mutateDraft(base, (draft) => {
      const extras = draft as WithExtras;
      extras.settings?.names.push('b');
      extras.counter = 7;
    });
    assert.deepEqual([...changes.values.keys()].sort(), ['counter', 'settings']);
    assert.deepEqual((next as WithExtras).settings, { limit: 1, names: ['a', 'b'] });
    assert.equal((next as WithExtras).counter, 7);
  });
});
