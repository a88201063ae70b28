import { subscriptionsConcerned, type ChangeEvent } from '../../domain/changeEvent';
import type { DirectoryUser } from '../../domain/directory';
import type { Recipient } from '../../domain/notifications';
import type { DirectoryPort } from '../../domain/ports/directory';
import { billingManagerIds } from '../managerRules';

/**
 * Who hears about a change: every billing manager of the subscriptions it concerns (both, for a
 * change of subscription), except the person who made it. A person just made a manager gets a welcome
 * instead; a person just removed is told so, though they are no manager any more.
 */
export async function recipientsOf(directory: DirectoryPort, event: ChangeEvent): Promise<{ recipients: Recipient[]; people: DirectoryUser[] }> {
  const ids = new Set<string>();
  for (const subscription of subscriptionsConcerned(event)) {
    for (const id of billingManagerIds(await directory.roleAssignmentsOn(subscription.id))) ids.add(id);
  }
  if (event.kind === 'manager.add' || event.kind === 'manager.remove') ids.add(event.person.id);
  ids.delete(event.actor.id);
  const people = await directory.getUsers([...ids]);
  const recipients = people.map((person): Recipient => ({
    id: person.id,
    tenantId: person.tenantId,
    card: event.kind === 'manager.add' && person.id === event.person.id ? 'welcome' : 'change',
  }));
  return { recipients, people };
}
