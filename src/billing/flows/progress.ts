import type { Caller } from '../../domain/caller';
import type { Flow, FlowKind } from '../../domain/model';
import type { Problem } from '../../domain/outcome';

/** The name of each flow as a user would say it. */
export const FLOW_COMMAND: Record<FlowKind, string> = {
  setup: 'set up billing',
  change: 'change billing',
  remove: 'remove billing',
};

/** Finished and expired flows are kept this long so that a late click is answered truthfully. */
export const FINISHED_FLOW_RETENTION_MS = 24 * 60 * 60 * 1000;

/** What every kind of card flow has, whatever it is for. */
export type FlowProgress = Pick<Flow, 'ownerId' | 'status' | 'expiresAt' | 'outcome' | 'finishedAt'>;

/**
 * Whether `caller` may act on `flow` now, checked from fresh state at every click whatever the card
 * showed: someone else's card, a late click and a second click on a finished card all change nothing.
 * `restart` is the command that starts such a flow again.
 */
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
  if (flow.status === 'replaced') {
    return {
      code: 'flow-replaced',
      message: `You started a newer "${restart}" after this one, so this card no longer changes anything. Use the newer card, or type "${restart}" to start again.`,
    };
  }
  if (now.getTime() > Date.parse(flow.expiresAt)) {
    return { code: 'flow-expired', message: `This card expired, and nothing was changed. Type "${restart}" to start again.` };
  }
  return undefined;
}

/** How often old flows are looked for: they are kept a day, so a minute late costs nothing. */
export const FLOW_PRUNE_INTERVAL_MS = 60 * 1000;
