import { ActivityTypes, TestAdapter, type Activity, type InvokeResponse } from 'botbuilder';
import { azureManagerChanges } from '../../src/composeTurns';
import { createAdapter } from '../../src/host/adapter';
import { createCore } from '../../src/billing/core';
import { LIST_PRICES_USD } from '../../src/billing/prices';
import { notificationMessage } from '../../src/cards/notificationCards';
import type { BillingLinkPort } from '../../src/domain/ports/billingLinks';
import type { ActualChargesPort } from '../../src/domain/ports/actualCharges';
import type { Caller } from '../../src/domain/caller';
import type { AzureSignIn } from '../../src/config';
import type { DirectoryFactory } from '../../src/directory/factory';
import { sharedDirectory } from '../../src/directory/factory';
import { LocalDirectory } from '../../src/directory/localDirectory';
import { storedRoleOverlay } from '../../src/directory/roleOverlay';
import { silentLogger, type Logger } from '../../src/logger';
import { MemoryArchive } from '../../src/notifications/archive';
import { Dispatcher } from '../../src/notifications/dispatcher';
import { createMemoryStore, type MemoryStateStore } from '../../src/store/memoryStore';
import { createBotApplication, turnErrorHandler } from '../../src/teams/application';
import { ConversationReferences } from '../../src/teams/conversationReferences';
import { ALEX, CONTOSO_TENANT, DEMO_DIRECTORY } from './demoWorld';
import type { FakeTokenService } from './fakeTokenService';

export interface HarnessOptions {
  readonly directories?: DirectoryFactory;
  /** Where billing links live when not in the state store (Azure DevOps). */
  readonly billingLinksFor?: (caller: Caller) => Promise<BillingLinkPort>;
  /** Where the month's actual charges are read (Azure Cost Management). */
  readonly actualChargesFor?: (caller: Caller) => Promise<ActualChargesPort>;
  /** Sign-in through teams-ai with this token service, for directories that need the user's tokens. */
  readonly signIn?: { readonly settings: AzureSignIn; readonly tokenService: FakeTokenService };
  readonly logger?: Logger;
}

/** TestAdapter with the key under which a CloudAdapter puts the token service client in the turn state. */
class TokenServiceTestAdapter extends TestAdapter {
  readonly UserTokenClientKey = Symbol('UserTokenClient');
}
import { RecordingTransport } from './recordingTransport';

export interface Person {
  readonly aadObjectId: string;
  readonly name: string;
  readonly tenantId?: string;
}

/** The harness's clock starts here; tests move it on. */
const HARNESS_START = new Date('2026-11-26T09:00:00Z');

export const alex: Person = { aadObjectId: ALEX, name: 'Alex Wilber' };

/** A card reply or invoke answer, reduced to what a test looks at. */
export interface CardView {
  readonly json: Record<string, unknown>;
  /** Every text a user would read on the card, joined. */
  readonly text: string;
}

/**
 * Drives the real teams-ai application through botbuilder's TestAdapter, on the demo directory and a
 * memory store: what a user types and clicks, and what they get back.
 */
export class TeamsHarness {
  readonly adapter: TestAdapter;
  readonly store: MemoryStateStore;
  /** Where proactive notifications go: every send and started chat, recorded. */
  readonly transport = new RecordingTransport();
  readonly dispatcher: Dispatcher;
  private lastInvoke: InvokeResponse | undefined;
  private clock = HARNESS_START;

  private constructor(store: MemoryStateStore, directories: DirectoryFactory, references: ConversationReferences, options: HarnessOptions) {
    this.store = store;
    const logger = options.logger ?? silentLogger();
    const now = (): Date => this.clock;
    const directoryFor = (caller: Caller) => directories.directoryFor(caller);
    const flowTtlMs = 15 * 60_000;
    const dispatcher = new Dispatcher({
      store,
      transport: this.transport,
      addresses: references,
      render: notificationMessage,
      archive: new MemoryArchive(),
      logger,
      settings: { perConversationPerSecond: 50, perSecond: 1000, maxAttempts: 3, retry: { baseDelayMs: 1, maxDelayMs: 5 } },
    });
    this.dispatcher = dispatcher;
    const core = createCore({
      directoryFor,
      ...(options.billingLinksFor ? { billingLinksFor: options.billingLinksFor } : {}),
      ...(options.actualChargesFor ? { actualChargesFor: options.actualChargesFor } : {}),
      store,
      deliveries: { queued: (keys) => dispatcher.notify(keys) },
      addresses: references,
      flowTtlMs,
      prices: LIST_PRICES_USD,
      reportError: () => undefined,
      now,
      ...(options.billingLinksFor ? { boughtElsewhere: 'the Billing page of your organization\'s settings in Azure DevOps' } : {}),
      // As the bot decides: on Azure, managers change here only with a Microsoft Graph connection.
      ...(options.billingLinksFor ? azureManagerChanges({ graphConnection: options.signIn?.settings.graphConnection }) : {}),
    });
    const signIn = options.signIn ? { settings: options.signIn.settings, required: directories.requiredSignIns } : undefined;
    // teams-ai's sign-in needs an adapter on the application; activities still come through TestAdapter.
    const app = createBotApplication(
      { core, references, logger, ...(signIn ? { signIn } : {}) },
      signIn ? createAdapter(undefined) : undefined,
    );
    const adapter = new TokenServiceTestAdapter(async (context) => {
      await app.run(context);
    });
    const tokenService = options.signIn?.tokenService;
    if (tokenService) {
      adapter.use(async (context, next) => {
        context.turnState.set(adapter.UserTokenClientKey, tokenService);
        await next();
      });
    }
    this.adapter = adapter;
    this.adapter.onTurnError = turnErrorHandler(logger);
  }

  /**
   * Call `close()` in afterEach: it stops the notification dispatcher. Without `directories`, the demo
   * directory, with billing-manager roles kept in the store as the bot keeps them.
   */
  static async create(options: HarnessOptions = {}): Promise<TeamsHarness> {
    const store = createMemoryStore();
    let local: LocalDirectory | undefined;
    let directories = options.directories;
    if (!directories) {
      local = await LocalDirectory.open(DEMO_DIRECTORY, { overlay: storedRoleOverlay(store) });
      directories = sharedDirectory(local);
    }
    const made: { harness?: TeamsHarness } = {};
    const references = await ConversationReferences.open(store, () => made.harness?.clock ?? HARNESS_START);
    const harness = new TeamsHarness(store, directories, references, options);
    made.harness = harness;
    harness.dispatcher.start();
    return harness;
  }

  /** Resolves when every queued notification has been delivered or has failed for good. */
  notificationsIdle(): Promise<void> {
    return this.dispatcher.whenIdle();
  }

  async close(): Promise<void> {
    await this.dispatcher.stop();
  }

  advanceMinutes(minutes: number): void {
    this.clock = new Date(this.clock.getTime() + minutes * 60_000);
  }

  /** Sends a message and returns every reply the bot sent in that turn. */
  async say(text: string, from: Person = alex, conversation = personalChat(from)): Promise<Partial<Activity>[]> {
    return this.turn(activity({ type: ActivityTypes.Message, text }, from, conversation));
  }

  /** Clicks an Action.Execute button: returns the invoke response Teams would get. */
  async click(verb: string, data: Record<string, unknown>, from: Person = alex, conversation = personalChat(from)): Promise<InvokeResponse> {
    this.lastInvoke = undefined;
    await this.turn(activity({ type: ActivityTypes.Invoke, name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } }, from, conversation));
    if (!this.lastInvoke) throw new Error(`The click on ${verb} got no invoke response (Teams would show an error).`);
    return this.lastInvoke;
  }

  async send(partial: Partial<Activity>, from: Person = alex, conversation = personalChat(from)): Promise<Partial<Activity>[]> {
    this.lastInvoke = undefined;
    return this.turn(activity(partial, from, conversation));
  }

  get lastInvokeResponse(): InvokeResponse | undefined {
    return this.lastInvoke;
  }

  private async turn(incoming: Partial<Activity>): Promise<Partial<Activity>[]> {
    this.adapter.activeQueue.splice(0);
    await this.adapter.processActivity(incoming);
    // TestAdapter queues the invoke response with the replies; Teams would get it as the HTTP answer.
    const sent = this.adapter.activeQueue.splice(0);
    const invokeResponse = sent.find((a) => a.type === ActivityTypes.InvokeResponse);
    if (invokeResponse) this.lastInvoke = invokeResponse.value as InvokeResponse;
    return sent.filter((a) => a !== invokeResponse);
  }
}

export interface ConversationInfo {
  readonly id: string;
  readonly conversationType: 'personal' | 'groupChat' | 'channel';
}

export function personalChat(person: Person): ConversationInfo {
  return { id: `personal-${person.aadObjectId}`, conversationType: 'personal' };
}

export const groupChat: ConversationInfo = { id: 'group-chat-1', conversationType: 'groupChat' };

function activity(partial: Partial<Activity>, from: Person, conversation: ConversationInfo): Partial<Activity> {
  const tenantId = from.tenantId ?? CONTOSO_TENANT;
  return {
    channelId: 'msteams',
    serviceUrl: 'https://smba.example.test/teams/',
    from: { id: `teams-${from.aadObjectId}`, name: from.name, aadObjectId: from.aadObjectId },
    recipient: { id: 'bot-id', name: 'DevOps Billing' },
    conversation: { id: conversation.id, conversationType: conversation.conversationType, tenantId, isGroup: conversation.conversationType !== 'personal', name: '' },
    channelData: { tenant: { id: tenantId } },
    locale: 'en-US',
    ...partial,
  };
}

/** The first Adaptive Card in a reply, or the card in an invoke response. */
export function cardOf(source: Partial<Activity>[] | InvokeResponse): CardView {
  const json = Array.isArray(source)
    ? source.flatMap((a) => a.attachments ?? []).find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content
    : source.body?.type === 'application/vnd.microsoft.card.adaptive' ? source.body.value : undefined;
  if (!json) throw new Error(`Expected an Adaptive Card, got ${JSON.stringify(source).slice(0, 400)}`);
  return { json: json as Record<string, unknown>, text: textsOf(json).join('\n') };
}

/** The plain message an invoke answered with (a read-only answer that leaves the card as it was). */
export function messageOf(response: InvokeResponse): string {
  if (response.body?.type !== 'application/vnd.microsoft.activity.message') {
    throw new Error(`Expected a message answer, got ${JSON.stringify(response).slice(0, 400)}`);
  }
  return String(response.body.value);
}

export function textOf(replies: Partial<Activity>[]): string {
  return replies.map((r) => r.text ?? '').join('\n');
}

/** The values a ChoiceSet offers, by input id. */
export function choicesOf(card: CardView, inputId: string): string[] {
  const input = findAll(card.json, (n) => n.type === 'Input.ChoiceSet' && n.id === inputId)[0];
  const choices = (input?.choices ?? []) as { value: string }[];
  return choices.map((c) => c.value);
}

/** The Action.Execute buttons on a card: title → { verb, data }. */
export function actionsOf(card: CardView): Map<string, { verb: string; data: Record<string, unknown> }> {
  const found = findAll(card.json, (n) => n.type === 'Action.Execute');
  return new Map(found.map((a) => [String(a.title), { verb: String(a.verb), data: (a.data ?? {}) as Record<string, unknown> }]));
}

function findAll(node: unknown, match: (n: Record<string, unknown>) => boolean): Record<string, unknown>[] {
  if (Array.isArray(node)) return node.flatMap((n) => findAll(n, match));
  if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    return [...(match(record) ? [record] : []), ...Object.values(record).flatMap((v) => findAll(v, match))];
  }
  return [];
}

function textsOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(textsOf);
  if (node && typeof node === 'object') {
    return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) =>
      typeof value === 'string' && ['text', 'title', 'value', 'label'].includes(key) ? [value] : textsOf(value),
    );
  }
  return [];
}
