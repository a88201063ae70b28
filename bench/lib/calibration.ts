import type { Message } from './child';

/**
 * The product's real reply cards, captured from its answers, for its twin: a bare teams-ai bot that
 * answers the same kind of turn with exactly that card but does none of the product's work. The
 * difference between the two is what the product's own code costs.
 */
export class CapturedCards {
  /** By the message text that the card answered. */
  private readonly messages = new Map<string, Record<string, unknown>>();
  /** By the Action.Execute verb that the card answered. */
  private readonly invokes = new Map<string, Record<string, unknown>>();

  /** Takes the card a `cards` request carries: `{ answeredBy: 'reply' | 'answer', trigger, card }`. */
  take(message: Message): Message {
    const { answeredBy, trigger, card } = message;
    if (typeof trigger !== 'string' || !isRecord(card)) return { captured: false };
    (answeredBy === 'answer' ? this.invokes : this.messages).set(trigger.toLowerCase(), card);
    return { captured: true };
  }

  forMessage(text: string): Record<string, unknown> | undefined {
    return this.messages.get(text.trim().toLowerCase());
  }

  forInvoke(verb: string): Record<string, unknown> | undefined {
    return this.invokes.get(verb.toLowerCase());
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
