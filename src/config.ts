import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { LIST_PRICES_USD, parsePriceTable, type PriceTable } from './billing/prices';

/**
 * The only module that reads the environment. Every setting is validated once at start, and a bad
 * value stops the start with a message that names the variable and says what it accepts.
 */

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type DirectoryKind = 'local';
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
  readonly notifications: NotificationConfig;
  /** List prices for estimates: PRICES_FILE if set, else the shipped table. */
  readonly prices: PriceTable;
}

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
  const directory = oneOf<DirectoryKind>('DIRECTORY', ['local'], 'local');
  return {
    port: wholeNumber('PORT', 3978, 0, 65535),
    stateFile: path.resolve(text('STATE_FILE') ?? path.join('data', 'state.json')),
    directory,
    directoryFile: path.resolve(text('DIRECTORY_FILE') ?? path.join(root, 'demo', 'directory.json')),
    credentials: readCredentials(text, oneOf),
    logLevel: oneOf<LogLevel>('LOG_LEVEL', LOG_LEVELS, 'info'),
    flowTtlMinutes: wholeNumber('FLOW_TTL_MINUTES', 15, 1, 24 * 60),
    notifications: readNotificationConfig(wholeNumber),
    prices: readPrices(text('PRICES_FILE')),
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
    if (openIdMetadataUrl !== undefined) {
      throw new ConfigError('BOT_OPENID_METADATA_URL is set but MicrosoftAppId is not: without credentials no request is authenticated. Set the credentials, or remove BOT_OPENID_METADATA_URL.');
    }
    return undefined;
  }
  if (appType !== 'UserAssignedMSI' && appPassword === undefined) {
    throw new ConfigError(`MicrosoftAppId is set but MicrosoftAppPassword is not. Set the app's client secret, or set MicrosoftAppType=UserAssignedMSI.`);
  }
  if (appType !== 'MultiTenant' && tenantId === '') {
    throw new ConfigError(`MicrosoftAppType is ${appType}, which needs MicrosoftAppTenantId (the Entra tenant id of the app registration).`);
  }
  return {
    appId,
    appPassword: appPassword ?? '',
    appType,
    tenantId,
    ...(openIdMetadataUrl !== undefined ? { openIdMetadataUrl: checkedMetadataUrl(openIdMetadataUrl) } : {}),
  };
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
