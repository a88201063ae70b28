import assert from 'node:assert/strict';
import { UserRateLimit } from '../../../src/billing/flows/userRateLimit';
import { UsersService } from '../../../src/billing/usersService';
import type { Entitlement } from '../../../src/domain/directory';
import { createMemoryStore, type MemoryStateStore } from '../../../src/store/memoryStore';
import type { FakeDirectory } from '../../support/fakeDirectory';
import { caller, contoso, FLOW_TTL_MS, linkedState, MIA, OLIVIA, ORG, PAT, PAYG, problem, SAM, START, value } from './fixtures';

const LONG_AGO = '2026-01-05T09:00:00Z';
const RECENTLY = '2026-03-01T09:00:00Z';

function entitlement(userId: string, accessLevel: Entitlement['accessLevel'], lastAccessed: string | null, more: Partial<Entitlement> = {}): Entitlement {
  return { userId, accessLevel, licensingSource: 'account', assignedBy: 'direct', lastAccessed, ...more };
}

/** Olivia (owner) and Pat (PCA) are active; Mia (Basic) and Sam (Basic + Test Plans) have not signed in since January. */
function directory(): FakeDirectory {
  const fake = contoso().directory();
  fake.updateOrganization(ORG, { members: [MIA, SAM] });
  fake.setUsage(ORG, {
    billingMode: 'singleOrg',
    entitlements: [
      entitlement(OLIVIA, 'basic', RECENTLY),
      entitlement(PAT, 'basic', RECENTLY),
      entitlement(MIA, 'basic', LONG_AGO),
      entitlement(SAM, 'basicTestPlans', LONG_AGO),
    ],
  });
  return fake;
}

describe('users: making inactive paid users Stakeholders', () => {
  let store: MemoryStateStore;
  let fake: FakeDirectory;
  let service: UsersService;

  function start(store0 = createMemoryStore()): void {
    store = store0;
    fake = directory();
    service = new UsersService({ directory: fake, store, flowTtlMs: FLOW_TTL_MS, now: () => START });
  }

  beforeEach(() => start());

  /** Pat opens `users` for the organization and ticks these people: the flow id. */
  async function reviewed(ticks: string[], who = PAT): Promise<string> {
    const flowId = value(await service.start(caller(who))).flow.id;
    const overview = value(await service.chooseOrganization(caller(who), flowId, ORG));
    assert.deepEqual(overview.inactive.map((u) => u.id), [SAM, MIA], 'inactive paid users, Basic + Test Plans first');
    const answer = value(await service.review(caller(who), flowId, { selected: ticks.join(',') }));
    assert.equal(answer.kind, 'confirm');
    return flowId;
  }

  function levelOf(userId: string): Promise<string | undefined> {
    return fake.usageOf(ORG).then((usage) => usage?.entitlements?.find((e) => e.userId === userId)?.accessLevel);
  }

  it('counts a start of users against the per-person limit, and refuses one beyond it before asking the directory', async () => {
    const limited = new UsersService({ directory: fake, store, flowTtlMs: FLOW_TTL_MS, now: () => START, limits: { starts: new UserRateLimit(2), clicks: new UserRateLimit(100) } });
    value(await limited.start(caller(PAT)));
    value(await limited.start(caller(PAT)));
    let lookups = 0;
    const getUser = fake.getUser.bind(fake);
    fake.getUser = (id) => {
      lookups += 1;
      return getUser(id);
    };
    const refused = problem(await limited.start(caller(PAT)));
    assert.match(refused.message, /^You started 2 billing tasks in the last minute, which is the most I accept from one person\. Wait \d+ seconds, then type "users" again\. Nothing was changed\.$/);
    assert.equal(lookups, 0, 'a refused start asks the directory nothing');
    value(await limited.start(caller(OLIVIA)));
  });

  it('shows counts, the free five, the cost and each saving, then changes exactly the ticked users in one audited write', async () => {
    const flowId = value(await service.start(caller(PAT))).flow.id;
    const overview = value(await service.chooseOrganization(caller(PAT), flowId, ORG));
    assert.deepEqual(overview.counts, { stakeholder: 0, basic: 3, basicTestPlans: 1, visualStudio: 0 });
    assert.equal(overview.freeBasicUsed, 3);
    assert.equal(overview.monthlyCents, 5200);
    assert.deepEqual(overview.inactive.map((u) => [u.name, u.savingCents]), [['Sam Subowner', 5200], ['Mia Member', 0]]);
    const review = value(await service.review(caller(PAT), flowId, { selected: `${SAM},${MIA}` }));
    assert.ok(review.kind === 'confirm');
    assert.deepEqual([review.review.fromCents, review.review.toCents], [5200, 0]);
    const done = value(await service.confirm(caller(PAT), flowId));
    assert.deepEqual(done.people.map((p) => `${p.name}: ${p.from}`), ['Sam Subowner: Basic + Test Plans', 'Mia Member: Basic']);
    assert.equal(await levelOf(SAM), 'stakeholder');
    assert.equal(await levelOf(MIA), 'stakeholder');
    const audit = store.snapshot().audit.filter((a) => a.action === 'access.change');
    assert.deepEqual(audit.map((a) => [a.principalId, a.fromAccessLevel, a.toAccessLevel]), [[SAM, 'basicTestPlans', 'stakeholder'], [MIA, 'basic', 'stakeholder']]);
    assert.equal(store.snapshot().accessFlows[flowId]?.status, 'completed');
  });

  it('keeps the ticks of one page while another is shown, and drops a forged tick of someone not listed', async () => {
    const flowId = value(await service.start(caller(PAT))).flow.id;
    value(await service.chooseOrganization(caller(PAT), flowId, ORG));
    const answer = value(await service.review(caller(PAT), flowId, { selected: `${OLIVIA},not-a-user` }));
    assert.equal(answer.kind, 'invalid');
    assert.deepEqual(store.snapshot().accessFlows[flowId]?.selected, []);
    const paged = value(await service.page(caller(PAT), flowId, 0, { selected: MIA }));
    assert.deepEqual(paged.inactive.filter((u) => u.selected).map((u) => u.id), [MIA]);
  });

  describe('a forged or stale click changes nothing', () => {
    async function unchanged(work: () => Promise<void>): Promise<void> {
      const before = structuredClone(store.snapshot());
      await work();
      const after = store.snapshot();
      assert.deepEqual(after.audit, before.audit);
      assert.deepEqual(after.outbox, before.outbox);
      assert.equal(await levelOf(SAM), 'basicTestPlans');
    }

    it("someone else's flow", async () => {
      const flowId = await reviewed([SAM]);
      await unchanged(async () => {
        assert.equal(problem(await service.confirm(caller(OLIVIA), flowId)).code, 'flow-not-yours');
      });
    });

    it('a user who is no longer paid (made a Stakeholder meanwhile)', async () => {
      const flowId = await reviewed([SAM, MIA]);
      await fake.setAccessLevel({ organizationId: ORG, userId: MIA, accessLevel: 'stakeholder', changedBy: OLIVIA, changedAt: START.toISOString() });
      await unchanged(async () => {
        const refused = problem(await service.confirm(caller(PAT), flowId));
        assert.equal(refused.code, 'user-not-paid');
        assert.match(refused.message, /Mia Member is no longer a paid user of contoso-web .* nothing was changed\. Type "users"/);
      });
    });

    it('a project collection administrator who lost the role', async () => {
      const flowId = await reviewed([SAM]);
      fake.updateOrganization(ORG, { projectCollectionAdministrators: [], members: [MIA, SAM, PAT] });
      await unchanged(async () => {
        const refused = problem(await service.confirm(caller(PAT), flowId));
        assert.equal(refused.code, 'not-project-collection-administrator');
        assert.match(refused.message, /Ask Olivia Owner/);
      });
    });

    it('a second click on the same confirmation', async () => {
      const flowId = await reviewed([SAM]);
      const [first, second] = await Promise.all([service.confirm(caller(PAT), flowId), service.confirm(caller(PAT), flowId)]);
      assert.equal([first, second].filter((o) => o.ok).length, 1);
      assert.equal(store.snapshot().audit.filter((a) => a.action === 'access.change').length, 1);
    });
  });

  it('shows a billing manager who is no administrator the users, without a way to change them, and names who can', async () => {
    start(createMemoryStore(linkedState(ORG, PAYG, OLIVIA)));
    const flowId = value(await service.start(caller(SAM))).flow.id;
    const overview = value(await service.chooseOrganization(caller(SAM), flowId, ORG));
    assert.equal(overview.canChange, false);
    assert.deepEqual(overview.whoCanChange, ['Olivia Owner', 'Pat Admin']);
    const refused = problem(await service.review(caller(SAM), flowId, { selected: MIA }));
    assert.equal(refused.code, 'not-project-collection-administrator');
  });

  it('refuses a member who is neither administrator nor billing manager, naming who can see the users', async () => {
    const flowId = value(await service.start(caller(MIA))).flow.id;
    const refused = problem(await service.chooseOrganization(caller(MIA), flowId, ORG));
    assert.match(refused.message, /Only project collection administrators of contoso-web and the billing managers .* Ask Olivia Owner or Pat Admin/);
  });
});
