import type { Message } from './child';

/**
 * The product's real reply cards, captured from its answers, for the diagnostic baselines: bots
 * that answer with exactly those cards but do none of the product's work. The difference between
 * them and the product is what the product's own code costs.
 */
export interface CalibrationCards {
  /** The card a message turn sends (the status card). */
  message?: Record<string, unknown>;
  /** The card an Action.Execute answers with (the confirmation card). */
  invoke?: Record<string, unknown>;
}

/** Takes the cards a `cards` request carries. */
export function calibrate(cards: CalibrationCards, message: Message): Message {
  if (isRecord(message.message)) cards.message = message.message;
  if (isRecord(message.invoke)) cards.invoke = message.invoke;
  return { calibrated: cards.message !== undefined && cards.invoke !== undefined };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
