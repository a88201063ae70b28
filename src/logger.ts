import pino from 'pino';
import type { LogLevel } from './config';

/** Structured JSON logs on stdout, one line an event. */
export type Logger = pino.Logger;

export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'devops-billing-bot' } });
}

/** A logger that drops everything, for tests that assert on behaviour rather than logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
