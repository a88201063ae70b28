import assert from 'node:assert/strict';
import type { RoleName, Subscription } from '../../../src/domain/directory';
import type { OrganizationStatus } from '../../../src/billing/views';
import {
  attempt, Bench, caller, CONTOSO, contoso, EA, LINKED_AT, linkedState, MIA, NOAH, OLIVIA, ORG, ORG_NAME, PAT, PAYG, SAM, START, value,
} from './fixtures';

/**
 * BILLING.md, "view billing status": every member sees whether billing is set up and who manages it;
 * the subscription, dates and warnings are for PCAs and billing managers (Owner or Contributor on
 * the billing subscription).
 */

async function statusOf(b: Bench, userId: string): Promise<OrganizationStatus | undefined> {
  return value(await b.service.status(caller(userId))).find((s) => s.organization.id === ORG);
}

const DETAILS = {
  organization: { id: ORG, name: ORG_NAME },
  linked: true,
  detailsVisible: true,
  subscription: { id: PAYG, name: 'Contoso PAYG' },
  setUpBy: { id: SAM, name: 'Sam Subowner' },
  setUpAt: LINKED_AT,
  warnings: [],
};

/** In the contoso() world Sam alone holds a role on the billing subscription, so PCAs are warned. */
const SAM_ALONE = 'Only Sam Subowner can manage billing of contoso-web. Add a backup billing manager, so that billing survives them leaving.';
const DETAILS_SAM_ALONE = { ...DETAILS, warnings: [SAM_ALONE], soleManager: { id: SAM, name: 'Sam Subowner' } };

const SUMMARY = {
  organization: { id: ORG, name: ORG_NAME },
  access: 'member',
  linked: true,
  detailsVisible: false,
  setUpBy: { id: SAM, name: 'Sam Subowner' },
  warnings: [],
};

describe('Billing status', () => {
  describe('who sees what of a linked organization', () => {
    const VIEWERS: readonly { readonly label: string; readonly userId: string; readonly role?: { sub: string; role: RoleName }; readonly details: boolean }[] = [
      { label: 'the owner (not in the PCA list), with no subscription role', userId: OLIVIA, details: true },
      { label: 'a PCA with no subscription role', userId: PAT, details: true },
      { label: 'a member who is Owner of the billing subscription', userId: MIA, role: { sub: PAYG, role: 'Owner' }, details: true },
      { label: 'a member who is Contributor on the billing subscription', userId: MIA, role: { sub: PAYG, role: 'Contributor' }, details: true },
      { label: 'a member who is Reader on the billing subscription', userId: MIA, role: { sub: PAYG, role: 'Reader' }, details: false },
      { label: 'a member who is User Access Administrator on the billing subscription', userId: MIA, role: { sub: PAYG, role: 'User Access Administrator' }, details: false },
      { label: 'a member who is Contributor on another subscription', userId: MIA, role: { sub: EA, role: 'Contributor' }, details: false },
      { label: 'a member with no role', userId: MIA, details: false },
    ];
    for (const v of VIEWERS) {
      it(`${v.label} ${v.details ? 'sees the subscription and dates' : 'sees only that billing is set up and who manages it'}`, async () => {
        const builder = contoso();
        if (v.role) builder.role(v.role.sub, v.userId, v.role.role);
        const b = new Bench(builder.directory(), linkedState(ORG, PAYG, SAM));
        const status = await statusOf(b, v.userId);
        if (v.details) {
          const { access: _access, paid: _paid, ...rest } = status ?? assert.fail('no status');
          // A viewer who sees details without a role of their own leaves Sam the only billing manager.
          assert.deepEqual(rest, v.role ? DETAILS : DETAILS_SAM_ALONE);
        } else {
          assert.deepEqual(status, SUMMARY);
        }
      });
    }

    it('lists nothing for someone outside the organization', async () => {
      const b = new Bench(contoso().directory(), linkedState(ORG, PAYG, SAM));
      assert.deepEqual(value(await b.service.status(caller(NOAH))), []);
    });

    it('tells a member of an organization without billing only that it is not set up', async () => {
      const b = new Bench(contoso().directory());
      assert.deepEqual(await statusOf(b, MIA), { organization: { id: ORG, name: ORG_NAME }, access: 'member', linked: false, detailsVisible: false, warnings: [] });
      assert.equal((await statusOf(b, PAT))?.access, 'project-collection-administrator');
    });

    it('shows a PCA who changed billing last, and when', async () => {
      const b = new Bench(contoso().role(EA, PAT, 'Owner').directory(), linkedState(ORG, PAYG, SAM));
      const result = await attempt(b, caller(PAT), 'change', ORG, EA);
      assert.ok(result.ok);
      const status = await statusOf(b, OLIVIA);
      assert.deepEqual(status?.subscription, { id: EA, name: 'Contoso EA' });
      assert.deepEqual(status?.setUpBy, { id: SAM, name: 'Sam Subowner' });
      assert.deepEqual(status?.changedBy, { id: PAT, name: 'Pat Admin' });
      assert.equal(status?.changedAt, START.toISOString());
    });

    it('names a manager who left the directory as a former user', async () => {
      const b = new Bench(contoso().directory(), linkedState(ORG, PAYG, 'user-gone'));
      assert.deepEqual((await statusOf(b, MIA))?.setUpBy, { id: 'user-gone', name: 'a former user' });
    });

    it('lists the organizations by name', async () => {
      const b = new Bench(
        contoso().org('org-a', { name: 'aardvark', tenantId: CONTOSO, ownerId: PAT }).org('org-z', { name: 'zebra', tenantId: CONTOSO, ownerId: PAT }).directory(),
      );
      assert.deepEqual(value(await b.service.status(caller(PAT))).map((s) => s.organization.name), ['aardvark', ORG_NAME, 'zebra']);
    });
  });

  describe('warnings about the subscription that pays', () => {
    const NOT_ACTIVE = 'Contoso PAYG is not active any more, so this organization has fallen back to the free tier. Reactivate the subscription or change billing.';
    const SPENDING_LIMIT = 'Contoso PAYG has a spending limit on, which blocks Azure DevOps charges. Remove the spending limit indefinitely, or change billing.';
    const CASES: readonly { readonly name: string; readonly fields: Partial<Omit<Subscription, 'id'>>; readonly warnings: readonly string[] }[] = [
      { name: 'is healthy', fields: {}, warnings: [] },
      { name: 'became Disabled', fields: { state: 'Disabled' }, warnings: [NOT_ACTIVE] },
      { name: 'became PastDue', fields: { state: 'PastDue' }, warnings: [NOT_ACTIVE] },
      { name: 'became Warned', fields: { state: 'Warned' }, warnings: [NOT_ACTIVE] },
      { name: 'got a spending limit (On)', fields: { spendingLimit: 'On' }, warnings: [SPENDING_LIMIT] },
      { name: 'has its spending limit off for this period only', fields: { spendingLimit: 'CurrentPeriodOff' }, warnings: [SPENDING_LIMIT] },
      { name: 'became Disabled with a spending limit', fields: { state: 'Disabled', spendingLimit: 'On' }, warnings: [NOT_ACTIVE, SPENDING_LIMIT] },
      {
        name: 'has a spending limit Azure did not report',
        fields: { spendingLimit: 'NotKnown' },
        warnings: ['Azure did not say whether Contoso PAYG has a spending limit. If it has one, it blocks Azure DevOps charges: check it in the Azure portal (the subscription\'s Overview).'],
      },
      {
        name: 'is in a state this version does not know',
        fields: { state: 'Unknown', reportedState: 'Expired' },
        warnings: ['Contoso PAYG is in a state I do not know ("Expired"), so it may not pay. Check it in the Azure portal, or change billing.'],
      },
    ];
    for (const c of CASES) {
      it(`warns PCAs when the linked subscription ${c.name}${c.warnings.length ? '' : ' (no warning)'}`, async () => {
        const b = new Bench(contoso().directory(), linkedState(ORG, PAYG, SAM));
        b.directory.updateSubscription(PAYG, c.fields);
        assert.deepEqual((await statusOf(b, PAT))?.warnings, [...c.warnings, SAM_ALONE]);
        assert.deepEqual((await statusOf(b, MIA))?.warnings, [], 'members are not shown subscription details');
      });
    }

    it('warns when the linked subscription vanished from the directory, still naming it by id', async () => {
      const b = new Bench(contoso().directory(), linkedState(ORG, PAYG, SAM));
      b.directory.removeSubscription(PAYG);
      const status = await statusOf(b, PAT);
      assert.equal(status?.linked, true);
      assert.deepEqual(status?.subscription, { id: PAYG, name: `subscription ${PAYG}` });
      assert.deepEqual(status?.warnings, [`subscription ${PAYG} no longer exists or cannot be read. Change billing to a subscription that can pay.`]);
    });

    it('reads the subscription afresh on every request', async () => {
      const b = new Bench(contoso().directory(), linkedState(ORG, PAYG, SAM));
      assert.deepEqual((await statusOf(b, PAT))?.warnings, [SAM_ALONE]);
      b.directory.updateSubscription(PAYG, { state: 'Disabled' });
      assert.deepEqual((await statusOf(b, PAT))?.warnings, [NOT_ACTIVE, SAM_ALONE]);
      b.directory.updateSubscription(PAYG, { state: 'Enabled' });
      assert.deepEqual((await statusOf(b, PAT))?.warnings, [SAM_ALONE]);
    });
  });
});
