import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';

/**
 * What a user reads when the bot itself failed. It carries a reference to find the log line, and it
 * does not claim that nothing changed: the failure may have come after a change was saved.
 */
export function internalFailureMessage(reference: string): string {
  return `I ran into an internal error and stopped (reference ${reference}). Type "status" to see where billing stands, and tell whoever runs this bot if it happens again.`;
}

/** Logs an unexpected error with a fresh reference and returns the reference. */
export function logFailure(logger: Logger, error: unknown, what: string): string {
  const reference = randomUUID().slice(0, 8);
  logger.error({ err: error, reference }, `${what} failed unexpectedly.`);
  return reference;
}

/**
 * What a user reads when the bot's storage could not be reached: nothing was changed (a transaction
 * either commits whole or not at all), and it is worth trying again.
 */
export const STORAGE_UNREACHABLE =
  "I cannot reach the bot's storage just now, so I did nothing. Try again in a minute; if it keeps failing, tell whoever runs this bot.";
