import type { Outcome } from '../domain/outcome';
import type { CardJson } from '../cards/render';
import { safeText } from '../cards/safeText';
import { problemCard } from './replies';

/** What an Action.Execute answers: a card that replaces the clicked one, or a message that leaves it be. */
export type Answer = CardJson | string;

export type ActionData = Readonly<Record<string, unknown>>;

export function answer<T>(outcome: Outcome<T>, view: (value: T) => CardJson): Answer {
  if (outcome.ok) return view(outcome.value);
  // Someone else's click leaves the card as it is for its owner; everything else replaces it. The
  // message names the owner as the directory spells it: it gets the same step as a card's text.
  if (outcome.problem.code === 'flow-not-yours') return safeText(outcome.problem.message, { markdown: false });
  return problemCard(outcome.problem);
}

export function textField(data: ActionData, name: string): string {
  const value = data[name];
  return typeof value === 'string' ? value.trim() : '';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
