import assert from 'node:assert/strict';
import { createBillingService, type BillingService } from '../../../src/billing/billingService';
import { cancelAll } from '../../../src/billing/cancelAll';
import type { FlowLimits } from '../../../src/billing/flows/userRateLimit';
import type { Outcome, Problem } from '../../../src/domain/outcome';
import type { BillingChange, PendingBillingChange, SubscriptionOption } from '../../../src/billing/views';
import type { Caller } from '../../../src/domain/caller';
import type { ChangeEvent } from '../../../src/domain/changeEvent';
import { createMemoryStore, type MemoryStateStore } from '../../../src/store/memoryStore';
import { emptyState, type BotState } from '../../../src/store/state';
import type { FlowKind } from '../../../src/domain/model';
import { world, type FakeDirectory, type WorldBuilder } from '../../support/fakeDirectory';

export const CONTOSO = 'tenant-contoso';
export const FABRIKAM = 'tenant-fabrikam';

/** The organization's owner, deliberately missing from its PCA list. */
export const OLIVIA = 'user-olivia';
/** A project collection administrator who is not the owner. */
export const PAT = 'user-pat';
/** A plain member of the organization. */
export const MIA = 'user-mia';
/** In the tenant, not in the organization. */
export const NOAH = 'user-noah';
/** Owner of the subscriptions: the person a fix tells users to ask. */
export const SAM = 'user-sam';
export const FIONA = 'user-fiona';

export const ORG = 'org-web';
export const ORG_NAME = 'contoso-web';
export const FABRIKAM_ORG = 'org-fabrikam';
export const PAYG = 'sub-payg';
export const EA = 'sub-ea';
export const FABRIKAM_SUB = 'sub-fabrikam';

export const FLOW_TTL_MS = 15 * 60_000;

/**
 * The world most billing tests start from: one Contoso organization (owner Olivia, PCA Pat, member
 * Mia), two subscriptions that can pay, owned by Sam, and a Fabrikam tenant next door. Tests add the
 * roles their case is about.
 */
export function contoso(): WorldBuilder {
  return world()
    .tenant(CONTOSO, 'Contoso')
    .tenant(FABRIKAM, 'Fabrikam')
    .user(OLIVIA, 'Olivia Owner', CONTOSO)
    .user(PAT, 'Pat Admin', CONTOSO)
    .user(MIA, 'Mia Member', CONTOSO)
    .user(NOAH, 'Noah Outsider', CONTOSO)
    .user(SAM, 'Sam Subowner', CONTOSO)
    .user(FIONA, 'Fiona Fabrikam', FABRIKAM)
    .org(ORG, { name: ORG_NAME, tenantId: CONTOSO, ownerId: OLIVIA, pcas: [PAT], members: [MIA] })
    .org(FABRIKAM_ORG, { name: 'fabrikam-app', tenantId: FABRIKAM, ownerId: FIONA, pcas: [FIONA] })
    .subscription(PAYG, CONTOSO, { displayName: 'Contoso PAYG' })
    .subscription(EA, CONTOSO, { displayName: 'Contoso EA', quotaId: 'EnterpriseAgreement_2014-09-01' })
    .subscription(FABRIKAM_SUB, FABRIKAM, { displayName: 'Fabrikam PAYG' })
    .role(PAYG, SAM, 'Owner')
    .role(EA, SAM, 'Owner')
    .role(FABRIKAM_SUB, FIONA, 'Owner');
}

export const START = new Date('2026-03-02T10:00:00.000Z');

/** A BillingService on a fake directory and a memory store, with a clock, a record of the changes announced and an error sink to look at. */
export class Bench {
  clock = START;
  readonly store: MemoryStateStore;
  /** The change events announced after their commit, in order. */
  readonly changes: ChangeEvent[] = [];
  /** The events handed to the outbox inside the transactions that made the changes, as saved (JSON). */
  readonly queuedWithChange: ChangeEvent[] = [];
  readonly errors: unknown[] = [];
  readonly service: BillingService;

  constructor(readonly directory: FakeDirectory, initial?: BotState, limits?: FlowLimits) {
    this.store = createMemoryStore(initial);
    this.service = createBillingService({
      directory,
      store: this.store,
      flowTtlMs: FLOW_TTL_MS,
      ...(limits ? { limits } : {}),
      now: () => this.clock,
      notices: {
        prepare: async () => ({ recipients: [], people: [] }),
        // Called inside the change's own transaction: what it is given is saved with the change.
        queueIn: async (_tx, event) => {
          this.queuedWithChange.push(JSON.parse(JSON.stringify(event)) as ChangeEvent);
          return [];
        },
        told: async (event) => {
          this.changes.push(event);
          return { recipients: [] };
        },
      },
      reportError: (error) => void this.errors.push(error),
    });
  }

  /** "cancel" over this bench's billing flows. */
  cancelAll(who: Caller): Promise<Outcome<number>> {
    return cancelAll(this.store, [this.service.context.flows], who, (error) => void this.errors.push(error));
  }

  advanceMs(ms: number): void {
    this.clock = new Date(this.clock.getTime() + ms);
  }

  get state(): Readonly<BotState> {
    return this.store.snapshot();
  }

  /** The state as plain data, to compare before and after a refused request. */
  snapshot(): BotState {
    return structuredClone(this.store.snapshot());
  }
}

export function caller(userId: string, tenantId: string | undefined = CONTOSO, conversationId = `personal-${userId}`): Caller {
  return { userId, tenantId, conversationId };
}

export function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) assert.fail(`expected success, got ${outcome.problem.code}: ${outcome.problem.message}`);
  return outcome.value;
}

/** With links kept in the state, a confirmation completes at once: it never waits for "Check again". */
export function completed(change: BillingChange | PendingBillingChange): BillingChange {
  if ('pending' in change) assert.fail(`expected a completed change, got one waiting for ${change.url}`);
  return change;
}

export function problem<T>(outcome: Outcome<T>): Problem {
  if (outcome.ok) assert.fail(`expected a refusal, got ${JSON.stringify(outcome.value)}`);
  return outcome.problem;
}

export type Step = 'start' | 'organization' | 'subscription' | 'confirm';

export type Attempt =
  | { readonly ok: true; readonly change: BillingChange }
  | { readonly ok: false; readonly step: Step; readonly problem: Problem };

/**
 * Walks a flow to its end with the given ids, whatever the cards offered (as a forged click would),
 * and reports the first refusal or the change made.
 */
export async function attempt(
  bench: Bench,
  who: Caller,
  kind: FlowKind,
  organizationId: string,
  subscriptionId?: string,
): Promise<Attempt> {
  const started = await bench.service.startFlow(who, kind);
  if (!started.ok) return { ok: false, step: 'start', problem: started.problem };
  const flowId = started.value.flow.id;
  const organization = await bench.service.chooseOrganization(who, flowId, organizationId);
  if (!organization.ok) return { ok: false, step: 'organization', problem: organization.problem };
  if (kind !== 'remove') {
    const subscription = await bench.service.chooseSubscription(who, flowId, subscriptionId ?? '');
    if (!subscription.ok) return { ok: false, step: 'subscription', problem: subscription.problem };
  }
  const done = await bench.service.confirm(who, flowId, true);
  return done.ok ? { ok: true, change: completed(done.value) } : { ok: false, step: 'confirm', problem: done.problem };
}

/** Starts a flow and walks it to the confirmation step, asserting each step succeeds; returns the flow id. */
export async function readyToConfirm(bench: Bench, who: Caller, kind: FlowKind, organizationId: string, subscriptionId?: string): Promise<string> {
  const flowId = value(await bench.service.startFlow(who, kind)).flow.id;
  value(await bench.service.chooseOrganization(who, flowId, organizationId));
  if (kind !== 'remove') value(await bench.service.chooseSubscription(who, flowId, subscriptionId ?? ''));
  return flowId;
}

/** Links `organizationId` to `subscriptionId` through the service, as `who`. */
export async function linkThroughService(bench: Bench, who: Caller, organizationId: string, subscriptionId: string): Promise<BillingChange> {
  const result = await attempt(bench, who, 'setup', organizationId, subscriptionId);
  if (!result.ok) assert.fail(`set-up failed at ${result.step}: ${result.problem.code}: ${result.problem.message}`);
  return result.change;
}

/** The subscription list a user sees for an organization in a set-up or change flow. */
export async function subscriptionList(bench: Bench, who: Caller, kind: FlowKind, organizationId: string): Promise<readonly SubscriptionOption[]> {
  const flowId = value(await bench.service.startFlow(who, kind)).flow.id;
  const step = value(await bench.service.chooseOrganization(who, flowId, organizationId));
  assert.ok('subscriptions' in step, 'expected the subscription step');
  return step.subscriptions;
}

export const LINKED_AT = '2026-01-15T08:30:00.000Z';

/** A state with `organizationId` already paid by `subscriptionId`, set up by `linkedBy`. */
export function linkedState(organizationId: string, subscriptionId: string, linkedBy: string): BotState {
  return { ...emptyState(), links: { [organizationId]: { organizationId, subscriptionId, linkedBy, linkedAt: LINKED_AT } } };
}
