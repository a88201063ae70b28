import type { DirectoryPort } from '../../domain/ports/directory';
import type { Store } from '../../domain/ports/store';
import type { ChangeNotices } from './managerNotices';

/**
 * An older version saved a change's event first and queued its notifications in a second write; a
 * crash between the two left the event behind. At start those are queued now, each in one
 * transaction that also clears it. Returns how many. Changes made since are queued with themselves.
 */
export async function queueLeftoverEvents(store: Store, notices: ChangeNotices, directory: DirectoryPort): Promise<number> {
  const leftover = await store.read((tx) => tx.changeEvents.list());
  for (const event of leftover) {
    const notice = await notices.prepare(directory, event);
    const at = new Date().toISOString();
    const queued = await store.transaction(async (tx) => {
      await tx.changeEvents.delete(event.id);
      return notices.queueIn(tx, event, notice, at);
    });
    await notices.told(event, queued, notice);
  }
  return leftover.length;
}
