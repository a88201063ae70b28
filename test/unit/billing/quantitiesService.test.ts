import assert from 'node:assert/strict';
import { createBillingService } from '../../../src/billing/billingService';
import { cancelAll } from '../../../src/billing/cancelAll';
import { TELL_NOBODY, type ChangeNotices } from '../../../src/billing/notify/managerNotices';
import type { Outcome } from '../../../src/domain/outcome';
import { FREE_TIER } from '../../../src/billing/quantities';
import { createQuantitiesService, type QuantitiesService, type ReviewAnswer } from '../../../src/billing/quantitiesService';
import type { QuantitiesStep } from '../../../src/billing/quantitiesViews';
import type { Caller } from '../../../src/domain/caller';
import { StateBillingLinks } from '../../../src/billingLinks/stateBillingLinks';
import type { DirectoryFile, RoleName } from '../../../src/domain/directory';
import type { ChangeEvent } from '../../../src/domain/changeEvent';
import { createMemoryStore, type MemoryStateStore } from '../../../src/store/memoryStore';
import type { PaidQuantities } from '../../../src/domain/model';
import { emptyState, type BotState } from '../../../src/store/state';
import { WorldDirectory } from '../../support/worldDirectory';

const TENANT = 'tenant-1';
const people = {
  owen: 'Owen Owner',
  petra: 'Petra Admin',
  carl: 'Carl Contributor',
  olga: 'Olga Outside',
  maya: 'Maya Both',
  mel: 'Mel Member',
  rita: 'Rita Reader',
  sam: 'Sam Stranger',
} as const;
type Who = keyof typeof people;

function assignment(subscriptionId: string, who: Who, role: RoleName): DirectoryFile['roleAssignments'][number] {
  return { subscriptionId, principalId: who, role };
}

/**
 * Two organizations with the same people: org-billed is paid by sub-payg, org-new has no billing.
 * Roles on sub-payg: Owen Owner, Carl, Olga and Maya Contributor, Rita Reader.
 */
const WORLD: DirectoryFile = {
  tenants: [{ id: TENANT, displayName: 'Contoso' }],
  users: (Object.keys(people) as Who[]).map((id) => ({ id, displayName: people[id], email: `${id}@contoso.com`, tenantId: TENANT })),
  organizations: [
    {
      id: 'org-billed', name: 'billed-org', tenantId: TENANT, ownerId: 'owen', projectCollectionAdministrators: ['owen', 'petra', 'maya'], members: ['owen', 'petra', 'maya', 'carl', 'mel', 'rita'],
      usage: { artifacts: { usedGiB: 12.5, usageLimit: 'free' } },
    },
    { id: 'org-new', name: 'new-org', tenantId: TENANT, ownerId: 'owen', projectCollectionAdministrators: ['owen', 'petra'], members: ['owen', 'petra', 'carl', 'mel'] },
    { id: 'org-stalled', name: 'stalled-org', tenantId: TENANT, ownerId: 'owen', projectCollectionAdministrators: ['owen'], members: ['owen', 'carl'] },
  ],
  subscriptions: [
    { id: 'sub-payg', displayName: 'Pay-As-You-Go', tenantId: TENANT, state: 'Enabled', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    { id: 'sub-off', displayName: 'Switched Off', tenantId: TENANT, state: 'Disabled', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
  ],
  roleAssignments: [
    assignment('sub-payg', 'owen', 'Owner'),
    assignment('sub-payg', 'carl', 'Contributor'),
    assignment('sub-payg', 'olga', 'Contributor'),
    assignment('sub-payg', 'maya', 'Contributor'),
    assignment('sub-payg', 'rita', 'Reader'),
    assignment('sub-off', 'owen', 'Owner'),
    assignment('sub-off', 'carl', 'Contributor'),
  ],
};

function initialState(): BotState {
  const state = emptyState();
  const linkedAt = '2026-11-01T00:00:00.000Z';
  state.links['org-billed'] = { organizationId: 'org-billed', subscriptionId: 'sub-payg', linkedBy: 'owen', linkedAt };
  state.links['org-stalled'] = { organizationId: 'org-stalled', subscriptionId: 'sub-off', linkedBy: 'owen', linkedAt };
  state.quantities['org-billed'] = { paid: { ...FREE_TIER, microsoftHostedJobs: 3 }, changedBy: 'owen', changedAt: linkedAt };
  state.quantities['org-stalled'] = { paid: { ...FREE_TIER, selfHostedJobs: 4 }, changedBy: 'owen', changedAt: linkedAt };
  return state;
}

function caller(who: Who | string): Caller {
  return { userId: who, tenantId: TENANT, conversationId: `chat-${who}` };
}

/** What the quantities card sends: the parallel jobs and the Artifacts switch. */
function paid(values: Partial<PaidQuantities>, artifactsLimit = 'free'): Record<string, unknown> {
  const { microsoftHostedJobs, selfHostedJobs } = { ...FREE_TIER, ...values };
  return { microsoftHostedJobs, selfHostedJobs, artifactsLimit };
}

/** What is recorded as bought: only parallel jobs count today. */
function bought(values: Partial<PaidQuantities>): PaidQuantities {
  return { ...FREE_TIER, ...values };
}

function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) assert.fail(`expected success, got ${outcome.problem.code}: ${outcome.problem.message}`);
  return outcome.value;
}

describe('QuantitiesService', () => {
  let store: MemoryStateStore;
  let service: QuantitiesService;
  let clock: Date;
  let told: ChangeEvent[];
  let queuedWithChange: ChangeEvent[];
  let storageErrors: unknown[];

  beforeEach(() => {
    store = createMemoryStore(initialState());
    clock = new Date('2026-11-26T09:00:00Z');
    told = [];
    queuedWithChange = [];
    storageErrors = [];
    const directory = new WorldDirectory(WORLD);
    const now = (): Date => clock;
    const notices: ChangeNotices = {
      ...TELL_NOBODY,
      // Called inside the change's own transaction: what it is given is saved with the change.
      queueIn: async (_tx, event) => {
        queuedWithChange.push(event);
        return [];
      },
      told: async (event) => {
        told.push(event);
        return { recipients: [] };
      },
    };
    const billing = createBillingService({ directory, store, flowTtlMs: 15 * 60_000, now });
    service = createQuantitiesService({ directory, store, billing, flowTtlMs: 15 * 60_000, now, notices, reportError: (e) => storageErrors.push(e) });
  });

  async function open(who: Who, organizationId: string): Promise<{ flowId: string; step: Outcome<QuantitiesStep> }> {
    const started = value(await service.start(caller(who)));
    return { flowId: started.flow.id, step: await service.chooseOrganization(caller(who), started.flow.id, organizationId) };
  }

  async function review(who: Who, organizationId: string, quantities: Record<string, unknown>): Promise<{ flowId: string; answer: ReviewAnswer }> {
    const { flowId, step } = await open(who, organizationId);
    value(step);
    return { flowId, answer: value(await service.review(caller(who), flowId, quantities)) };
  }

  describe('who may buy (table)', () => {
    type Expectation = 'edit' | 'first purchase' | { code: string; says: RegExp };
    const cases: { name: string; who: Who; organization: string; expect: Expectation }[] = [
      { name: 'later edit: the subscription Owner who owns the organization', who: 'owen', organization: 'org-billed', expect: 'edit' },
      { name: 'later edit: a Contributor on the subscription without PCA', who: 'carl', organization: 'org-billed', expect: 'edit' },
      { name: 'later edit: a Contributor who is not even a member of the organization', who: 'olga', organization: 'org-billed', expect: 'edit' },
      { name: 'later edit: a PCA who is also Contributor', who: 'maya', organization: 'org-billed', expect: 'edit' },
      {
        name: 'later edit: a PCA without a subscription role',
        who: 'petra',
        organization: 'org-billed',
        expect: { code: 'missing-subscription-role', says: /Only Owners and Contributors.*billed-org.*project collection administrator is not enough.*Ask Owen Owner, Carl Contributor, Olga Outside or Maya Both/ },
      },
      { name: 'later edit: a Reader on the subscription', who: 'rita', organization: 'org-billed', expect: { code: 'missing-subscription-role', says: /Ask Owen Owner, Carl Contributor, Olga Outside or Maya Both/ } },
      { name: 'later edit: a plain member', who: 'mel', organization: 'org-billed', expect: { code: 'missing-subscription-role', says: /^Only Owners and Contributors of the subscription that pays for billed-org can change its paid quantities\. Ask/ } },
      { name: 'later edit: someone outside the organization with no role', who: 'sam', organization: 'org-billed', expect: { code: 'not-a-member', says: /not a member of billed-org/ } },
      { name: 'first purchase: the owner', who: 'owen', organization: 'org-new', expect: 'first purchase' },
      { name: 'first purchase: a PCA without any subscription role', who: 'petra', organization: 'org-new', expect: 'first purchase' },
      {
        name: 'first purchase: a subscription Contributor without PCA',
        who: 'carl',
        organization: 'org-new',
        expect: { code: 'not-project-collection-administrator', says: /new-org has no billing yet.*only project collection administrators.*Ask Owen Owner or Petra Admin/ },
      },
      { name: 'first purchase: someone outside the organization', who: 'olga', organization: 'org-new', expect: { code: 'not-a-member', says: /not a member of new-org/ } },
      { name: 'an organization that does not exist', who: 'owen', organization: 'org-nowhere', expect: { code: 'organization-not-found', says: /does not exist/ } },
    ];

    for (const { name, who, organization, expect } of cases) {
      it(name, async () => {
        const before = structuredClone(store.snapshot());
        const started = value(await service.start(caller(who)));
        const option = started.organizations.find((o) => o.id === organization);
        const { flowId, step } = await open(who, organization);

        if (typeof expect === 'object') {
          assert.equal(step.ok, false);
          if (!step.ok) {
            assert.equal(step.problem.code, expect.code);
            assert.match(step.problem.message, expect.says);
            assert.match(step.problem.message, /Nothing was changed\.$/);
          }
          // The organization card said so before any click, with the same reason.
          if (option) assert.deepEqual({ selectable: option.selectable, reason: option.reason }, { selectable: false, reason: step.ok ? '' : step.problem.message });
          // A forged "Next" with numbers is refused just the same and changes nothing.
          const forged = await service.review(caller(who), flowId, paid({ microsoftHostedJobs: 9 }));
          assert.equal(forged.ok, false);
          assert.deepEqual(store.snapshot().quantities, before.quantities);
          assert.deepEqual(store.snapshot().links, before.links);
          return;
        }

        assert.equal(option?.selectable, true, `${who} should be offered ${organization}`);
        assert.equal(value(step).firstPurchase, expect === 'first purchase');
        const next = value(await service.review(caller(who), flowId, paid({ microsoftHostedJobs: 10, selfHostedJobs: 4 })));
        if (expect === 'first purchase') {
          assert.equal(next.kind, 'setup');
          assert.deepEqual(store.snapshot().quantities, before.quantities, 'nothing is bought before billing is linked');
          const setup = Object.values(store.snapshot().flows).find((f) => f.kind === 'setup' && f.ownerId === who);
          assert.equal(setup?.organizationId, organization);
          assert.deepEqual(setup?.pendingPurchase, bought({ microsoftHostedJobs: 10, selfHostedJobs: 4 }));
          return;
        }
        assert.equal(next.kind, 'confirm');
        const done = value(await service.confirm(caller(who), flowId));
        assert.deepEqual(store.snapshot().quantities[organization]?.paid, bought({ microsoftHostedJobs: 10, selfHostedJobs: 4 }));
        assert.equal(store.snapshot().quantities[organization]?.changedBy, who);
        const audit = store.snapshot().audit.at(-1);
        assert.deepEqual(
          { action: audit?.action, actorId: audit?.actorId, from: audit?.fromQuantities?.microsoftHostedJobs, to: audit?.toQuantities?.microsoftHostedJobs },
          { action: 'quantities.change', actorId: who, from: 3, to: 10 },
        );
        assert.equal(told.length, 1);
        const event = told[0];
        if (event?.kind !== 'quantities.change') return assert.fail(`expected a quantities.change event, got ${event?.kind}`);
        assert.equal(event.actor.name, people[who]);
        assert.deepEqual(event.changes, [{ what: 'Microsoft-hosted parallel jobs', from: '3', to: '10' }, { what: 'Self-hosted parallel jobs', from: '0', to: '4' }]);
        assert.equal(event.id, audit?.id, 'the event is the audited change');
        assert.deepEqual(queuedWithChange, [event], 'the event goes to the outbox in the same transaction as the change');
        assert.deepEqual(done.notifications, { recipients: [] });
        assert.equal(done.change.toMonthlyCents - done.change.fromMonthlyCents, (7 * 40 + 4 * 15) * 100);
      });
    }
  });

  it('offers parallel jobs and the Artifacts switch, priced in tiers from the current use, and no user seats', async () => {
    const step = value((await open('carl', 'org-billed')).step);
    assert.deepEqual(step.meters.map((m) => [m.meter.id, m.paidNow]), [['microsoftHostedJobs', 3], ['selfHostedJobs', 0]]);
    assert.deepEqual(step.artifacts, { now: 'free', value: 'free', usedGiB: 12.5, payAsYouGoCents: 1850 });
    assert.equal(step.monthlyNowCents, 3 * 4000);
  });

  it('switches Artifacts to pay as used: recorded, audited, told, and priced from the current use', async () => {
    const { flowId, answer } = await review('carl', 'org-billed', paid({ microsoftHostedJobs: 3 }, 'payAsYouGo'));
    assert.equal(answer.kind, 'confirm');
    if (answer.kind !== 'confirm') return;
    assert.deepEqual(answer.review.change.artifacts, { from: 'free', to: 'payAsYouGo', fromCents: 0, toCents: 1850, usedGiB: 12.5 });
    assert.equal(answer.review.change.toMonthlyCents - answer.review.change.fromMonthlyCents, 1850);
    value(await service.confirm(caller('carl'), flowId));
    assert.equal(store.snapshot().quantities['org-billed']?.artifactsLimit, 'payAsYouGo');
    const audit = store.snapshot().audit.at(-1);
    assert.deepEqual([audit?.fromArtifactsLimit, audit?.toArtifactsLimit], ['free', 'payAsYouGo']);
    const event = told[0];
    if (event?.kind !== 'quantities.change') return assert.fail('expected a quantities.change event');
    assert.deepEqual(event.changes, [{ what: 'Artifacts storage', from: 'free tier only', to: 'pay for what you use' }]);
    const again = value((await open('carl', 'org-billed')).step);
    assert.equal(again.artifacts.now, 'payAsYouGo');
    assert.equal(again.monthlyNowCents, 3 * 4000 + 1850);
  });

  it('lets nobody start paying for storage on an inactive subscription', async () => {
    const { flowId } = await open('carl', 'org-stalled');
    const refused = await service.review(caller('carl'), flowId, paid({ selfHostedJobs: 4 }, 'payAsYouGo'));
    assert.equal(refused.ok ? '' : refused.problem.code, 'subscription-not-eligible');
  });

  it('keeps Artifacts as it is on a first purchase, which sets billing up first', async () => {
    const { answer } = await review('owen', 'org-new', paid({ microsoftHostedJobs: 1 }, 'payAsYouGo'));
    assert.equal(answer.kind, 'invalid');
    if (answer.kind === 'invalid') assert.match(answer.step.problems.join(), /new-org has no billing yet, so Artifacts storage stays on "free tier only" for this first purchase/);
  });

  it('explains user seats an earlier version recorded once, counts them nowhere, and keeps them in the history', async () => {
    await store.updateState((state) => {
      state.quantities['org-billed'] = { paid: { ...FREE_TIER, basicUsers: 10, basicTestPlansUsers: 2, microsoftHostedJobs: 3 }, changedBy: 'owen', changedAt: '2026-01-01T00:00:00.000Z' };
    });
    const first = value((await open('carl', 'org-billed')).step);
    assert.equal(first.uncountedSeats, '10 Basic users and 2 Basic + Test Plans users');
    assert.equal(first.monthlyNowCents, 3 * 4000, 'the seats cost nothing: users are billed by access level');
    const second = value((await open('owen', 'org-billed')).step);
    assert.equal(second.uncountedSeats, '', 'explained once');
    const { flowId } = await review('carl', 'org-billed', paid({ microsoftHostedJobs: 4 }));
    value(await service.confirm(caller('carl'), flowId));
    const audit = store.snapshot().audit.at(-1);
    assert.deepEqual([audit?.fromQuantities?.basicUsers, audit?.toQuantities?.basicUsers], [10, 0], 'the history keeps what was recorded');
    assert.equal(store.snapshot().quantities['org-billed']?.paid.basicUsers, 0);
  });

  it('lists the organizations a billing manager pays for, even without belonging to them', async () => {
    const options = value(await service.start(caller('olga'))).organizations;
    assert.deepEqual(options.map((o) => [o.name, o.selectable, o.currentSubscription?.name]), [['billed-org', true, 'Pay-As-You-Go']]);
  });

  it('brings the card back with every reason when numbers are invalid, and changes nothing', async () => {
    const { answer } = await review('carl', 'org-billed', { microsoftHostedJobs: '1e3', selfHostedJobs: '201', artifactsLimit: 'unlimited' });
    assert.equal(answer.kind, 'invalid');
    if (answer.kind !== 'invalid') return;
    assert.equal(answer.step.problems.length, 3);
    assert.deepEqual(answer.step.meters.map((m) => m.value), [3, 0], 'invalid entries show the current quantity again');
    assert.equal(answer.step.artifacts.value, 'free');
    assert.deepEqual(store.snapshot().quantities, initialState().quantities);
    assert.equal(store.snapshot().audit.length, 0);
  });

  it('refuses the quantities the organization already has as nothing to change', async () => {
    const { answer } = await review('carl', 'org-billed', paid({ microsoftHostedJobs: 3 }));
    assert.equal(answer.kind, 'invalid');
    if (answer.kind === 'invalid') assert.match(answer.step.problems.join(), /already|nothing to change/);
  });

  it('refuses a confirmation when someone else changed the quantities in the meantime', async () => {
    const carls = await review('carl', 'org-billed', paid({ microsoftHostedJobs: 20 }));
    const olgas = await review('olga', 'org-billed', paid({ microsoftHostedJobs: 5 }));
    value(await service.confirm(caller('olga'), olgas.flowId));
    const late = await service.confirm(caller('carl'), carls.flowId);
    assert.equal(late.ok, false);
    if (!late.ok) assert.match(late.problem.message, /changed the paid quantities of billed-org while you were deciding, so nothing was changed/);
    assert.equal(store.snapshot().quantities['org-billed']?.paid.microsoftHostedJobs, 5);
  });

  it('refuses a confirmation when billing was removed in the meantime', async () => {
    const { flowId } = await review('carl', 'org-billed', paid({ microsoftHostedJobs: 20 }));
    await store.updateState((state) => {
      delete state.links['org-billed'];
      delete state.quantities['org-billed'];
    });
    const late = await service.confirm(caller('carl'), flowId);
    assert.equal(late.ok, false);
    assert.equal(store.snapshot().quantities['org-billed'], undefined);
  });

  it('lets nobody buy more on an inactive subscription, but allows a reduction', async () => {
    const more = await open('carl', 'org-stalled');
    const refused = await service.review(caller('carl'), more.flowId, paid({ selfHostedJobs: 6 }));
    assert.equal(refused.ok, false);
    if (!refused.ok) assert.match(refused.problem.message, /Switched Off cannot pay for more right now\. It is disabled, not active\..*Reductions are still possible/);

    const { flowId, answer } = await review('carl', 'org-stalled', paid({ selfHostedJobs: 1 }));
    assert.equal(answer.kind, 'confirm');
    value(await service.confirm(caller('carl'), flowId));
    assert.equal(store.snapshot().quantities['org-stalled']?.paid.selfHostedJobs, 1);
  });

  it('goes back to zero by removing the entry: the free tier', async () => {
    const { flowId } = await review('owen', 'org-billed', paid({}));
    value(await service.confirm(caller('owen'), flowId));
    assert.equal(store.snapshot().quantities['org-billed'], undefined);
    assert.equal(store.snapshot().audit.at(-1)?.toQuantities?.microsoftHostedJobs, 0);
  });

  it("answers someone else's click, a late click and a second click without changing anything", async () => {
    const { flowId } = await review('carl', 'org-billed', paid({ microsoftHostedJobs: 20 }));
    const other = await service.confirm(caller('owen'), flowId);
    assert.deepEqual(other.ok ? '' : other.problem.code, 'flow-not-yours');

    clock = new Date(clock.getTime() + 16 * 60_000);
    const late = await service.confirm(caller('carl'), flowId);
    assert.deepEqual(late.ok ? '' : late.problem.code, 'flow-expired');
    assert.equal(store.snapshot().quantities['org-billed']?.paid.microsoftHostedJobs, 3);

    const again = await review('carl', 'org-billed', paid({ microsoftHostedJobs: 20 }));
    value(await service.confirm(caller('carl'), again.flowId));
    const second = await service.confirm(caller('carl'), again.flowId);
    assert.deepEqual(second.ok ? '' : second.problem.code, 'flow-finished');
    assert.equal(store.snapshot().audit.length, 1);
  });

  it('reports a refused write as "nothing was changed" and keeps the quantities', async () => {
    const { flowId } = await review('carl', 'org-billed', paid({ microsoftHostedJobs: 20 }));
    store.failNextWrite();
    const failed = await service.confirm(caller('carl'), flowId);
    assert.deepEqual(failed.ok ? '' : failed.problem.code, 'state-unavailable');
    assert.equal(storageErrors.length, 1);
    assert.equal(store.snapshot().quantities['org-billed']?.paid.microsoftHostedJobs, 3);
    assert.equal(told.length, 0);
    // The confirmation still stands and can be tried again.
    value(await service.confirm(caller('carl'), flowId));
    assert.equal(store.snapshot().quantities['org-billed']?.paid.microsoftHostedJobs, 20);
  });

  it('cancels only the open purchases of the caller in this conversation; one replaced by a newer purchase is no longer open', async () => {
    await open('carl', 'org-billed');
    await open('carl', 'org-billed');
    await open('owen', 'org-billed');
    assert.equal(value(await cancelAll(store, [service.context.flows], caller('carl'), () => undefined)), 1);
    const statuses = Object.values(store.snapshot().purchases).map((f) => `${f.ownerId} ${f.status}`).sort();
    assert.deepEqual(statuses, ['carl cancelled', 'carl replaced', 'owen open']);
  });
});

describe('QuantitiesService with a directory per caller', () => {
  const now = (): Date => new Date('2026-11-26T09:00:00Z');

  it('asks the directory of the caller making each request, so each click sees fresh data', async () => {
    const store = createMemoryStore(initialState());
    const asked: string[] = [];
    const directoryFor = async (who: Caller) => {
      asked.push(who.userId);
      return new WorldDirectory(WORLD);
    };
    const billing = createBillingService({ directoryFor, store, flowTtlMs: 15 * 60_000, now });
    const service = createQuantitiesService({ directoryFor, store, billing, flowTtlMs: 15 * 60_000, now });
    const started = value(await service.start(caller('carl')));
    value(await service.chooseOrganization(caller('carl'), started.flow.id, 'org-billed'));
    assert.deepEqual(asked, ['carl', 'carl']);
  });

  it('refuses every step with the place to buy instead when paid quantities are kept elsewhere', async () => {
    const store = createMemoryStore(initialState());
    const directory = new WorldDirectory(WORLD);
    const billing = createBillingService({ directory, store, flowTtlMs: 15 * 60_000, now });
    const service = createQuantitiesService({ directory, store, billing, flowTtlMs: 15 * 60_000, now, boughtElsewhere: 'the Billing settings page' });
    const before = structuredClone(store.snapshot());
    const refused = await service.start(caller('carl'));
    assert.equal(refused.ok ? '' : refused.problem.code, 'not-available-here');
    assert.match(refused.ok ? '' : refused.problem.message, /Buy them on the Billing settings page, then type "status"/);
    const click = await service.confirm(caller('carl'), 'any-flow');
    assert.equal(click.ok ? '' : click.problem.code, 'not-available-here');
    assert.deepEqual(store.snapshot(), before);
  });

  it('does not start a first purchase with a set-up whose link another service keeps, since both could not be one write', async () => {
    const store = createMemoryStore(initialState());
    const billing = createBillingService({ directory: new WorldDirectory(WORLD), billingLinksFor: async () => new StateBillingLinks(store), store, flowTtlMs: 15 * 60_000, now });
    const before = structuredClone(store.snapshot());
    const refused = await billing.startFirstPurchase(caller('petra'), 'org-new', { ...FREE_TIER, microsoftHostedJobs: 10 });
    assert.equal(refused.ok ? '' : refused.problem.code, 'not-available-here');
    assert.match(refused.ok ? '' : refused.problem.message, /Type "set up billing" first/);
    assert.deepEqual(store.snapshot(), before);
  });

  it('does not let the same object id claimed from another tenant cancel the caller\'s purchases', async () => {
    const store = createMemoryStore(initialState());
    const directory = new WorldDirectory(WORLD);
    const billing = createBillingService({ directory, store, flowTtlMs: 15 * 60_000, now });
    const service = createQuantitiesService({ directory, store, billing, flowTtlMs: 15 * 60_000, now });
    value(await service.start(caller('carl')));
    assert.equal(value(await cancelAll(store, [service.context.flows], { ...caller('carl'), tenantId: 'tenant-elsewhere' }, () => undefined)), 0);
    assert.equal(value(await cancelAll(store, [service.context.flows], caller('carl'), () => undefined)), 1);
  });

  it('keeps a saved change when the listener throws, and reports the error', async () => {
    const store = createMemoryStore(initialState());
    const directory = new WorldDirectory(WORLD);
    const errors: unknown[] = [];
    const billing = createBillingService({ directory, store, flowTtlMs: 15 * 60_000, now });
    const notices: ChangeNotices = { ...TELL_NOBODY, told: async () => { throw new Error('delivery down'); } };
    const service = createQuantitiesService({ directory, store, billing, flowTtlMs: 15 * 60_000, now, notices, reportError: (e) => errors.push(e) });
    const started = value(await service.start(caller('carl')));
    value(await service.chooseOrganization(caller('carl'), started.flow.id, 'org-billed'));
    value(await service.review(caller('carl'), started.flow.id, paid({ microsoftHostedJobs: 7 })));
    value(await service.confirm(caller('carl'), started.flow.id));
    assert.equal(store.snapshot().quantities['org-billed']?.paid.microsoftHostedJobs, 7);
    assert.equal(errors.length, 1);
  });
});
