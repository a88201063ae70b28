import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createAdapter } from '../../src/host/adapter';
import { notificationMessage } from '../../src/cards/notificationCards';
import { readConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { archiveFileFor, JsonLinesArchive } from '../../src/notifications/archive';
import { BotConnectorTransport } from '../../src/teams/botConnectorTransport';
import { Dispatcher } from '../../src/notifications/dispatcher';
import type { ChangeEvent } from '../../src/domain/changeEvent';
import { outboxEntriesFor, type Recipient } from '../../src/domain/notifications';
import { openLowdbStore } from '../../src/store/lowdbStore';
import type { OutboxEntry } from '../../src/domain/model';
import type { BotState } from '../../src/store/state';
import type { StoredConversationReference } from '../../src/domain/model';
import { ConversationReferences } from '../../src/teams/conversationReferences';
import { announceReady, serveParent, type Message } from '../lib/child';
import { EventLoopWatch } from '../lib/eventLoopWatch';
import { FANOUT_TENANT, managerId, storedChatId } from '../lib/fanoutPeople';

/**
 * The product's notification delivery, composed as src/bot.ts composes it (settings from the
 * configuration's defaults, the lowdb store with its journals, the conversation references, the Bot
 * Connector transport, the card renderer, the JSON-lines archive) and nothing else in the process.
 * Each `deliver` opens a new state in its own folder, records one billing change whose outbox holds
 * every recipient (one write, as the notifier makes it), and times the dispatcher from its start
 * until nothing is pending.
 */

const BOT_ID = '28:fanout-bench-bot';
const ACTOR = { id: 'fanout-actor', name: 'Alex Wilber' };

async function deliver(message: Message): Promise<Message> {
  const folder = String(message.folder);
  const recipients = Number(message.recipients);
  const serviceUrl = String(message.serviceUrl);
  const chats = message.chats === 'started' ? 'started' : 'stored';
  const config = readConfig({ STATE_FILE: path.join(folder, 'state.json'), LOG_LEVEL: 'warn' });
  const logger = createLogger(config.logLevel);
  const warnings: string[] = [];
  const warn = (text: string): void => {
    warnings.push(text);
    logger.warn(text);
  };
  const store = await openLowdbStore(config.stateFile, { warn });
  try {
    const now = new Date().toISOString();
    const people: Recipient[] = Array.from({ length: recipients }, (_, i) => ({ id: managerId(i), tenantId: FANOUT_TENANT, card: 'change' }));
    await store.updateState((state) => {
      // The person who made the change wrote to the bot once: that tells where new chats start.
      putReference(state, { conversationId: 'a:fanout-actor-chat', aadObjectId: ACTOR.id, userId: `29:${ACTOR.id}`, tenantId: FANOUT_TENANT, conversationType: 'personal', serviceUrl, channelId: 'msteams', botId: BOT_ID, updatedAt: now });
      if (chats === 'stored') {
        people.forEach((person, i) => {
          putReference(state, { conversationId: storedChatId(i), aadObjectId: person.id, userId: `29:${person.id}`, tenantId: FANOUT_TENANT, conversationType: 'personal', serviceUrl, channelId: 'msteams', botId: BOT_ID, updatedAt: now });
        });
      }
    });
    await store.transaction(async (tx) => {
      for (const entry of outboxEntriesFor(changeEvent(now), people, now)) await tx.outbox.put(entry);
    });

    const archive = new JsonLinesArchive(archiveFileFor(config.stateFile));
    // Opened as the bot opens it at start, before the clock runs: reading the references is start-up work.
    const addresses = await ConversationReferences.open(store);
    const dispatcher = new Dispatcher({
      store,
      transport: new BotConnectorTransport(createAdapter(undefined), { botAppId: '', timeoutMs: config.notifications.sendTimeoutSeconds * 1000, warn }),
      addresses,
      render: notificationMessage,
      archive,
      logger,
      settings: config.notifications,
    });
    const watch = new EventLoopWatch();
    const began = performance.now();
    dispatcher.start();
    await dispatcher.whenIdle();
    const totalMs = performance.now() - began;
    const loop = watch.report(false);
    watch.stop();
    await dispatcher.stop();
    const entries = [...Object.values(store.snapshot().outbox), ...(await archived(archive.file))];
    const count = (status: OutboxEntry['status']): number => new Set(entries.filter((e) => e.status === status).map((e) => e.key)).size;
    return {
      totalMs: Math.round(totalMs),
      perSecond: config.notifications.perSecond,
      perConversationPerSecond: config.notifications.perConversationPerSecond,
      outbox: { delivered: count('delivered'), failed: count('failed'), pending: count('pending'), archived: entries.length - Object.keys(store.snapshot().outbox).length },
      failures: [...new Set(entries.flatMap((e) => (e.lastError && e.status === 'failed' ? [e.lastError] : [])))].slice(0, 5),
      warnings,
      eventLoopMaxMs: loop.eventLoopMaxMs,
      cpuMs: loop.cpuMs,
    };
  } finally {
    await store.close();
  }
}

function putReference(state: BotState, reference: StoredConversationReference): void {
  state.conversations[reference.conversationId] = reference;
}

function changeEvent(at: string): ChangeEvent {
  return {
    id: `fanout-${Date.now()}`,
    kind: 'billing.change',
    organization: { id: 'fanout-org', name: 'contoso-web' },
    from: { id: 'fanout-sub-old', name: 'Old subscription' },
    to: { id: 'fanout-sub-new', name: 'New subscription' },
    actor: ACTOR,
    at,
  };
}

async function archived(file: string): Promise<OutboxEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as OutboxEntry);
}

serveParent({ deliver }, async () => undefined);
announceReady();
