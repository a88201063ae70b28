import type { ChangeEvent } from '../../domain/changeEvent';
import type { DirectoryOverlay, ReachRecord, StoredConversationReference } from '../../domain/model';
import type { ChangeEventRepository, ConversationRepository, OverlayRepository, ReachRepository } from '../../domain/ports/store';
import { inPartitionsStartingWith, wholePartition } from './queries';
import { keyPart, PARTITION, ROW, rowOf, valueOf, type IndexTarget } from './tableRows';
import type { TableSession } from './tableSession';

/** What the bot learned about reaching a person, in the person's partition beside their flows. */
export function reachRows(session: TableSession): ReachRepository {
  return {
    get: async (personId) => {
      const row = await session.get(PARTITION.person(personId), ROW.reach);
      return row ? valueOf<ReachRecord>(row) : undefined;
    },
    put: async (personId, record) => session.put(rowOf(PARTITION.person(personId), ROW.reach, record)),
    delete: (personId) => session.delete(PARTITION.person(personId), ROW.reach),
  };
}

/** Conversation references, one partition each, so that a turn reads and writes its own by id. */
export function conversationRows(session: TableSession): ConversationRepository {
  const get = async (conversationId: string): Promise<StoredConversationReference | undefined> => {
    const row = await session.get(PARTITION.conversation(conversationId), ROW.conversation);
    return row ? valueOf<StoredConversationReference>(row) : undefined;
  };
  return {
    get,
    list: async () => {
      const query = inPartitionsStartingWith('conv|');
      return (await session.query(query.filter, query.keep)).map((row) => valueOf<StoredConversationReference>(row));
    },
    listByPerson: async (aadObjectId) => {
      const index = wholePartition(PARTITION.personChats(aadObjectId));
      const found: StoredConversationReference[] = [];
      for (const row of await session.query(index.filter, index.keep)) {
        const reference = await get(valueOf<IndexTarget>(row).key);
        // The index may name a conversation since dropped, or another person's: the reference decides.
        if (reference?.aadObjectId === aadObjectId) found.push(reference);
      }
      return found;
    },
    put: async (reference) => {
      if (reference.aadObjectId) session.indexAhead(rowOf(PARTITION.personChats(reference.aadObjectId), keyPart(reference.conversationId), { key: reference.conversationId } satisfies IndexTarget));
      session.put(rowOf(PARTITION.conversation(reference.conversationId), ROW.conversation, reference));
    },
    delete: (conversationId) => session.delete(PARTITION.conversation(conversationId), ROW.conversation),
  };
}

/** Changes an older version saved before telling anyone: only ever imported from a state file. */
export function changeEventRows(session: TableSession): ChangeEventRepository {
  return {
    list: async () => {
      const query = wholePartition(PARTITION.changeEvents);
      return (await session.query(query.filter, query.keep)).map((row) => valueOf<ChangeEvent>(row));
    },
    put: async (event) => session.put(rowOf(PARTITION.changeEvents, ROW.changeEvent(event.id), event)),
    delete: (eventId) => session.delete(PARTITION.changeEvents, ROW.changeEvent(eventId)),
  };
}

/** The local directory's role overlay: one small record. */
export function overlayRows(session: TableSession): OverlayRepository {
  return {
    get: async () => {
      const row = await session.get(PARTITION.global, ROW.directoryOverlay);
      return row ? valueOf<DirectoryOverlay>(row) : { granted: [], revoked: [] };
    },
    put: async (overlay) => session.put(rowOf(PARTITION.global, ROW.directoryOverlay, { granted: [...overlay.granted], revoked: [...overlay.revoked] })),
  };
}
