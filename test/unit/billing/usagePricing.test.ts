import assert from 'node:assert/strict';
import { LIST_PRICES_USD } from '../../../src/billing/prices';
import { inactivePaidUsers, isInactive, stakeholderBlock } from '../../../src/billing/usage/inactivity';
import { artifactsTieredCents, billArtifacts, billParallelJobs } from '../../../src/billing/usage/usageCharges';
import { billUsers, billedLevel, stakeholderSavingCents, type OrganizationEntitlements } from '../../../src/billing/usage/userCharges';
import type { AccessLevel, Entitlement } from '../../../src/domain/directory';

const ACTIVE = '2026-12-01T09:00:00Z';
const NOW = new Date('2026-12-07T12:00:00Z');

function user(userId: string, accessLevel: AccessLevel, more: Partial<Entitlement> = {}): Entitlement {
  return { userId, accessLevel, licensingSource: 'account', assignedBy: 'direct', lastAccessed: ACTIVE, ...more };
}

function basics(count: number, prefix = 'u'): Entitlement[] {
  return Array.from({ length: count }, (_, i) => user(`${prefix}${i}`, 'basic'));
}

function org(organizationId: string, entitlements: Entitlement[]): OrganizationEntitlements {
  return { organizationId, entitlements };
}

describe('what users cost (BILLING.md: 6 USD a Basic user, 52 a Basic + Test Plans user, 5 Basic free)', () => {
  const cases: { name: string; group: OrganizationEntitlements[]; basic: number; testPlans: number; free: number; usd: number }[] = [
    { name: 'nobody', group: [org('a', [])], basic: 0, testPlans: 0, free: 0, usd: 0 },
    { name: 'five Basic users: all free', group: [org('a', basics(5))], basic: 5, testPlans: 0, free: 5, usd: 0 },
    { name: 'six Basic users: one paid', group: [org('a', basics(6))], basic: 6, testPlans: 0, free: 5, usd: 6 },
    { name: 'Basic + Test Plans users are never among the free five', group: [org('a', [user('t', 'basicTestPlans'), ...basics(2)])], basic: 2, testPlans: 1, free: 2, usd: 52 },
    { name: 'Stakeholders are free and unlimited', group: [org('a', [...basics(5), user('s1', 'stakeholder'), user('s2', 'stakeholder')])], basic: 5, testPlans: 0, free: 5, usd: 0 },
    { name: 'Visual Studio subscribers are free, at any level', group: [org('a', [...basics(5), user('vs1', 'basic', { licensingSource: 'msdn' }), user('vs2', 'basicTestPlans', { licensingSource: 'msdn' })])], basic: 5, testPlans: 0, free: 5, usd: 0 },
    { name: 'a group-rule user who never signed in is not billed yet', group: [org('a', [...basics(5), user('g', 'basic', { assignedBy: 'groupRule', lastAccessed: null })])], basic: 5, testPlans: 0, free: 5, usd: 0 },
    { name: 'a group-rule user who signed in is billed', group: [org('a', [...basics(5), user('g', 'basic', { assignedBy: 'groupRule' })])], basic: 6, testPlans: 0, free: 5, usd: 6 },
    { name: 'a direct user who never signed in is billed from assignment', group: [org('a', [...basics(5), user('n', 'basic', { lastAccessed: null })])], basic: 6, testPlans: 0, free: 5, usd: 6 },
    { name: 'two single organizations are two groups: each has its own five (one counted here)', group: [org('a', basics(7))], basic: 7, testPlans: 0, free: 5, usd: 12 },
    { name: 'multi-org: the free five are shared by the subscription', group: [org('a', basics(4, 'a')), org('b', basics(4, 'b'))], basic: 8, testPlans: 0, free: 5, usd: 18 },
    { name: 'multi-org: a person in two organizations pays once', group: [org('a', basics(4)), org('b', basics(4))], basic: 4, testPlans: 0, free: 4, usd: 0 },
    { name: 'multi-org: a person pays once at the highest level they hold', group: [org('a', [user('x', 'basic'), ...basics(5, 'a')]), org('b', [user('x', 'basicTestPlans')])], basic: 5, testPlans: 1, free: 5, usd: 52 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const bill = billUsers(c.group, LIST_PRICES_USD);
      assert.deepEqual(
        { basic: bill.basicUsers, testPlans: bill.basicTestPlansUsers, free: bill.freeBasicUsed, usd: bill.monthlyCents / 100 },
        { basic: c.basic, testPlans: c.testPlans, free: c.free, usd: c.usd },
      );
    });
  }

  it('bills nobody for a Stakeholder, a Visual Studio subscriber or a group-rule user before their first sign-in', () => {
    assert.equal(billedLevel(user('s', 'stakeholder')), undefined);
    assert.equal(billedLevel(user('v', 'basic', { licensingSource: 'msdn' })), undefined);
    assert.equal(billedLevel(user('g', 'basicTestPlans', { assignedBy: 'groupRule', lastAccessed: null })), undefined);
    assert.equal(billedLevel(user('t', 'basicTestPlans')), 'basicTestPlans');
  });
});

describe('what making users Stakeholders saves', () => {
  const cases: { name: string; group: OrganizationEntitlements[]; stakeholders: string[]; usd: number }[] = [
    { name: 'nothing while the free five absorb the user', group: [org('a', basics(5))], stakeholders: ['u0'], usd: 0 },
    { name: 'one Basic user above the free five', group: [org('a', basics(7))], stakeholders: ['u0'], usd: 6 },
    { name: 'a Basic + Test Plans user', group: [org('a', [user('t', 'basicTestPlans'), ...basics(2)])], stakeholders: ['t'], usd: 52 },
    { name: 'nothing for a person another organization of the group still bills', group: [org('a', basics(8)), org('b', basics(8))], stakeholders: ['u7'], usd: 0 },
    { name: 'three at once', group: [org('a', [...basics(8), user('t', 'basicTestPlans')])], stakeholders: ['u0', 'u1', 't'], usd: 64 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(stakeholderSavingCents(c.group, 'a', new Set(c.stakeholders), LIST_PRICES_USD), c.usd * 100);
    });
  }
});

describe('inactive paid users', () => {
  const cases: { name: string; entitlement: Entitlement; inactive: boolean }[] = [
    { name: 'signed in a week ago', entitlement: user('a', 'basic'), inactive: false },
    { name: 'signed in 31 days ago', entitlement: user('a', 'basic', { lastAccessed: '2026-11-06T11:00:00Z' }), inactive: true },
    { name: 'signed in 29 days ago', entitlement: user('a', 'basic', { lastAccessed: '2026-11-08T13:00:00Z' }), inactive: false },
    { name: 'never signed in, assigned two months ago', entitlement: user('a', 'basic', { lastAccessed: null, assigned: '2026-10-01T09:00:00Z' }), inactive: true },
    { name: 'never signed in, assigned yesterday', entitlement: user('a', 'basic', { lastAccessed: null, assigned: '2026-12-06T09:00:00Z' }), inactive: false },
    { name: 'never signed in, assignment not known', entitlement: user('a', 'basic', { lastAccessed: null }), inactive: true },
  ];
  for (const c of cases) {
    it(`counts a user who ${c.name} as ${c.inactive ? 'inactive' : 'active'} after 30 days`, () => {
      assert.equal(isInactive(c.entitlement, NOW, 30), c.inactive);
    });
  }

  it('lists only paid users, and says which cannot simply become Stakeholders', () => {
    const old = '2026-08-01T09:00:00Z';
    const list = [
      user('paid', 'basic', { lastAccessed: old }),
      user('stake', 'stakeholder', { lastAccessed: old }),
      user('vs', 'basic', { licensingSource: 'msdn', lastAccessed: old }),
      user('rule', 'basic', { assignedBy: 'groupRule', lastAccessed: old }),
      user('fresh', 'basicTestPlans'),
    ];
    assert.deepEqual(inactivePaidUsers(list, NOW, 30).map((e) => e.userId), ['paid', 'rule']);
    assert.deepEqual(list.map(stakeholderBlock), [undefined, 'not-paid', 'not-paid', 'group-rule', undefined]);
  });
});

describe('what Artifacts storage costs (2 GiB free, then 2, 1, 0.50 and 0.25 USD a GiB by tier)', () => {
  const cases: { usedGiB: number; usd: number }[] = [
    { usedGiB: 0, usd: 0 },
    { usedGiB: 2, usd: 0 },
    { usedGiB: 2.5, usd: 1 },
    { usedGiB: 10, usd: 16 },
    { usedGiB: 11, usd: 17 },
    { usedGiB: 100, usd: 106 },
    { usedGiB: 101, usd: 106.5 },
    { usedGiB: 1000, usd: 556 },
    { usedGiB: 1001, usd: 556.25 },
    { usedGiB: 2000, usd: 806 },
  ];
  for (const { usedGiB, usd } of cases) {
    it(`${usedGiB} GiB used cost ${usd} USD a month when paid as used`, () => {
      assert.equal(artifactsTieredCents(usedGiB, LIST_PRICES_USD), Math.round(usd * 100));
      assert.deepEqual(billArtifacts({ usedGiB, usageLimit: 'payAsYouGo' }, LIST_PRICES_USD), { monthlyCents: Math.round(usd * 100), readOnly: false, payAsYouGoCents: Math.round(usd * 100) });
    });
  }

  const freeTier: { usedGiB: number; readOnly: boolean }[] = [
    { usedGiB: 1.2, readOnly: false },
    { usedGiB: 2, readOnly: false },
    { usedGiB: 2.01, readOnly: true },
    { usedGiB: 3.4, readOnly: true },
  ];
  for (const { usedGiB, readOnly } of freeTier) {
    it(`on the free tier, ${usedGiB} GiB cost nothing and ${readOnly ? 'are' : 'are not'} read-only`, () => {
      const bill = billArtifacts({ usedGiB, usageLimit: 'free' }, LIST_PRICES_USD);
      assert.equal(bill.monthlyCents, 0);
      assert.equal(bill.readOnly, readOnly);
    });
  }

  it('takes the first paid tier from the price table', () => {
    assert.equal(artifactsTieredCents(10, { ...LIST_PRICES_USD, artifactsGiB: 3 }), 2400);
  });
});

describe('what paid parallel jobs cost (40 USD Microsoft-hosted, 15 USD self-hosted, on top of one free of each)', () => {
  const cases = [
    { jobs: { microsoftHosted: 0, selfHosted: 0 }, usd: [0, 0] },
    { jobs: { microsoftHosted: 2, selfHosted: 1 }, usd: [80, 15] },
    { jobs: { microsoftHosted: 1, selfHosted: 10 }, usd: [40, 150] },
  ];
  for (const { jobs, usd } of cases) {
    it(`${jobs.microsoftHosted} Microsoft-hosted and ${jobs.selfHosted} self-hosted paid jobs`, () => {
      const bill = billParallelJobs(jobs, LIST_PRICES_USD);
      assert.deepEqual([bill.microsoftHostedCents / 100, bill.selfHostedCents / 100], usd);
    });
  }
});
