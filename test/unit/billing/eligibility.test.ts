import assert from 'node:assert/strict';
import type { RoleName, Subscription } from '../../../src/domain/directory';
import {
  Bench, caller, contoso, FABRIKAM, ORG, PAT, problem, readyToConfirm, SAM, subscriptionList, value,
} from './fixtures';

/**
 * BILLING.md, "When a subscription cannot pay": every reason is shown in the list (not selectable,
 * with the reason and the fix) and refused when the id is sent anyway, or when the subscription
 * stops qualifying between the subscription step and the confirmation.
 */

const SUB = 'sub-candidate';
const NAME = 'Candidate Subscription';

interface IneligibleCase {
  readonly name: string;
  readonly fields?: Partial<Omit<Subscription, 'id'>>;
  /** Pat's role on the subscription; Contributor unless the case is about the role. */
  readonly role?: RoleName;
  readonly reason: string;
  readonly fix: string;
}

const CASES: readonly IneligibleCase[] = [
  {
    name: 'a free trial',
    fields: { quotaId: 'FreeTrial_2014-09-01' },
    reason: 'It is a free trial, and free trials cannot pay for Azure DevOps.',
    fix: 'Upgrade it to pay-as-you-go in the Azure portal, or pick another subscription.',
  },
  {
    name: 'a spending limit that is On',
    fields: { quotaId: 'MSDN_2014-09-01', spendingLimit: 'On' },
    reason: 'It has a spending limit, which blocks Azure DevOps charges.',
    fix: 'Remove the spending limit indefinitely in the Azure portal, then try again.',
  },
  {
    name: 'a spending limit off for the current period only',
    fields: { quotaId: 'MSDN_2014-09-01', spendingLimit: 'CurrentPeriodOff' },
    reason: 'Its spending limit is off only for the current billing period; it comes back on next period.',
    fix: 'Remove the spending limit indefinitely in the Azure portal, then try again.',
  },
  {
    name: 'a Disabled subscription',
    fields: { state: 'Disabled' },
    reason: 'It is disabled, not active.',
    fix: 'Reactivate it or settle its balance in the Azure portal, then try again.',
  },
  {
    name: 'a Deleted subscription',
    fields: { state: 'Deleted' },
    reason: 'It is deleted, not active.',
    fix: 'It cannot be used any more; pick another subscription.',
  },
  {
    name: 'a PastDue subscription',
    fields: { state: 'PastDue' },
    reason: 'It is past due, not active.',
    fix: 'Reactivate it or settle its balance in the Azure portal, then try again.',
  },
  {
    name: 'a Warned subscription',
    fields: { state: 'Warned' },
    reason: 'It is warned, not active.',
    fix: 'Reactivate it or settle its balance in the Azure portal, then try again.',
  },
  {
    name: 'a subscription in a state Azure reports but this version does not know',
    fields: { state: 'Unknown', reportedState: 'Expired' },
    reason: 'Azure reports its state as "Expired", which I do not know, so I do not take it for active.',
    fix: 'Reactivate it or settle its balance in the Azure portal, then try again.',
  },
  {
    name: "a subscription in another tenant than the organization's",
    fields: { tenantId: FABRIKAM },
    reason: 'It belongs to another Microsoft Entra tenant than the organization.',
    fix: "Pick a subscription in the organization's tenant, or move the subscription to that tenant.",
  },
  {
    name: 'a subscription on which the user is only Reader',
    role: 'Reader',
    reason: 'You are neither Owner nor Contributor on it.',
    fix: 'Ask Sam Subowner (Owner) to grant you Contributor on it.',
  },
  {
    name: 'a subscription on which the user is only User Access Administrator',
    role: 'User Access Administrator',
    reason: 'You are neither Owner nor Contributor on it.',
    fix: 'Ask Sam Subowner (Owner) to grant you Contributor on it.',
  },
];

/** Contoso with the candidate subscription (owned by Sam) on which Pat holds `role`. */
function benchWith(fields: Partial<Omit<Subscription, 'id'>> = {}, role: RoleName = 'Contributor'): Bench {
  const { tenantId, ...rest } = fields;
  return new Bench(
    contoso()
      .subscription(SUB, tenantId ?? 'tenant-contoso', { displayName: NAME, ...rest })
      .role(SUB, SAM, 'Owner')
      .role(SUB, PAT, role)
      .directory(),
  );
}

describe('Subscriptions that cannot pay', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      it('is listed as not selectable, with the reason and the fix', async () => {
        const bench = benchWith(c.fields, c.role);
        const list = await subscriptionList(bench, caller(PAT), 'setup', ORG);
        const option = list.find((s) => s.id === SUB);
        assert.ok(option, 'the subscription is listed, so the user learns why it is not offered');
        assert.equal(option.selectable, false);
        assert.equal(option.name, NAME);
        assert.deepEqual(option.problems, [{ reason: c.reason, fix: c.fix }]);
        assert.ok(list.findIndex((s) => s.id === SUB) > list.findIndex((s) => s.selectable), 'selectable ones come first');
      });

      it('is refused when its id is sent anyway, saying why and what to do; nothing changes', async () => {
        const bench = benchWith(c.fields, c.role);
        const who = caller(PAT);
        const flowId = value(await bench.service.startFlow(who, 'setup')).flow.id;
        value(await bench.service.chooseOrganization(who, flowId, ORG));
        const refused = problem(await bench.service.chooseSubscription(who, flowId, SUB));
        assert.equal(refused.code, 'subscription-not-eligible');
        assert.ok(refused.message.includes(c.reason), refused.message);
        assert.ok(refused.message.includes(c.fix), refused.message);
        assert.match(refused.message, /Nothing was changed/);
        assert.equal(bench.state.flows[flowId]?.subscriptionId, undefined, 'the flow did not move on');
        assert.equal(problem(await bench.service.confirm(who, flowId, true)).code, 'flow-out-of-order');
        assert.deepEqual(bench.state.links, {});
      });

      it('is refused at confirmation when the subscription stops qualifying after it was picked', async () => {
        const bench = benchWith();
        const who = caller(PAT);
        const flowId = await readyToConfirm(bench, who, 'setup', ORG, SUB);
        if (c.fields) bench.directory.updateSubscription(SUB, c.fields);
        if (c.role) {
          bench.directory.revoke(SUB, PAT);
          bench.directory.grant(SUB, PAT, c.role);
        }
        const refused = problem(await bench.service.confirm(who, flowId, true));
        assert.equal(refused.code, 'subscription-not-eligible');
        assert.ok(refused.message.includes(c.fix), refused.message);
        assert.deepEqual(bench.state.links, {});
        assert.deepEqual(bench.state.audit, []);
        assert.equal(bench.changes.length, 0, 'nobody is told about a change that did not happen');
      });
    });
  }

  it('lists every reason at once, so the user sees every fix in one go', async () => {
    const bench = benchWith({ quotaId: 'FreeTrial_2014-09-01', spendingLimit: 'On', state: 'Disabled' }, 'Reader');
    const option = (await subscriptionList(bench, caller(PAT), 'setup', ORG)).find((s) => s.id === SUB);
    assert.deepEqual(option?.problems.map((p) => p.reason), [
      'It is disabled, not active.',
      'It is a free trial, and free trials cannot pay for Azure DevOps.',
      'It has a spending limit, which blocks Azure DevOps charges.',
      'You are neither Owner nor Contributor on it.',
    ]);
  });

  it('recognises a free trial whatever the case of its offer id', async () => {
    const bench = benchWith({ quotaId: 'freetrial_2014-09-01' });
    const option = (await subscriptionList(bench, caller(PAT), 'setup', ORG)).find((s) => s.id === SUB);
    assert.equal(option?.selectable, false);
  });

  it('names every Owner of the subscription when the role is missing', async () => {
    const bench = new Bench(
      contoso().user('user-otto', 'Otto Second', 'tenant-contoso')
        .subscription(SUB, 'tenant-contoso', { displayName: NAME })
        .role(SUB, SAM, 'Owner').role(SUB, 'user-otto', 'Owner').role(SUB, PAT, 'Reader')
        .directory(),
    );
    const option = (await subscriptionList(bench, caller(PAT), 'setup', ORG)).find((s) => s.id === SUB);
    assert.equal(option?.problems[0]?.fix, 'Ask Sam Subowner or Otto Second (Owner) to grant you Contributor on it.');
  });

  it('still says what to do when the subscription has no Owner on record', async () => {
    const bench = new Bench(contoso().subscription(SUB, 'tenant-contoso', { displayName: NAME }).role(SUB, PAT, 'Reader').directory());
    const option = (await subscriptionList(bench, caller(PAT), 'setup', ORG)).find((s) => s.id === SUB);
    assert.equal(option?.problems[0]?.fix, 'Ask an Owner of the subscription to grant you Contributor on it.');
  });

  describe('offers that can pay', () => {
    const OFFERS = ['PayAsYouGo_2014-09-01', 'EnterpriseAgreement_2014-09-01', 'CSP_2015-05-01', 'Sponsored_2016-01-01', 'MSDN_2014-09-01'];
    for (const quotaId of OFFERS) {
      it(`${quotaId} without a spending limit is selectable for a Contributor`, async () => {
        const bench = benchWith({ quotaId });
        const option = (await subscriptionList(bench, caller(PAT), 'setup', ORG)).find((s) => s.id === SUB);
        assert.equal(option?.selectable, true);
        assert.deepEqual(option?.problems, []);
        assert.equal(option?.offer, quotaId);
      });
    }
  });
});

describe('A subscription whose spending limit Azure did not report', () => {
  it('can be picked, and the picker says to check the spending limit rather than calling it off', async () => {
    const bench = benchWith({ spendingLimit: 'NotKnown' });
    const option = (await subscriptionList(bench, caller(PAT), 'setup', ORG)).find((s) => s.id === SUB);
    assert.equal(option?.selectable, true);
    assert.deepEqual(option?.problems, []);
    assert.equal(option?.caution, `Azure did not say whether ${NAME} has a spending limit. If it has one, it blocks Azure DevOps charges: check it in the Azure portal (the subscription's Overview).`);
  });
});
