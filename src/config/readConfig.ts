import path from 'node:path';
import { readAzure } from './azure';
import { readCredentials } from './credentials';
import { loadEnvironment, projectRoot, type Env } from './environment';
import { readNotificationConfig } from './notifications';
import { readPrices } from './prices';
import { Settings } from './settings';
import { readStateStore } from './stateStore';
import type { Config, DirectoryKind, LogLevel } from './types';

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Every setting, validated once at start: a bad value stops the start with a message that names the
 * variable and says what it accepts.
 */
export function readConfig(env: Env = loadEnvironment()): Config {
  const settings = new Settings(env);
  const directory = settings.oneOf<DirectoryKind>('DIRECTORY', ['local', 'azure'], 'local');
  const credentials = readCredentials(settings);
  return {
    port: settings.wholeNumber('PORT', 3978, 0, 65535),
    stateFile: path.resolve(settings.text('STATE_FILE') ?? path.join('data', 'state.json')),
    directory,
    directoryFile: path.resolve(settings.text('DIRECTORY_FILE') ?? path.join(projectRoot(), 'demo', 'directory.json')),
    credentials,
    logLevel: settings.oneOf<LogLevel>('LOG_LEVEL', LOG_LEVELS, 'info'),
    flowTtlMinutes: settings.wholeNumber('FLOW_TTL_MINUTES', 15, 1, 24 * 60),
    inactiveDays: settings.wholeNumber('INACTIVE_DAYS', 30, 1, 3650),
    limits: {
      flowStartsPerMinute: settings.wholeNumber('FLOW_STARTS_PER_MINUTE', 10, 1, 1_000_000),
      cardClicksPerMinute: settings.wholeNumber('CARD_CLICKS_PER_MINUTE', 60, 1, 1_000_000),
      conversationMaxAgeDays: settings.wholeNumber('CONVERSATION_MAX_AGE_DAYS', 180, 1, 3650),
    },
    notifications: readNotificationConfig(settings),
    prices: readPrices(settings.text('PRICES_FILE')),
    azure: directory === 'azure' ? readAzure(settings, credentials) : undefined,
    stateStore: readStateStore(settings),
  };
}
