import type { PriceTable } from '../billing/prices';

/** What the bot is configured with: read and checked once at start by readConfig. */

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type DirectoryKind = 'local' | 'azure';
/** How the billing link is written with DIRECTORY=azure: by the user through a deep link, or through the unpublished API. */
export type BillingLinkWrites = 'deep-link' | 'api';
export type AppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

export interface BotCredentials {
  readonly appId: string;
  readonly appPassword: string;
  readonly appType: AppType;
  readonly tenantId: string;
  /**
   * Where the bot fetches the OpenID metadata that lists the keys Teams signs its requests with.
   * Absent means the Bot Framework's public cloud endpoint; tests point it at keys they serve themselves.
   */
  readonly openIdMetadataUrl?: string;
}

export interface Config {
  readonly port: number;
  readonly stateFile: string;
  readonly directory: DirectoryKind;
  readonly directoryFile: string;
  /** Absent means local development: no credentials, the bot accepts unauthenticated requests. */
  readonly credentials: BotCredentials | undefined;
  readonly logLevel: LogLevel;
  readonly flowTtlMinutes: number;
  /** A paid user who has not signed in for this many days is listed as inactive (INACTIVE_DAYS, default 30). */
  readonly inactiveDays: number;
  readonly limits: LimitsConfig;
  readonly notifications: NotificationConfig;
  /** List prices for estimates: PRICES_FILE if set, else the shipped table. */
  readonly prices: PriceTable;
  /** Present exactly when `directory` is 'azure'. */
  readonly azure: AzureConfig | undefined;
  /** Where the state lives: the journaled file at `stateFile` (one instance), or Azure Table Storage (several). */
  readonly stateStore: StateStoreConfig;
}

export type StateStoreConfig =
  | { readonly kind: 'file' }
  | {
      readonly kind: 'azure';
      readonly account: StorageAccountAccess;
      /** Starts the state table's name. */
      readonly tablePrefix: string;
      /** The blob container of the leases that elect one deliverer and guard directory changes. */
      readonly leaseContainer: string;
    };

/** A connection string (a key, a SAS, or Azurite), or the endpoints reached as the managed identity. */
export type StorageAccountAccess =
  | { readonly connectionString: string }
  | { readonly tableEndpoint: string; readonly blobEndpoint: string; readonly managedIdentityClientId: string | undefined };

/** Base URLs of the services behind DIRECTORY=azure; tests point them at a loopback emulator. */
export interface AzureEndpoints {
  /** Azure Resource Manager: tenants, subscriptions, role assignments. */
  readonly resourceManager: string;
  /** Azure DevOps profile and accounts (app.vssps.visualstudio.com). */
  readonly devOpsProfile: string;
  /** Azure DevOps identities: Graph groups, memberships, subjects (vssps.dev.azure.com). */
  readonly devOpsGraph: string;
  /** Azure DevOps commerce: the organization's billing setup (azdevopscommerce.dev.azure.com). */
  readonly devOpsCommerce: string;
  /** The Azure DevOps web site, for deep links users open (dev.azure.com). */
  readonly devOpsWeb: string;
  /** Azure DevOps member entitlement management: users' access levels (vsaex.dev.azure.com). */
  readonly devOpsEntitlements: string;
  /** Microsoft Graph: people search for the billing-manager picker (graph.microsoft.com). */
  readonly microsoftGraph: string;
}

export interface AzureSignIn {
  /** Bot Framework OAuth connection whose token is for Azure Resource Manager. */
  readonly resourceManagerConnection: string;
  /** Bot Framework OAuth connection whose token is for Azure DevOps. */
  readonly devOpsConnection: string;
  /**
   * Bot Framework OAuth connection whose token is for Microsoft Graph (User.ReadBasic.All), for
   * searching the people who may become billing managers; without it, add and remove manager are refused.
   */
  readonly graphConnection?: string;
  /** Teams SSO through token exchange: the Application ID URI (api://...) exposed by the bot's app registration. */
  readonly tokenExchangeUri: string | undefined;
}

export interface AzureHttp {
  /** Per attempt; a slower answer is abandoned. */
  readonly timeoutMs: number;
  /** Retries after a throttled (429) or failed (5xx, connection) attempt. */
  readonly maxRetries: number;
  /** A Retry-After longer than this is not waited for: the user is told to come back later. */
  readonly maxRetryAfterMs: number;
}

export interface AzureConfig {
  readonly signIn: AzureSignIn;
  readonly endpoints: AzureEndpoints;
  readonly http: AzureHttp;
  readonly billingWrites: BillingLinkWrites;
}

export const DEFAULT_AZURE_ENDPOINTS: AzureEndpoints = {
  resourceManager: 'https://management.azure.com',
  devOpsProfile: 'https://app.vssps.visualstudio.com',
  devOpsGraph: 'https://vssps.dev.azure.com',
  devOpsCommerce: 'https://azdevopscommerce.dev.azure.com',
  devOpsWeb: 'https://dev.azure.com',
  devOpsEntitlements: 'https://vsaex.dev.azure.com',
  microsoftGraph: 'https://graph.microsoft.com',
};

/** What one person may ask of the bot, and how long it remembers a conversation Teams no longer confirms. */
export interface LimitsConfig {
  /** Flows (set up, change, remove, buy, add or remove a manager) one person may start in a minute. */
  readonly flowStartsPerMinute: number;
  /** Card buttons one person may press in a minute. */
  readonly cardClicksPerMinute: number;
  /** A conversation reference nobody confirmed (a message, an install) for this many days is forgotten. */
  readonly conversationMaxAgeDays: number;
}

/** Pacing and retries of proactive notifications (Teams allows about 7 a second per chat, 50 overall). */
export interface NotificationConfig {
  readonly perConversationPerSecond: number;
  readonly perSecond: number;
  /** Attempts per notification, the first included, for answers worth retrying (429, 5xx, no answer). */
  readonly maxAttempts: number;
  readonly sendTimeoutSeconds: number;
  /** Changes to one organization within this many seconds reach each person as one message. */
  readonly coalesceSeconds: number;
}
