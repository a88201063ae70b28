import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { LIST_PRICES_USD, parsePriceTable, type PriceTable } from './billing/prices';

/**
 * The only module that reads the environment. Every setting is validated once at start, and a bad
 * value stops the start with a message that names the variable and says what it accepts.
 */

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
  readonly notifications: NotificationConfig;
  /** List prices for estimates: PRICES_FILE if set, else the shipped table. */
  readonly prices: PriceTable;
  /** Present exactly when `directory` is 'azure'. */
  readonly azure: AzureConfig | undefined;
}

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
  /** Azure DevOps member entitlement management: users' access levels (vsaex.dev.azure.com). */
  readonly devOpsEntitlements: string;
  /** The Azure DevOps web site, for deep links users open (dev.azure.com). */
  readonly devOpsWeb: string;
}

export interface AzureSignIn {
  /** Bot Framework OAuth connection whose token is for Azure Resource Manager. */
  readonly resourceManagerConnection: string;
  /** Bot Framework OAuth connection whose token is for Azure DevOps. */
  readonly devOpsConnection: string;
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
  devOpsEntitlements: 'https://vsaex.dev.azure.com',
  devOpsWeb: 'https://dev.azure.com',
};

/** Pacing and retries of proactive notifications (Teams allows about 7 a second per chat, 50 overall). */
export interface NotificationConfig {
  readonly perConversationPerSecond: number;
  readonly perSecond: number;
  /** Attempts per notification, the first included, for answers worth retrying (429, 5xx, no answer). */
  readonly maxAttempts: number;
  readonly sendTimeoutSeconds: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const APP_TYPES: readonly AppType[] = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'];

type Env = Readonly<Record<string, string | undefined>>;

/** The project root: two levels above this file in src/ and in dist/src/. */
export function projectRoot(): string {
  const up = path.resolve(__dirname, '..');
  return path.basename(up) === 'dist' ? path.resolve(up, '..') : up;
}

/**
 * Reads `.env` (if present) beneath the real environment: a variable set in the environment wins, so
 * a deployment can override the file without editing it.
 */
export function loadEnvironment(env: Env = process.env, dotenvFile = path.join(process.cwd(), '.env')): Env {
  if (!existsSync(dotenvFile)) return env;
  let fromFile: Record<string, string>;
  try {
    fromFile = parseDotenv(readFileSync(dotenvFile));
  } catch (error) {
    throw new ConfigError(`Could not read ${dotenvFile}: ${(error as Error).message}. Fix or remove the file.`);
  }
  return { ...fromFile, ...env };
}

export function readConfig(env: Env = loadEnvironment()): Config {
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = text(name);
    if (value === undefined) return fallback;
    const match = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
    if (!match) throw new ConfigError(`${name} is "${value}", but it must be one of: ${allowed.join(', ')}.`);
    return match;
  };
  const wholeNumber = (name: string, fallback: number, min: number, max: number): number => {
    const value = text(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new ConfigError(`${name} is "${value}", but it must be a whole number from ${min} to ${max}.`);
    }
    return n;
  };

  const root = projectRoot();
  const directory = oneOf<DirectoryKind>('DIRECTORY', ['local', 'azure'], 'local');
  const credentials = readCredentials(text, oneOf);
  return {
    port: wholeNumber('PORT', 3978, 0, 65535),
    stateFile: path.resolve(text('STATE_FILE') ?? path.join('data', 'state.json')),
    directory,
    directoryFile: path.resolve(text('DIRECTORY_FILE') ?? path.join(root, 'demo', 'directory.json')),
    credentials,
    logLevel: oneOf<LogLevel>('LOG_LEVEL', LOG_LEVELS, 'info'),
    flowTtlMinutes: wholeNumber('FLOW_TTL_MINUTES', 15, 1, 24 * 60),
    inactiveDays: wholeNumber('INACTIVE_DAYS', 30, 1, 3650),
    notifications: readNotificationConfig(wholeNumber),
    prices: readPrices(text('PRICES_FILE')),
    azure: directory === 'azure' ? readAzure(text, oneOf, wholeNumber, credentials) : undefined,
  };
}

function readAzure(
  text: (name: string) => string | undefined,
  oneOf: <T extends string>(name: string, allowed: readonly T[], fallback: T) => T,
  wholeNumber: (name: string, fallback: number, min: number, max: number) => number,
  credentials: BotCredentials | undefined,
): AzureConfig {
  if (!credentials) {
    throw new ConfigError(
      'DIRECTORY is "azure", which signs users in through the Bot Framework token service and so needs the bot\'s MicrosoftAppId (with MicrosoftAppPassword, or with MicrosoftAppType=UserAssignedMSI and MicrosoftAppTenantId). Set them, or use DIRECTORY=local.',
    );
  }
  const required = (name: string, what: string): string => {
    const value = text(name);
    if (value === undefined) throw new ConfigError(`DIRECTORY is "azure" but ${name} is not set. Set it to the name of ${what}.`);
    return value;
  };
  const httpsUrl = (name: string, fallback: string): string => {
    const value = text(name);
    if (value === undefined) return fallback;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ConfigError(`${name} is "${value}", but it must be an https:// URL such as ${fallback}.`);
    }
    if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '') {
      throw new ConfigError(`${name} is "${value}", but it must be an https:// URL without query or fragment, such as ${fallback}.`);
    }
    return url.href.replace(/\/+$/, '');
  };
  const tokenExchangeUri = text('AZURE_SSO_TOKEN_EXCHANGE_URI');
  if (tokenExchangeUri !== undefined && !/^api:\/\/\S+$/.test(tokenExchangeUri)) {
    throw new ConfigError(`AZURE_SSO_TOKEN_EXCHANGE_URI is "${tokenExchangeUri}", but it must be the Application ID URI of the bot's app registration, starting with api://.`);
  }
  return {
    signIn: {
      resourceManagerConnection: required('AZURE_ARM_CONNECTION_NAME', 'the OAuth connection (on the Azure Bot resource) for https://management.azure.com/user_impersonation'),
      devOpsConnection: required('AZURE_DEVOPS_CONNECTION_NAME', 'the OAuth connection (on the Azure Bot resource) for Azure DevOps, 499b84ac-1321-427f-aa17-267ca6975798/user_impersonation'),
      tokenExchangeUri,
    },
    endpoints: {
      resourceManager: httpsUrl('ARM_ENDPOINT', DEFAULT_AZURE_ENDPOINTS.resourceManager),
      devOpsProfile: httpsUrl('AZURE_DEVOPS_PROFILE_ENDPOINT', DEFAULT_AZURE_ENDPOINTS.devOpsProfile),
      devOpsGraph: httpsUrl('AZURE_DEVOPS_GRAPH_ENDPOINT', DEFAULT_AZURE_ENDPOINTS.devOpsGraph),
      devOpsCommerce: httpsUrl('AZURE_DEVOPS_COMMERCE_ENDPOINT', DEFAULT_AZURE_ENDPOINTS.devOpsCommerce),
      devOpsEntitlements: httpsUrl('AZURE_DEVOPS_ENTITLEMENTS_ENDPOINT', DEFAULT_AZURE_ENDPOINTS.devOpsEntitlements),
      devOpsWeb: httpsUrl('AZURE_DEVOPS_WEB_ENDPOINT', DEFAULT_AZURE_ENDPOINTS.devOpsWeb),
    },
    http: {
      timeoutMs: wholeNumber('AZURE_REQUEST_TIMEOUT_SECONDS', 10, 1, 120) * 1000,
      maxRetries: wholeNumber('AZURE_MAX_RETRIES', 3, 0, 10),
      maxRetryAfterMs: wholeNumber('AZURE_MAX_RETRY_AFTER_SECONDS', 10, 0, 300) * 1000,
    },
    billingWrites: oneOf<BillingLinkWrites>('AZURE_BILLING_WRITES', ['deep-link', 'api'], 'deep-link'),
  };
}

function readNotificationConfig(wholeNumber: (name: string, fallback: number, min: number, max: number) => number): NotificationConfig {
  const perConversationPerSecond = wholeNumber('NOTIFY_PER_CONVERSATION_PER_SECOND', 7, 1, 50);
  const perSecond = wholeNumber('NOTIFY_PER_SECOND', 50, 1, 1000);
  if (perConversationPerSecond > perSecond) {
    throw new ConfigError(
      `NOTIFY_PER_CONVERSATION_PER_SECOND is ${perConversationPerSecond}, more than NOTIFY_PER_SECOND (${perSecond}); one chat cannot get more than all of them. Lower it or raise NOTIFY_PER_SECOND.`,
    );
  }
  return {
    perConversationPerSecond,
    perSecond,
    maxAttempts: wholeNumber('NOTIFY_MAX_ATTEMPTS', 5, 1, 20),
    sendTimeoutSeconds: wholeNumber('NOTIFY_SEND_TIMEOUT_SECONDS', 15, 1, 120),
  };
}

/** The price table from PRICES_FILE, checked whole at start; without it, the shipped list prices. */
function readPrices(file: string | undefined): PriceTable {
  if (file === undefined) return LIST_PRICES_USD;
  const absolute = path.resolve(file);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(absolute, 'utf8'));
  } catch (error) {
    throw new ConfigError(`PRICES_FILE is "${absolute}", which cannot be read as JSON (${(error as Error).message}). Fix the file, or unset PRICES_FILE to use the shipped list prices.`);
  }
  const parsed = parsePriceTable(value);
  if (!parsed.ok) {
    throw new ConfigError(`PRICES_FILE is "${absolute}", which is not a usable price table: ${parsed.problems.join(' ')}`);
  }
  return parsed.prices;
}

function readCredentials(
  text: (name: string) => string | undefined,
  oneOf: <T extends string>(name: string, allowed: readonly T[], fallback: T) => T,
): BotCredentials | undefined {
  const appId = text('MicrosoftAppId');
  const appPassword = text('MicrosoftAppPassword');
  const appType = oneOf<AppType>('MicrosoftAppType', APP_TYPES, 'MultiTenant');
  const tenantId = text('MicrosoftAppTenantId') ?? '';
  const openIdMetadataUrl = text('BOT_OPENID_METADATA_URL');
  if (appId === undefined) {
    if (appPassword !== undefined) {
      throw new ConfigError('MicrosoftAppPassword is set but MicrosoftAppId is not. Set both, or neither for local development.');
    }
    if (text('MicrosoftAppType') !== undefined || tenantId !== '') {
      throw new ConfigError(
        'MicrosoftAppType or MicrosoftAppTenantId is set but MicrosoftAppId is not, so the bot would accept unauthenticated requests. Set MicrosoftAppId (the app registration\'s or the managed identity\'s client id), or unset both for local development.',
      );
    }
    if (openIdMetadataUrl !== undefined) {
      throw new ConfigError('BOT_OPENID_METADATA_URL is set but MicrosoftAppId is not: without credentials no request is authenticated. Set the credentials, or remove BOT_OPENID_METADATA_URL.');
    }
    return undefined;
  }
  checkCredentialCombination(appType, appPassword !== undefined, tenantId !== '');
  return {
    appId,
    appPassword: appPassword ?? '',
    appType,
    tenantId,
    ...(openIdMetadataUrl !== undefined ? { openIdMetadataUrl: checkedMetadataUrl(openIdMetadataUrl) } : {}),
  };
}

/**
 * The combinations botbuilder accepts. A managed identity has no secret: it gets its tokens from the
 * host (App Service), so a password beside it would be a leftover that is never used.
 */
function checkCredentialCombination(appType: AppType, hasPassword: boolean, hasTenant: boolean): void {
  if (appType === 'UserAssignedMSI') {
    if (hasPassword) {
      throw new ConfigError(
        'MicrosoftAppType is UserAssignedMSI, which signs in as the managed identity and takes no secret, but MicrosoftAppPassword is set. Remove MicrosoftAppPassword, or set MicrosoftAppType to SingleTenant or MultiTenant to use the secret.',
      );
    }
    if (!hasTenant) {
      throw new ConfigError('MicrosoftAppType is UserAssignedMSI, which needs MicrosoftAppTenantId (the Entra tenant id of the managed identity).');
    }
    return;
  }
  if (!hasPassword) {
    throw new ConfigError(
      `MicrosoftAppId is set but MicrosoftAppPassword is not. MicrosoftAppType ${appType} needs the app registration's client secret; for a managed identity without a secret set MicrosoftAppType=UserAssignedMSI.`,
    );
  }
  if (appType === 'SingleTenant' && !hasTenant) {
    throw new ConfigError('MicrosoftAppType is SingleTenant, which needs MicrosoftAppTenantId (the Entra tenant id of the app registration).');
  }
}

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The signing keys decide who may talk to the bot, so they must come over https; plain http is
 * accepted only from this machine, where a test serves its own keys.
 */
function checkedMetadataUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`BOT_OPENID_METADATA_URL is "${value}", which is not a URL. Give the full https address of the OpenID metadata document.`);
  }
  const loopback = url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname);
  if (url.protocol !== 'https:' && !loopback) {
    throw new ConfigError(`BOT_OPENID_METADATA_URL is "${value}", but it must be an https address (plain http is accepted only for localhost).`);
  }
  return value;
}
