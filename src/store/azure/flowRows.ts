import type { FlowRepository, StoredFlow } from '../../domain/ports/store';
import { acrossPartitions, both, inPartition } from './queries';
import { PARTITION, ROW, rowOf, valueOf, type IndexTarget } from './tableRows';
import type { TableSession } from './tableSession';

/**
 * One family of flows in the owner's partition (`user|<owner>`, row `<family>|<flow id>`). A card
 * names its flow by id alone, so an index row per flow says whose partition holds it.
 */
export function flowRows<F extends StoredFlow>(session: TableSession, family: string): FlowRepository<F> {
  const ownerOf = async (flowId: string): Promise<string | undefined> => {
    const index = await session.get(PARTITION.flowOwner(family, flowId), ROW.index);
    return index ? valueOf<IndexTarget>(index).key : undefined;
  };
  const get = async (flowId: string): Promise<F | undefined> => {
    const ownerId = await ownerOf(flowId);
    if (ownerId === undefined) return undefined;
    const row = await session.get(PARTITION.person(ownerId), ROW.flow(family, flowId));
    return row ? valueOf<F>(row) : undefined;
  };
  const list = async (query: ReturnType<typeof inPartition>): Promise<F[]> => (await session.query(query.filter, query.keep)).map((row) => valueOf<F>(row));
  return {
    get,
    listOpenOf: (ownerId) => list(both(inPartition(PARTITION.person(ownerId), ROW.flowPrefix(family)), acrossPartitions(ROW.flowPrefix(family), 'status', 'eq', 'open'))),
    listEndedBefore: async (cutoff) => {
      const ended = await list(acrossPartitions(ROW.flowPrefix(family), 'endsAt', 'lt', cutoff.toISOString()));
      return ended.filter((flow) => Date.parse(endOf(flow)) < cutoff.getTime());
    },
    put: async (flow) => {
      session.indexAhead(rowOf(PARTITION.flowOwner(family, flow.id), ROW.index, { key: flow.ownerId } satisfies IndexTarget));
      session.put(rowOf(PARTITION.person(flow.ownerId), ROW.flow(family, flow.id), flow, { status: flow.status, endsAt: endOf(flow) }));
    },
    delete: async (flowId) => {
      const ownerId = await ownerOf(flowId);
      if (ownerId === undefined || !(await get(flowId))) return;
      await session.delete(PARTITION.person(ownerId), ROW.flow(family, flowId));
      await session.delete(PARTITION.flowOwner(family, flowId), ROW.index);
    },
  };
}

/** When nobody will click the flow any more: its expiry while open, its end once finished. */
function endOf(flow: StoredFlow): string {
  return flow.status === 'open' ? flow.expiresAt : (flow.finishedAt ?? flow.expiresAt);
}
