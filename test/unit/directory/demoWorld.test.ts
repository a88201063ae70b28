import assert from 'node:assert/strict';
import { LocalDirectory } from '../../../src/directory/localDirectory';
import type { Organization, RoleName, Subscription } from '../../../src/domain/directory';
import { ALEX, CONTOSO_TENANT, DEMO_FILE } from './fixtures';

/**
 * The demo world promises a newcomer every branch (DESIGN.md, BILLING.md). These tests work the
 * promise out from the data, with the rules of BILLING.md restated here on purpose: if the file
 * drifts, or the rules are misread elsewhere, this fails on its own terms.
 */

type Reason = 'free trial' | 'spending limit' | 'not active' | 'other tenant' | 'missing role';

const INACTIVE_STATES: readonly string[] = ['Disabled', 'Deleted', 'PastDue', 'Warned'];
const PAYING_ROLES: readonly RoleName[] = ['Owner', 'Contributor'];

function reasonsAgainst(subscription: Subscription, organization: Organization, rolesOfUser: readonly RoleName[]): Reason[] {
  const reasons: Reason[] = [];
  if (subscription.quotaId === 'FreeTrial_2014-09-01') reasons.push('free trial');
  if (subscription.spendingLimit !== 'Off') reasons.push('spending limit');
  if (INACTIVE_STATES.includes(subscription.state)) reasons.push('not active');
  if (subscription.tenantId !== organization.tenantId) reasons.push('other tenant');
  if (!rolesOfUser.some((role) => PAYING_ROLES.includes(role))) reasons.push('missing role');
  return reasons;
}

function isAdministrator(organization: Organization, userId: string): boolean {
  return organization.projectCollectionAdministrators.includes(userId);
}

describe('the demo world', () => {
  let directory: LocalDirectory;
  let organizations: Organization[];
  let subscriptions: Subscription[];

  async function rolesOf(userId: string, subscription: Subscription): Promise<RoleName[]> {
    const assignments = await directory.roleAssignmentsOn(subscription.id);
    return assignments.filter((assignment) => assignment.principalId === userId).map((assignment) => assignment.role);
  }

  /** Each subscription visible to Alex with the reasons it cannot pay for `organization`. */
  async function subscriptionsFor(organization: Organization): Promise<{ subscription: Subscription; reasons: Reason[] }[]> {
    return Promise.all(
      subscriptions.map(async (subscription) => ({
        subscription,
        reasons: reasonsAgainst(subscription, organization, await rolesOf(ALEX, subscription)),
      })),
    );
  }

  before(async () => {
    directory = await LocalDirectory.open(DEMO_FILE);
    organizations = await directory.organizationsOf(ALEX);
    subscriptions = await directory.subscriptionsVisibleTo(ALEX);
  });

  it("is built around the Playground's mock user, with the Playground's exact ids", async () => {
    const alex = await directory.getUser(ALEX);
    assert.equal(alex?.displayName, 'Alex Wilber');
    assert.equal(alex?.tenantId, CONTOSO_TENANT);
    assert.equal((await directory.getTenant(CONTOSO_TENANT))?.displayName, 'Contoso');
  });

  it('has at least two organizations where Alex is an administrator, one of them owned by Alex', () => {
    const administered = organizations.filter((organization) => isAdministrator(organization, ALEX));
    assert.ok(administered.length >= 2, `Alex administers ${administered.length} organizations.`);
    assert.ok(administered.some((organization) => organization.ownerId === ALEX));
    assert.ok(administered.some((organization) => organization.ownerId !== ALEX));
  });

  it('has an organization where Alex is only a member, with a named owner who is someone else', async () => {
    const memberOnly = organizations.find((organization) => !isAdministrator(organization, ALEX) && organization.members.includes(ALEX));
    assert.ok(memberOnly, 'No organization has Alex as a plain member.');
    assert.notEqual(memberOnly.ownerId, ALEX);
    const owner = await directory.getUser(memberOnly.ownerId);
    assert.ok(owner?.displayName, 'The owner must be a user with a name the bot can show.');
  });

  it('has, for every organization Alex administers, a pay-as-you-go and an Enterprise Agreement subscription Alex can use', async () => {
    for (const organization of organizations.filter((candidate) => isAdministrator(candidate, ALEX))) {
      const eligible = (await subscriptionsFor(organization)).filter((entry) => entry.reasons.length === 0).map((entry) => entry.subscription.quotaId);
      assert.ok(eligible.includes('PayAsYouGo_2014-09-01'), `${organization.name}: no eligible pay-as-you-go subscription.`);
      assert.ok(eligible.includes('EnterpriseAgreement_2014-09-01'), `${organization.name}: no eligible Enterprise Agreement subscription.`);
    }
  });

  const everyReason: readonly Reason[] = ['free trial', 'spending limit', 'not active', 'other tenant', 'missing role'];
  for (const reason of everyReason) {
    it(`shows Alex a subscription that cannot pay because of: ${reason}`, async () => {
      const ownOrganization = organizations.find((organization) => organization.ownerId === ALEX);
      assert.ok(ownOrganization);
      const entries = await subscriptionsFor(ownOrganization);
      assert.ok(
        entries.some((entry) => entry.reasons.includes(reason)),
        `No subscription visible to Alex is ineligible because of ${reason}.`,
      );
    });
  }

  it('shows every variant of a spending limit and of an inactive subscription', () => {
    const variants = new Set(subscriptions.flatMap((subscription) => [`limit ${subscription.spendingLimit}`, `state ${subscription.state}`]));
    for (const expected of ['limit On', 'limit CurrentPeriodOff', 'state Disabled', 'state PastDue', 'state Warned', 'state Deleted']) {
      assert.ok(variants.has(expected), `No subscription visible to Alex has ${expected}.`);
    }
    assert.ok(
      subscriptions.some((subscription) => subscription.spendingLimit === 'CurrentPeriodOff' && subscription.quotaId === 'MSDN_2014-09-01'),
      'The CurrentPeriodOff example should be a Visual Studio (MSDN) subscription, where that setting is typical.',
    );
  });

  it("puts the other tenant's subscription in Fabrikam", async () => {
    const elsewhere = subscriptions.filter((subscription) => subscription.tenantId !== CONTOSO_TENANT);
    assert.ok(elsewhere.length > 0);
    for (const subscription of elsewhere) {
      assert.equal((await directory.getTenant(subscription.tenantId))?.displayName, 'Fabrikam');
    }
  });

  it('names an Owner who can grant Contributor wherever Alex is only a Reader', async () => {
    const readerOnly: Subscription[] = [];
    for (const subscription of subscriptions) {
      const roles = await rolesOf(ALEX, subscription);
      if (roles.length > 0 && roles.every((role) => role === 'Reader')) readerOnly.push(subscription);
    }
    assert.ok(readerOnly.length > 0, 'Alex is nowhere only a Reader.');
    for (const subscription of readerOnly) {
      const owners = (await directory.roleAssignmentsOn(subscription.id)).filter((assignment) => assignment.role === 'Owner');
      const named = await directory.getUsers(owners.map((owner) => owner.principalId));
      assert.ok(named.length > 0, `${subscription.displayName} has no named Owner.`);
    }
  });

  it('gives every person a name and a contoso.com address', async () => {
    const people = new Set(organizations.flatMap((organization) => [organization.ownerId, ...organization.members]));
    for (const user of await directory.getUsers([...people])) {
      assert.match(user.email, /^[a-z]+@contoso\.com$/);
      assert.match(user.displayName, /^[A-Z][a-z]+ [A-Z][a-z]+$/);
    }
  });
});
