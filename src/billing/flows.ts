import type { Flow, FlowKind } from '../store/state';
import type { Problem } from './problems';
import type { Caller, FlowView } from './views';

/** The name of each flow as a user would say it. */
export const FLOW_COMMAND: Record<FlowKind, string> = {
  setup: 'set up billing',
  change: 'change billing',
  remove: 'remove billing',
};

/** Finished and expired flows are kept this long so that a late click is answered truthfully. */
export const FINISHED_FLOW_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Thrown inside a store mutation to refuse it: the store rolls the mutation back, and the service
 * turns the problem into a refusal for the user.
 */
export class Refused extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
    this.name = 'Refused';
  }
}

export function viewOf(flow: Flow): FlowView {
  return { id: flow.id, kind: flow.kind, expiresAt: flow.expiresAt };
}

/**
 * Whether `caller` may act on `flow` now. Checked from fresh state at every click, whatever the card
 * showed: someone else's card, a late click and a second click on a finished card all change nothing.
 */
export function flowProblem(flow: Flow | undefined, caller: Caller, now: Date, ownerName: string): Problem | undefined {
  return progressProblem(flow, caller, now, ownerName, flow ? FLOW_COMMAND[flow.kind] : '');
}

/** What every kind of card flow has, whatever it is for. */
export type FlowProgress = Pick<Flow, 'ownerId' | 'status' | 'expiresAt' | 'outcome' | 'finishedAt'>;

/** flowProblem for a flow of any kind; `restart` is the command that starts such a flow again. */
export function progressProblem(flow: FlowProgress | undefined, caller: Caller, now: Date, ownerName: string, restart: string): Problem | undefined {
  if (!flow) {
    return { code: 'flow-not-found', message: 'This card is no longer active. Type "help" to see what I can do.' };
  }
  if (flow.ownerId !== caller.userId) {
    return {
      code: 'flow-not-yours',
      message: `This card belongs to ${ownerName}, so only they can use it. To do this yourself, type "${restart}".`,
    };
  }
  if (flow.status === 'completed') {
    return { code: 'flow-finished', message: `This is already done: ${flow.outcome ?? 'the change was made'}. Type "status" to see billing now.` };
  }
  if (flow.status === 'cancelled') {
    return { code: 'flow-cancelled', message: `You cancelled this. Type "${restart}" to start again.` };
  }
  if (now.getTime() > Date.parse(flow.expiresAt)) {
    return { code: 'flow-expired', message: `This card expired, and nothing was changed. Type "${restart}" to start again.` };
  }
  return undefined;
}

/**
 * Whether `flow` is one of the caller's open flows in this conversation, as "cancel" finds them.
 * The tenant counts too: the same object id claimed from another tenant is somebody else.
 */
export function isOpenFlowOf(flow: FlowProgress & Pick<Flow, 'tenantId' | 'conversationId'>, caller: Caller, now: Date): boolean {
  return flow.ownerId === caller.userId
    && (caller.tenantId === undefined || flow.tenantId === caller.tenantId)
    && flow.conversationId === caller.conversationId
    && flow.status === 'open'
    && Date.parse(flow.expiresAt) >= now.getTime();
}

/** How often old flows are looked for: they are kept a day, so a minute late costs nothing. */
export const FLOW_PRUNE_INTERVAL_MS = 60 * 1000;

/** Flows that ended (or expired) long enough ago that nobody will click them any more. */
export function staleFlowIds(flows: Readonly<Record<string, FlowProgress>>, now: Date): string[] {
  const cutoff = now.getTime() - FINISHED_FLOW_RETENTION_MS;
  return Object.entries(flows)
    .filter(([, flow]) => (flow.status === 'open' ? Date.parse(flow.expiresAt) : Date.parse(flow.finishedAt ?? flow.expiresAt)) < cutoff)
    .map(([id]) => id);
}

/**
 * Finds the flows of one collection that are due for deletion, at most once per
 * FLOW_PRUNE_INTERVAL_MS and from the committed state (ended flows never change again): looking at
 * every flow inside each start's update made a turn cost more as flows piled up.
 */
export class StaleFlowSweep {
  private sweptAt: number | undefined;

  due(flows: Readonly<Record<string, FlowProgress>>, now: Date): string[] {
    if (this.sweptAt !== undefined && now.getTime() - this.sweptAt < FLOW_PRUNE_INTERVAL_MS) return [];
    this.sweptAt = now.getTime();
    return staleFlowIds(flows, now);
  }
}
