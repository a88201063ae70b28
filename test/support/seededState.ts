import { emptyState, type BotState } from '../../src/store/state';
import type { Flow } from '../../src/domain/model';
import { ALEX, CONTOSO_TENANT, ORG_WEB, SUB_PAYG } from './demoWorld';

/**
 * State files as an earlier run of the bot would have left them, for tests that start from a flow in
 * a given condition (open at its last step, expired, finished) without clicking their way there.
 */

const MINUTE = 60_000;

/** Alex's set-up flow for contoso-web on Pay-As-You-Go, open at the confirmation step. */
export function flowAwaitingConfirmation(id: string, overrides: Partial<Flow> = {}): Flow {
  const now = Date.now();
  return {
    id,
    kind: 'setup',
    ownerId: ALEX,
    tenantId: CONTOSO_TENANT,
    conversationId: `personal-${ALEX}`,
    createdAt: new Date(now - MINUTE).toISOString(),
    expiresAt: new Date(now + 10 * MINUTE).toISOString(),
    status: 'open',
    organizationId: ORG_WEB,
    subscriptionId: SUB_PAYG,
    ...overrides,
  };
}

/** The same flow, whose card expired five minutes ago. */
export function expiredFlow(id: string): Flow {
  return flowAwaitingConfirmation(id, { expiresAt: new Date(Date.now() - 5 * MINUTE).toISOString() });
}

export function stateWithFlows(...flows: Flow[]): BotState {
  const state = emptyState();
  for (const flow of flows) state.flows[flow.id] = flow;
  return state;
}
