import assert from 'node:assert/strict';
import { notificationDigest, notificationMessage } from '../../../src/cards/notificationCards';
import type { ChangeEvent } from '../../../src/domain/changeEvent';
import type { OutboxEntry } from '../../../src/domain/model';
import { outboxEntriesFor, type Recipient } from '../../../src/domain/notifications';
import { silentLogger } from '../../../src/logger';
import { MemoryArchive } from '../../../src/notifications/archive';
import { Dispatcher } from '../../../src/notifications/dispatcher';
import { createMemoryStore, type MemoryStateStore } from '../../../src/store/memoryStore';
import { ConversationReferences } from '../../../src/teams/conversationReferences';
import { RecordingTransport } from '../../support/recordingTransport';
import { VirtualClock } from '../../support/virtualClock';

const TENANT = 'tenant-1';
const ORG = { id: 'org-web', name: 'contoso-web' };
const SUBSCRIPTION = { id: 'sub-payg', name: 'Contoso PAYG' };
const ACTOR = { id: 'actor', name: 'Alex Wilber' };
const MANAGERS = ['manager-a', 'manager-b'];
const PERSON = { id: 'person-x', name: 'Megan Bowen' };
const START = Date.parse('2026-11-26T09:00:00Z');
const WINDOW_MS = 5_000;

/**
 * The burst the issue measured: 30 quantity changes and 10 add/remove cycles of a manager by one
 * user in 1.2 s, each telling both billing managers, and the person added or removed. 120 entries.
 */
function burst(): { readonly event: ChangeEvent; readonly recipients: Recipient[] }[] {
  const managers: Recipient[] = MANAGERS.map((id) => ({ id, tenantId: TENANT, card: 'change' }));
  const changes: { event: ChangeEvent; recipients: Recipient[] }[] = [];
  const at = (): string => new Date(START + Math.round((changes.length * 1200) / 50)).toISOString();
  for (let i = 0; i < 30; i++) {
    changes.push({
      event: { id: `q${i}`, kind: 'quantities.change', organization: ORG, actor: ACTOR, at: at(), subscription: SUBSCRIPTION, changes: [{ what: 'Basic users', from: String(i), to: String(i + 1) }] },
      recipients: managers,
    });
  }
  for (let i = 0; i < 10; i++) {
    const common = { organization: ORG, actor: ACTOR, subscription: SUBSCRIPTION, person: PERSON, roles: ['Contributor' as const] };
    changes.push({ event: { id: `add${i}`, kind: 'manager.add', at: at(), ...common }, recipients: [...managers, { id: PERSON.id, tenantId: TENANT, card: 'welcome' }] });
    changes.push({ event: { id: `remove${i}`, kind: 'manager.remove', at: at(), ...common }, recipients: [...managers, { id: PERSON.id, tenantId: TENANT, card: 'change' }] });
  }
  return changes;
}

describe('Notifications coalesced per person and organization', () => {
  let store: MemoryStateStore;
  let clock: VirtualClock;
  let transport: RecordingTransport;
  let dispatcher: Dispatcher | undefined;

  beforeEach(async () => {
    store = createMemoryStore();
    clock = new VirtualClock(START);
    transport = new RecordingTransport(() => clock.now());
    await store.updateState((state) => {
      for (const id of [ACTOR.id, ...MANAGERS, PERSON.id]) {
        state.conversations[`chat-${id}`] = { conversationId: `chat-${id}`, aadObjectId: id, tenantId: TENANT, conversationType: 'personal', serviceUrl: 'https://smba.example.test/', channelId: 'msteams', botId: 'bot', updatedAt: '2026-11-26T08:00:00.000Z' };
      }
    });
  });

  afterEach(async () => {
    await dispatcher?.stop();
    dispatcher = undefined;
  });

  /** Writes each change's entries in its own transaction, as the change does, at the change's time. */
  async function queueBurst(): Promise<void> {
    for (const { event, recipients } of burst()) {
      await store.transaction(async (tx) => {
        for (const entry of outboxEntriesFor(event, recipients, event.at)) await tx.outbox.put(entry);
      });
    }
  }

  async function start(coalesceMs: number): Promise<Dispatcher> {
    dispatcher = new Dispatcher({
      store,
      transport,
      addresses: await ConversationReferences.open(store, () => new Date(clock.now())),
      render: notificationMessage,
      renderTogether: notificationDigest,
      archive: new MemoryArchive(),
      logger: silentLogger(),
      settings: { perConversationPerSecond: 7, perSecond: 50, maxAttempts: 4, coalesceMs },
      clock,
      random: () => 0.5,
    });
    dispatcher.start();
    return dispatcher;
  }

  function outbox(): OutboxEntry[] {
    return Object.values(store.snapshot().outbox);
  }

  /** The change lines of each delivered message, by the chat it went to. */
  function linesByChat(): Map<string, string[]> {
    const lines = new Map<string, string[]>();
    for (const call of transport.delivered) {
      const facts = factsOf(call.message?.card).map((fact) => fact.value);
      lines.set(call.target, [...(lines.get(call.target) ?? []), ...facts]);
    }
    return lines;
  }

  /** Every change appears once in what each of its recipients got: nothing lost, nothing twice. */
  function assertEachChangeToldOnce(): void {
    const lines = linesByChat();
    for (const manager of MANAGERS) {
      const got = lines.get(`chat-${manager}`) ?? [];
      assert.equal(got.length, 50, `${manager}: one line per change`);
      for (let i = 0; i < 30; i++) assert.equal(got.filter((line) => line.includes(`Basic users: ${i} → ${i + 1}`)).length, 1, `${manager}: quantity change ${i}`);
      assert.equal(got.filter((line) => line.includes('New billing manager for contoso-web')).length, 10);
      assert.equal(got.filter((line) => line.includes('Megan Bowen no longer manages billing of contoso-web')).length, 10);
    }
    const person = lines.get('chat-person-x') ?? [];
    assert.equal(person.length, 20);
    assert.equal(person.filter((line) => line.includes('New billing manager for contoso-web')).length, 10);
    assert.equal(person.filter((line) => line.includes('You no longer manage billing of contoso-web')).length, 10);
  }

  it('sends one message per person instead of one per change (120 → 3), listing every change once', async () => {
    await queueBurst();
    await (await start(WINDOW_MS)).whenIdle();
    assert.deepEqual(transport.delivered.map((c) => c.target).sort(), ['chat-manager-a', 'chat-manager-b', 'chat-person-x']);
    assert.ok(outbox().every((e) => e.status === 'delivered' && e.attempts === 1), 'every entry recorded as delivered once');
    const toManager = transport.delivered.find((c) => c.target === 'chat-manager-a');
    assert.equal(toManager?.message?.summary, 'Alex Wilber made 50 changes to billing of contoso-web.');
    assert.ok((toManager?.at ?? 0) >= START + WINDOW_MS, 'held for the window, so the changes made meanwhile go with it');
    assertEachChangeToldOnce();
  });

  it('sends one message per change without a window, as before', async () => {
    await queueBurst();
    await (await start(0)).whenIdle();
    assert.equal(transport.delivered.length, 120);
    assert.ok(outbox().every((e) => e.status === 'delivered'));
  });

  it('tells a change made after the window in a message of its own', async () => {
    const running = await start(WINDOW_MS);
    await store.transaction(async (tx) => {
      for (const entry of outboxEntriesFor(burst()[0]?.event as ChangeEvent, [{ id: 'manager-a', tenantId: TENANT, card: 'change' }], new Date(START).toISOString())) await tx.outbox.put(entry);
    });
    running.notify();
    await running.whenIdle();
    const later = { ...(burst()[1]?.event as ChangeEvent), at: new Date(clock.now()).toISOString() };
    await store.transaction(async (tx) => {
      for (const entry of outboxEntriesFor(later, [{ id: 'manager-a', tenantId: TENANT, card: 'change' }], new Date(clock.now()).toISOString())) await tx.outbox.put(entry);
    });
    running.notify();
    await running.whenIdle();
    assert.equal(transport.delivered.length, 2);
    assert.ok(transport.delivered.every((c) => c.message?.summary === 'Alex Wilber changed what contoso-web buys, paid by Contoso PAYG.'));
  });

  it('loses nothing when the bot stops inside the window: the next start tells every change once', async () => {
    await queueBurst();
    const first = await start(WINDOW_MS);
    await first.stop();
    assert.equal(transport.delivered.length, 0, 'stopped before the window ended');
    assert.ok(outbox().every((e) => e.status === 'pending'));
    await (await start(WINDOW_MS)).whenIdle();
    assert.equal(transport.delivered.length, 3);
    assertEachChangeToldOnce();
  });

  it('retries a refused message with all its changes together, and records each once', async () => {
    await queueBurst();
    transport.failNext({ status: 503, message: 'Service Unavailable' }, { target: 'chat-manager-a' });
    await (await start(WINDOW_MS)).whenIdle();
    const toA = outbox().filter((e) => e.recipientId === 'manager-a');
    assert.equal(toA.length, 50);
    assert.ok(toA.every((e) => e.status === 'delivered' && e.attempts === 2));
    assert.equal(transport.delivered.length, 3);
    assertEachChangeToldOnce();
  });
});

/** The facts of a change card: one line per change in a message that tells several. */
function factsOf(card: unknown): { readonly title: string; readonly value: string }[] {
  const body = (card as { body?: unknown[] } | undefined)?.body ?? [];
  const factSet = body.find((element): element is { type: string; facts: { title: string; value: string }[] } => (element as { type?: string }).type === 'FactSet');
  return factSet?.facts ?? [];
}
