import { createAdapter, type AdapterOptions } from './host/adapter';
import { createCore } from './billing/core';
import { queueLeftoverEvents } from './billing/notify/leftoverEvents';
import { ManagerNotices } from './billing/notify/managerNotices';
import { notificationDigest, notificationMessage } from './cards/notificationCards';
import type { AzureSignIn, Config } from './config';
import type { ActualChargesPort } from './domain/ports/actualCharges';
import type { BillingLinkPort } from './domain/ports/billingLinks';
import type { Caller } from './domain/caller';
import type { DirectoryFactory } from './directory/factory';
import type { DirectoryPort } from './domain/ports/directory';
import type { Logger } from './logger';
import { archiveFileFor, JsonLinesArchive, type NotificationArchive } from './notifications/archive';
import { ElectedDelivery } from './notifications/electedDelivery';
import type { Leases, SerialRuns } from './domain/ports/leases';
import type { Deliveries } from './domain/ports/notifications';
import { BotConnectorTransport } from './teams/botConnectorTransport';
import { Dispatcher } from './notifications/dispatcher';
import type { TurnHandling } from './host/server';
import type { Store } from './domain/ports/store';
import { createBotApplication } from './teams/application';
import { ConversationReferences } from './teams/conversationReferences';

/**
 * The second half of the composition root (compose.ts is the first): the parts only a turn or a
 * notification needs, the Bot Framework adapter, teams-ai and the billing core among them. They are
 * most of the bot's module loading, so compose.ts loads this module once the server listens.
 */

/** What instances sharing one state need besides the store; absent on the file, which has one instance. */
export interface SharedState {
  readonly leases: Leases;
  readonly perSubscription: SerialRuns;
  readonly archive: NotificationArchive;
}

/** The directory for each request, opened by compose.ts before the server listens. */
export interface Directories {
  readonly directories: DirectoryFactory;
  /** The one directory everybody shares (the local file), when there is one. */
  readonly sharedDirectory?: DirectoryPort;
  /** Where billing links live when not in the state file. */
  readonly billingLinksFor?: (caller: Caller) => Promise<BillingLinkPort>;
  /** Where the month's actual charges are read, when there is a bill to read (Azure Cost Management). */
  readonly actualChargesFor?: (caller: Caller) => Promise<ActualChargesPort>;
}

export interface TurnParts {
  readonly config: Config;
  readonly logger: Logger;
  readonly options: AdapterOptions;
  readonly store: Store;
  readonly shared: SharedState | undefined;
  readonly directories: Directories;
}

/** Delivery as the bot starts and stops it: one dispatcher, or the one the instances elect. */
export type Delivery = Deliveries & { start(): void; stop(): Promise<void>; whenIdle(): Promise<void> };

export interface ComposedTurns extends TurnHandling {
  /** Not started yet: it starts once the conversation references are read (see `finishStart`). */
  readonly delivery: Delivery;
  /** Resolves when every conversation reference saved so far is on disk. */
  whenReferencesSaved(): Promise<void>;
  /**
   * Reads every conversation reference, queues the notifications of changes an older version saved
   * without queuing them, and starts delivery.
   */
  finishStart(): Promise<void>;
}

/** How long a killed deliverer keeps the others waiting, at most (Azure allows 15 to 60 seconds). */
const DELIVERY_LEASE_SECONDS = 15;

export function composeTurns({ config, logger, options, store, shared, directories: opened }: TurnParts): ComposedTurns {
  const warn = (message: string): void => logger.warn(message);
  const { directories, billingLinksFor, actualChargesFor, sharedDirectory: localDirectory } = opened;
  const reportError = (error: unknown): void => logger.error({ err: error }, 'A billing change could not be saved or announced.');
  // Read by finishStart, once the turns are served: only notifications and reach forecasts need them all.
  const references = ConversationReferences.unread(store, () => new Date(), {
    maxAgeMs: config.limits.conversationMaxAgeDays * 24 * 60 * 60 * 1000,
    reportError: (error) => logger.warn({ err: error }, 'Old conversation references could not be removed; they are tried again in an hour.'),
    reportLateSave: (error) => logger.warn({ err: error }, 'Could not save the conversation reference; proactive messages may not reach this conversation.'),
  });
  const adapter = createAdapter(config.credentials, options);
  const makeDispatcher = (): Dispatcher =>
    new Dispatcher({
      store,
      transport: new BotConnectorTransport(adapter, { botAppId: config.credentials?.appId ?? '', timeoutMs: config.notifications.sendTimeoutSeconds * 1000, warn }),
      addresses: references,
      render: notificationMessage,
      renderTogether: notificationDigest,
      archive: shared?.archive ?? new JsonLinesArchive(archiveFileFor(config.stateFile)),
      logger,
      settings: { ...config.notifications, coalesceMs: config.notifications.coalesceSeconds * 1000 },
    });
  const sending: Delivery = shared
    ? new ElectedDelivery({
        lease: shared.leases.lease('notification-delivery', DELIVERY_LEASE_SECONDS),
        leaseMs: DELIVERY_LEASE_SECONDS * 1000,
        store,
        startDispatcher: () => {
          const started = makeDispatcher();
          started.start();
          return started;
        },
        refreshAddresses: (people) => references.refresh(people),
        logger,
      })
    : makeDispatcher();
  const notices = new ManagerNotices({ store, deliveries: sending, addresses: references });
  const core = createCore({
    directoryFor: (caller: Caller): Promise<DirectoryPort> => directories.directoryFor(caller),
    ...(billingLinksFor ? { billingLinksFor } : {}),
    ...(actualChargesFor ? { actualChargesFor } : {}),
    store,
    deliveries: sending,
    addresses: references,
    notices,
    ...(shared ? { perSubscription: shared.perSubscription, sweepsHere: () => (sending instanceof ElectedDelivery ? sending.isLeader : true) } : {}),
    flowTtlMs: config.flowTtlMinutes * 60_000,
    perPersonPerMinute: { starts: config.limits.flowStartsPerMinute, clicks: config.limits.cardClicksPerMinute },
    prices: config.prices,
    inactiveDays: config.inactiveDays,
    reportError,
    ...(config.azure ? { boughtElsewhere: azureBillingPage(config.azure.endpoints.devOpsWeb), ...azureManagerChanges(config.azure.signIn) } : {}),
  });
  const signIn = config.azure ? { settings: config.azure.signIn, required: directories.requiredSignIns } : undefined;
  const app = createBotApplication({ core, references, logger, ...(signIn ? { signIn } : {}) }, adapter);
  return {
    adapter,
    app,
    delivery: sending,
    whenReferencesSaved: () => references.whenSaved(),
    async finishStart() {
      // A turn that needs every reference (a forecast of who is told) waits for this read, and delivery starts after it.
      await references.load();
      // Changes an older version saved without queuing them go out now, as do pending notifications.
      const recovered = localDirectory ? await queueLeftoverEvents(store, notices, localDirectory) : 0;
      sending.start();
      if (recovered > 0) logger.info({ recovered }, 'Queued the notifications of changes saved before the last stop.');
    },
  };
}

/** Where billing managers are added and removed with DIRECTORY=azure without a Microsoft Graph connection, as "add manager" names it. */
const AZURE_ACCESS_CONTROL =
  "the Azure portal (open the subscription that pays for the organization, then Access control (IAM) → Add role assignment, Owner or Contributor), or ask whoever runs this bot to set AZURE_GRAPH_CONNECTION_NAME so that I can search them";

/** With DIRECTORY=azure, managers are added and removed here only when people can be searched in Microsoft Graph. */
export function azureManagerChanges(signIn: Pick<AzureSignIn, 'graphConnection'>): { changedElsewhere: string } | { peopleSearch: true } {
  return signIn.graphConnection === undefined ? { changedElsewhere: AZURE_ACCESS_CONTROL } : { peopleSearch: true };
}

/** Where an organization's paid quantities are bought in Azure DevOps, as "buy" names it. */
function azureBillingPage(web: string): string {
  return `your organization's Organization settings → Billing page in Azure DevOps (${web}/YOUR-ORGANIZATION/_settings/billing)`;
}
