import type { Problem } from '../billing/problems';
import { noticeCard } from '../cards/infoCards';
import type { CardJson } from '../cards/render';

/** Titles for read-only answers, by what went wrong. */
export function problemCard(problem: Problem): CardJson {
  const title = {
    'flow-expired': 'This card expired',
    'flow-finished': 'Already done',
    'flow-cancelled': 'Cancelled',
    'flow-not-found': 'This card is no longer active',
    'state-unavailable': 'Nothing was changed',
  }[problem.code as string] ?? 'Nothing was changed';
  return noticeCard(title, problem.message);
}
