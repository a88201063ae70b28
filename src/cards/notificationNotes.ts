import type { NotificationPlan } from '../billing/notify/plan';
import { joinNames } from '../billing/explanations';

/** What a result card says about who is being told, and who cannot be reached and why. */
export function notificationNotes(plan: NotificationPlan | undefined): string[] {
  if (!plan) return ['The other billing managers could not be notified just now; the bot tells them as soon as it can.'];
  if (plan.recipients.length === 0) return ['Nobody else manages this billing, so nobody else was notified.'];
  const notes: string[] = [];
  const reachable = plan.recipients.filter((r) => r.reach !== 'unreachable');
  if (reachable.length > 0) notes.push(`Notifying in Teams: ${joinNames(reachable.map((r) => r.person.name), 'and')}.`);
  for (const doubtful of reachable.filter((r) => r.reason)) notes.push(`${doubtful.person.name} may not get it: ${doubtful.reason}.`);
  for (const unreachable of plan.recipients.filter((r) => r.reach === 'unreachable')) {
    notes.push(`Cannot notify ${unreachable.person.name}: ${unreachable.reason ?? 'no way to reach them in Teams'}.`);
  }
  notes.push('Type "managers" to see whether each was reached.');
  return notes;
}
