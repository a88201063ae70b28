import assert from 'node:assert/strict';
import { ManagerNotices } from '../../../src/billing/notify/managerNotices';
import { silentLogger } from '../../../src/logger';
import type { AddressBook } from '../../../src/notifications/addressBook';
import { MemoryArchive } from '../../../src/notifications/archive';
import { Dispatcher, type DispatcherSettings } from '../../../src/notifications/dispatcher';
import type { ChangeEvent } from '../../../src/domain/changeEvent';
import { outboxKey, type Recipient } from '../../../src/domain/notifications';
import type { ReadTransaction, Store, Transaction } from '../../../src/domain/ports/store';
import { createMemoryStore, type MemoryStateStore } from '../../../src/store/memoryStore';
import { ConversationReferences } from '../../../src/teams/conversationReferences';
import { RecordingTransport, type TransportCall } from '../../support/recordingTransport';
import { VirtualClock } from '../../support/virtualClock';

const TENANT = 'tenant-1';

function event(id: string, at = '2026-11-26T09:00:00.000Z'): ChangeEvent {
  return {
    id,
    kind: 'billing.change',
    organization: { id: 'org', name: 'contoso-web' },
    from: { id: 'sub-a', name: 'Old' },
    to: { id: 'sub-b', name: 'New' },
    actor: { id: 'actor', name: 'Alex Wilber' },
    at,
  };
}

function people(count: number, prefix = 'person'): Recipient[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, tenantId: TENANT, card: 'change' as const }));
}

/** The most calls that started within any window of `windowMs`. */
function busiestWindow(calls: readonly TransportCall[], windowMs = 1000): number {
  const times = calls.map((c) => c.at).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < times.length; i++) {
    const start = times[i] ?? 0;
    most = Math.max(most, times.filter((t) => t >= start && t < start + windowMs).length);
  }
  return most;
}

describe('The notification dispatcher', () => {
  let store: MemoryStateStore;
  let clock: VirtualClock;
  let transport: RecordingTransport;
  let references: ConversationReferences;
  let archive: MemoryArchive;
  let dispatcher: Dispatcher | undefined;

  beforeEach(async () => {
    store = createMemoryStore();
    clock = new VirtualClock();
    transport = new RecordingTransport(() => clock.now());
    archive = new MemoryArchive();
    // Someone of the tenant wrote to the bot once: that tells where new chats start.
    await store.updateState((state) => {
      state.conversations['actor-chat'] = { conversationId: 'actor-chat', aadObjectId: 'actor', tenantId: TENANT, conversationType: 'personal', serviceUrl: 'https://smba.example.test/', channelId: 'msteams', botId: 'bot', updatedAt: '2026-11-26T08:00:00.000Z' };
    });
    await openReferences();
  });

  /** Opens the conversation references on what the store holds, as the bot does at start. */
  async function openReferences(): Promise<void> {
    references = await ConversationReferences.open(store, () => new Date(clock.now()));
  }

  afterEach(async () => {
    await dispatcher?.stop();
    dispatcher = undefined;
  });

  function start(settings: Partial<DispatcherSettings> = {}, addresses: AddressBook = references, on: Store = store): Dispatcher {
    dispatcher = new Dispatcher({
      store: on,
      transport,
      addresses,
      render: (entry) => ({ card: { type: 'AdaptiveCard', key: entry.key }, summary: entry.key }),
      archive,
      logger: silentLogger(),
      settings: { perConversationPerSecond: 7, perSecond: 50, maxAttempts: 4, ...settings },
      clock,
      random: () => 0.5,
    });
    dispatcher.start();
    return dispatcher;
  }

  /** The store, counting the reads made through it. */
  function countingReads(): { readonly store: Store; readonly reads: () => number } {
    let reads = 0;
    return {
      store: {
        read: <T>(work: (tx: ReadTransaction) => Promise<T>): Promise<T> => ((reads += 1), store.read(work)),
        transaction: (work) => store.transaction(work),
        close: () => store.close(),
      },
      reads: () => reads,
    };
  }

  /** Writes a change's outbox entries as the change's own transaction does; returns the keys added. */
  function enqueue(tx: Transaction, id: string, recipients: readonly Recipient[], at?: string): Promise<string[]> {
    const notices = new ManagerNotices({ store, deliveries: { queued: () => undefined }, addresses: references });
    return notices.queueIn(tx, event(id, at), { recipients, people: [] }, new Date(clock.now()).toISOString());
  }

  async function queue(id: string, recipients: readonly Recipient[], at?: string): Promise<void> {
    await store.transaction((tx) => enqueue(tx, id, recipients, at));
    dispatcher?.notify();
  }

  async function giveChat(personId: string): Promise<string> {
    const conversationId = `existing-${personId}`;
    await store.updateState((state) => {
      state.conversations[conversationId] = { conversationId, aadObjectId: personId, tenantId: TENANT, conversationType: 'personal', serviceUrl: 'https://smba.example.test/', channelId: 'msteams', botId: 'bot', updatedAt: '2026-11-26T08:30:00.000Z' };
    });
    await openReferences();
    return conversationId;
  }

  /** Gives person-0 … person-(count-1) a chat each, in one write. */
  async function giveChats(count: number): Promise<void> {
    await store.updateState((state) => {
      for (let i = 0; i < count; i++) {
        const conversationId = `existing-person-${i}`;
        state.conversations[conversationId] = { conversationId, aadObjectId: `person-${i}`, tenantId: TENANT, conversationType: 'personal', serviceUrl: 'https://smba.example.test/', channelId: 'msteams', botId: 'bot', updatedAt: '2026-11-26T08:30:00.000Z' };
      }
    });
    await openReferences();
  }

  it('delivers every notification exactly once, starting chats where there are none', async () => {
    await giveChat('person-0');
    await queue('e1', people(5));
    await start().whenIdle();
    const delivered = transport.delivered.map((c) => c.target).sort();
    assert.deepEqual(delivered, ['chat-person-1', 'chat-person-2', 'chat-person-3', 'chat-person-4', 'existing-person-0']);
    assert.deepEqual(transport.calls.filter((c) => c.kind === 'create').map((c) => c.target).sort(), ['person-1', 'person-2', 'person-3', 'person-4']);
    const outbox = Object.values(store.snapshot().outbox);
    assert.ok(outbox.every((e) => e.status === 'delivered' && e.attempts === 1));
    assert.equal(references.personalChatOf('person-3')?.conversationId, 'chat-person-3', 'a started chat is remembered');
  });

  it('reuses a chat it started for the next notification', async () => {
    await queue('e1', people(1));
    const running = start();
    await running.whenIdle();
    await queue('e2', people(1));
    await running.whenIdle();
    assert.equal(transport.calls.filter((c) => c.kind === 'create').length, 1);
    assert.equal(transport.delivered.length, 2);
  });

  it('never sends more than 7 a second to one person, and keeps their order', async () => {
    const person = people(1);
    await giveChat('person-0');
    for (let i = 0; i < 20; i++) await queue(`e${String(i).padStart(2, '0')}`, person, new Date(Date.parse('2026-11-26T09:00:00Z') + i).toISOString());
    await start().whenIdle();
    assert.equal(transport.delivered.length, 20);
    assert.ok(busiestWindow(transport.delivered) <= 7, `busiest second had ${busiestWindow(transport.delivered)}`);
    const order = transport.delivered.map((c) => String(c.message?.summary));
    assert.deepEqual(order, [...order].sort(), 'in the order the changes happened');
  });

  it('never makes more than 50 requests a second in all, counting started chats', async () => {
    await queue('burst', people(120));
    await start().whenIdle();
    assert.equal(transport.delivered.length, 120);
    assert.ok(busiestWindow(transport.calls) <= 50, `busiest second had ${busiestWindow(transport.calls)} requests`);
    assert.equal(new Set(transport.delivered.map((c) => c.target)).size, 120, 'nobody twice');
  });

  it('looks up a person’s chat about once per notification, however many wait for the overall rate', async () => {
    // Looking up everyone still waiting on every pass made the work grow with the square of the
    // burst: with a thousand people it kept the process busy and the sends fell behind the rate.
    await giveChats(300);
    let lookups = 0;
    const counting: AddressBook = {
      personalChatOf: (id) => {
        lookups += 1;
        return references.personalChatOf(id);
      },
      newChatAddress: (tenantId, id) => references.newChatAddress(tenantId, id),
      rememberStartedChat: (address, conversationId) => references.rememberStartedChat(address, conversationId),
      forget: (conversationId) => references.forget(conversationId),
    };
    await queue('burst', people(300));
    await start({}, counting).whenIdle();
    assert.equal(new Set(transport.delivered.map((c) => c.target)).size, 300);
    assert.ok(lookups <= 3 * 300, `${lookups} chat look-ups for 300 notifications`);
  });

  it('does not look again at everyone waiting on each new change while the overall rate allows no request', async () => {
    // Under a stream of changes, every queued change woke the dispatcher, and each look at a full
    // rate window went through every person waiting: most of a busy bot's CPU.
    await giveChats(200);
    const counted = countingReads();
    dispatcher = new Dispatcher({
      store: counted.store, transport, addresses: references, archive, logger: silentLogger(), clock,
      render: (entry) => ({ card: { type: 'AdaptiveCard', key: entry.key }, summary: entry.key }),
      settings: { perConversationPerSecond: 7, perSecond: 50, maxAttempts: 5 },
    });
    dispatcher.start();
    for (let i = 0; i < 200; i++) {
      const keys = await store.transaction((tx) => enqueue(tx, `change-${i}`, [{ id: `person-${i}`, tenantId: TENANT, card: 'change' }]));
      dispatcher.queued(keys);
    }
    await dispatcher.whenIdle();
    assert.equal(new Set(transport.delivered.map((c) => c.target)).size, 200);
    // A pass reads the store only for the changes queued since the one before: fewer passes, fewer
    // reads (140 when each change queued started a pass of its own; 57 with the wait for the window).
    assert.ok(counted.reads() <= 0.5 * 200, `${counted.reads()} reads of the store for 200 notifications`);
  });

  it('reads the pending notifications from the store once for a burst, not on every pass', async () => {
    // The store may be a service across the network: a read per pass, with a pass every few sends,
    // would cost a round trip for every few notifications.
    await giveChats(300);
    await queue('burst', people(300));
    const counted = countingReads();
    await start({}, references, counted.store).whenIdle();
    assert.equal(new Set(transport.delivered.map((c) => c.target)).size, 300);
    // One read for what is pending, and one for each look at what may go to the archive (every 50 finished).
    assert.ok(counted.reads() <= 1 + 300 / 50 + 1, `${counted.reads()} reads of the store for 300 notifications`);
  });

  it('delivers to everyone when the Bot Connector refuses every tenth request, retrying out of step with its pacing', async () => {
    // Sends that take a moment, one at a time: a throttled message retried exactly when Retry-After
    // ends takes the place its own refused request frees, and is the tenth again, every time.
    await giveChats(200);
    const send = transport.send.bind(transport);
    let requests = 0;
    transport.send = async (reference, message) => {
      requests += 1;
      const refused = requests % 10 === 0;
      await clock.sleep(5, new AbortController().signal);
      return refused ? { ok: false, failure: { status: 429, retryAfterMs: 1000, message: 'Too many requests' } } : send(reference, message);
    };
    await queue('burst', people(200));
    await start({ maxInFlight: 1, maxAttempts: 5 }).whenIdle();
    const notDelivered = Object.values(store.snapshot().outbox).filter((e) => e.status !== 'delivered');
    assert.deepEqual(notDelivered.map((e) => `${e.key} after ${e.attempts} attempts: ${e.lastError ?? ''}`), []);
    assert.equal(new Set(transport.delivered.map((c) => c.target)).size, 200, 'nobody twice, nobody missed');
  });

  it('sends a throttled message again in the first free place once its Retry-After has passed, ahead of first attempts still waiting', async () => {
    // Left in the order of the changes, the retry of a newer change would wait behind every first
    // attempt of an older one, and go out last and alone, with the rate's places left empty.
    await giveChats(13);
    transport.failNext({ status: 429, retryAfterMs: 1000, message: 'Too many requests' }, { target: 'existing-person-12' });
    await queue('newer', [{ id: 'person-12', tenantId: TENANT, card: 'change' }], '2026-11-26T09:05:00.000Z');
    const running = start({ perSecond: 4 });
    while (transport.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await queue('older', people(12), '2026-11-26T09:00:00.000Z');
    await running.whenIdle();
    const [refused, retried] = transport.calls.filter((c) => c.target === 'existing-person-12');
    assert.ok(refused && retried && retried.at - refused.at >= 1000, 'Retry-After is honoured');
    // 4 a second: the places free at 1 s (taken before the Retry-After ended) and at 2 s.
    assert.ok(retried.at - refused.at <= 2000, `retried ${retried.at - refused.at} ms after the refusal`);
    const after = transport.calls.slice(transport.calls.indexOf(retried) + 1);
    assert.equal(after.length, 5, 'the first attempts still waiting went after it');
    assert.equal(new Set(transport.delivered.map((c) => c.target)).size, 13, 'everyone once');
  });

  it('follows configured limits', async () => {
    await queue('burst', people(12));
    await start({ perSecond: 4, perConversationPerSecond: 2 }).whenIdle();
    assert.ok(busiestWindow(transport.calls) <= 4);
  });

  it('waits as long as Retry-After says after a 429', async () => {
    const chat = await giveChat('person-0');
    transport.failNext({ status: 429, retryAfterMs: 3000, message: 'Too many requests' });
    await queue('e1', people(1));
    await start().whenIdle();
    const sends = transport.calls.filter((c) => c.target === chat);
    assert.equal(sends.length, 2);
    assert.ok((sends[1]?.at ?? 0) - (sends[0]?.at ?? 0) >= 3000);
    assert.equal(transport.delivered.length, 1);
  });

  it('backs off exponentially after a 429 without Retry-After, and gives up after the configured attempts', async () => {
    const chat = await giveChat('person-0');
    transport.failNext({ status: 429, message: 'Too many requests' }, { times: 10 });
    await queue('e1', people(1));
    await start({ maxAttempts: 4, retry: { baseDelayMs: 1000, maxDelayMs: 60_000 } }).whenIdle();
    const sends = transport.calls.filter((c) => c.target === chat);
    assert.equal(sends.length, 4, 'bounded by NOTIFY_MAX_ATTEMPTS');
    const gaps = sends.slice(1).map((s, i) => s.at - (sends[i]?.at ?? 0));
    assert.ok(gaps.every((gap, i) => i === 0 || gap > (gaps[i - 1] ?? 0)), `gaps grow: ${gaps.join(', ')}`);
    const entry = store.snapshot().outbox[outboxKey('e1', 'person-0')];
    assert.equal(entry?.status, 'failed');
    assert.equal(entry?.failure?.code, 'gave-up');
    assert.match(entry?.failure?.reason ?? '', /HTTP 429\) for 4 attempts/);
  });

  const retried: number[] = [412, 429, 500, 502, 503, 504];
  for (const status of retried) {
    it(`retries a ${status} and delivers once`, async () => {
      await giveChat('person-0');
      transport.failNext({ status, message: `status ${status}` });
      await queue('e1', people(1));
      await start().whenIdle();
      assert.equal(transport.calls.length, 2);
      assert.equal(transport.delivered.length, 1);
    });
  }

  it('retries a send that got no answer at all', async () => {
    await giveChat('person-0');
    transport.failNext({ message: 'connect ECONNREFUSED' });
    await queue('e1', people(1));
    await start().whenIdle();
    assert.equal(transport.delivered.length, 1);
  });

  const final: { status: number; errorCode?: string; code: string }[] = [
    { status: 400, code: 'rejected' },
    { status: 401, code: 'rejected' },
    { status: 404, code: 'not-installed' },
    { status: 413, code: 'rejected' },
    { status: 403, errorCode: 'ConversationBlockedByUser', code: 'blocked' },
  ];
  for (const f of final) {
    it(`never retries a ${f.status}${f.errorCode ? ` ${f.errorCode}` : ''}`, async () => {
      await giveChat('person-0');
      transport.failNext({ status: f.status, ...(f.errorCode ? { errorCode: f.errorCode } : {}), message: 'no' }, { times: 5 });
      await queue('e1', people(1));
      await start().whenIdle();
      assert.equal(transport.calls.length, 1);
      assert.equal(store.snapshot().outbox[outboxKey('e1', 'person-0')]?.failure?.code, f.code);
    });
  }

  it('on 403 BotNotInConversationRoster drops the stale chat, marks the person unreachable, and does not retry', async () => {
    const chat = await giveChat('person-0');
    transport.failNext({ status: 403, errorCode: 'BotNotInConversationRoster', message: 'not in roster' });
    await queue('e1', people(1));
    await start().whenIdle();
    assert.equal(transport.calls.length, 1);
    assert.equal(store.snapshot().conversations[chat], undefined, 'the reference is gone');
    const entry = store.snapshot().outbox[outboxKey('e1', 'person-0')];
    assert.equal(entry?.status, 'failed');
    assert.match(entry?.failure?.reason ?? '', /not installed for them in Teams, or was removed \(403 BotNotInConversationRoster\)/);
    assert.equal(store.snapshot().reach['person-0']?.status, 'unreachable');
  });

  it('on 403 when starting a chat marks the person unreachable', async () => {
    transport.failNext({ status: 403, errorCode: 'BotNotInConversationRoster', message: 'app not installed' }, { target: 'person-1' });
    await queue('e1', people(2));
    await start().whenIdle();
    assert.equal(store.snapshot().outbox[outboxKey('e1', 'person-1')]?.failure?.code, 'not-installed');
    assert.equal(store.snapshot().outbox[outboxKey('e1', 'person-0')]?.status, 'delivered', 'the others are not held up');
  });

  it('holds a person’s later notifications until the earlier one is through', async () => {
    const chat = await giveChat('person-0');
    transport.failNext({ status: 503, retryAfterMs: 2000, message: 'busy' });
    await queue('first', people(1), '2026-11-26T09:00:00.000Z');
    await queue('second', people(1), '2026-11-26T09:00:01.000Z');
    await start().whenIdle();
    assert.deepEqual(transport.delivered.filter((c) => c.target === chat).map((c) => c.message?.summary), [outboxKey('first', 'person-0'), outboxKey('second', 'person-0')]);
  });

  it('delivers what is queued while it runs, told only the new keys, in the order of the changes', async () => {
    await giveChat('person-0');
    await queue('first', people(1), '2026-11-26T09:00:00.000Z');
    const running = start();
    await running.whenIdle();
    const keys = await store.transaction(async (tx) => [
      ...(await enqueue(tx, 'third', people(2), '2026-11-26T09:02:00.000Z')),
      ...(await enqueue(tx, 'second', people(1), '2026-11-26T09:01:00.000Z')),
    ]);
    running.notify(keys);
    await running.whenIdle();
    const toPersonZero = transport.delivered.filter((c) => c.target === 'existing-person-0').map((c) => c.message?.summary);
    assert.deepEqual(toPersonZero, [outboxKey('first', 'person-0'), outboxKey('second', 'person-0'), outboxKey('third', 'person-0')]);
    assert.equal(store.snapshot().outbox[outboxKey('third', 'person-1')]?.status, 'delivered');
  });

  it('fails a person with no Teams address at all, without a request', async () => {
    await store.updateState((state) => {
      for (const id of Object.keys(state.conversations)) delete state.conversations[id];
    });
    await openReferences();
    await queue('e1', people(1));
    await start().whenIdle();
    assert.equal(transport.calls.length, 0);
    assert.equal(store.snapshot().outbox[outboxKey('e1', 'person-0')]?.failure?.code, 'no-address');
  });

  it('queues the same change for the same person only once', async () => {
    await queue('e1', people(2));
    await queue('e1', people(2));
    assert.equal(Object.keys(store.snapshot().outbox).length, 2);
  });

  it('stops with pending notifications left pending, and a new dispatcher delivers the rest once', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The first sends hang until released: they are under way when the stop comes.
    const slowSend = transport.send.bind(transport);
    let started = 0;
    transport.send = async (reference, message) => {
      started += 1;
      if (started <= 3) await gate;
      return slowSend(reference, message);
    };
    await queue('burst', people(30));
    const first = start({ perSecond: 6, perConversationPerSecond: 6, maxInFlight: 3 });
    while (started < 3) await new Promise((resolve) => setImmediate(resolve));
    const stopping = first.stop();
    release();
    await stopping;
    dispatcher = undefined;
    const afterStop = Object.values(store.snapshot().outbox);
    assert.equal(afterStop.filter((e) => e.status === 'delivered').length, 3, 'sends under way finish and are recorded');
    assert.equal(afterStop.filter((e) => e.status === 'pending').length, 27, 'the rest stay pending');

    await start().whenIdle();
    const targets = transport.delivered.map((c) => c.target);
    assert.equal(targets.length, 30);
    assert.equal(new Set(targets).size, 30, 'nobody got it twice');
  });

  it('moves finished notifications out of the state file into the archive', async () => {
    await queue('e1', people(3));
    const running = start({ keepFinishedMs: 60_000, keepFinished: 200 });
    await running.whenIdle();
    assert.equal(Object.keys(store.snapshot().outbox).length, 3);
    // An hour later another change arrives; the finished ones are old enough to leave.
    await clock.sleep(2 * 60_000, new AbortController().signal);
    await queue('e2', people(1, 'other'));
    await running.whenIdle();
    await running.stop();
    await start({ keepFinishedMs: 60_000 }).whenIdle();
    assert.deepEqual(archive.entries.map((e) => e.key).sort(), ['e1/person-0', 'e1/person-1', 'e1/person-2']);
    assert.deepEqual(Object.keys(store.snapshot().outbox), ['e2/other-0']);
  });
});
