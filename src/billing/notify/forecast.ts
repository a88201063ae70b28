import type { DirectoryUser } from '../../domain/directory';
import type { ReachRecord } from '../../domain/model';
import type { TeamsAddresses } from '../../domain/ports/notifications';
import { formatWhen } from '../../domain/when';
import type { NotificationPlan, PlannedRecipient } from './plan';

/**
 * Who will be told, and whether the bot expects to reach them, judged from what it knows before
 * sending: a chat it already has, a chat it can start, or no Teams address at all. What happens then
 * is recorded per person and shown by `managers`.
 */
export function forecast(addresses: TeamsAddresses, people: readonly DirectoryUser[], lastReach: ReadonlyMap<string, ReachRecord>): NotificationPlan {
  const recipients = people.map((person): PlannedRecipient => {
    const named = { id: person.id, name: person.displayName };
    if (addresses.hasPersonalChat(person.id)) return { person: named, reach: 'chat' };
    if (!addresses.canStartChat(person.tenantId, person.id)) {
      return { person: named, reach: 'unreachable', reason: 'nobody in their tenant has used DevOps Billing in Teams yet, so there is no Teams address to reach them at; ask them to install it' };
    }
    const last = lastReach.get(person.id);
    if (last?.status === 'unreachable' && last.failure) {
      return { person: named, reach: 'new-chat', reason: `on ${formatWhen(last.at)} they could not be reached: ${last.failure.reason}` };
    }
    return { person: named, reach: 'new-chat' };
  });
  return { recipients: recipients.sort((a, b) => a.person.name.localeCompare(b.person.name)) };
}
