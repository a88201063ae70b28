import { FLOW_COMMAND } from '../billing/flows/progress';
import type { ManagerCommand } from '../billing/managerService';
import type { Problem } from '../domain/outcome';
import type { FlowKind } from '../domain/model';
import { noticeCard } from '../cards/infoCards';
import type { CardJson } from '../cards/render';

/** Titles for read-only answers, by what went wrong. */
export function problemCard(problem: Problem): CardJson {
  const title = {
    'flow-expired': 'This card expired',
    'flow-finished': 'Already done',
    'flow-cancelled': 'Cancelled',
    'flow-replaced': 'Replaced by a newer card',
    'too-many-requests': 'Too many at once',
    'flow-not-found': 'This card is no longer active',
    'state-unavailable': 'Nothing was changed',
  }[problem.code as string] ?? 'Nothing was changed';
  return noticeCard(title, problem.message);
}

/**
 * Flows list subscriptions, people, ids and reasons that are the caller's business only, so they run
 * in the caller's personal chat with the bot, never in front of a whole chat or channel.
 * `command`: a billing flow's kind, or the command as typed.
 */
export function personalChatOnly(command: FlowKind | 'buy' | 'users' | 'costs' | ManagerCommand): string {
  const typed = isFlowKind(command) ? FLOW_COMMAND[command] : command;
  return `Billing changes happen in our personal chat, so that your subscriptions stay between us. Open a chat with me and type "${typed}" there.`;
}

function isFlowKind(command: string): command is FlowKind {
  return Object.prototype.hasOwnProperty.call(FLOW_COMMAND, command);
}
