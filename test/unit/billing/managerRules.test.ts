import assert from 'node:assert/strict';
import { additionProblem, removalProblem, roleNotesOf } from '../../../src/billing/managerRules';
import type { DirectoryUser, RoleAssignment, RoleName, Subscription, Tenant } from '../../../src/domain/directory';

const CONTOSO: Tenant = { id: 'contoso', displayName: 'Contoso' };
const FABRIKAM: Tenant = { id: 'fabrikam', displayName: 'Fabrikam' };
const SUBSCRIPTION: Subscription = { id: 'sub', displayName: 'Pay-As-You-Go', tenantId: CONTOSO.id, state: 'Enabled', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' };

function user(id: string, tenant: Tenant = CONTOSO): DirectoryUser {
  return { id, displayName: id.charAt(0).toUpperCase() + id.slice(1), email: `${id}@example.com`, tenantId: tenant.id };
}

function roles(entries: Record<string, RoleName[]>): RoleAssignment[] {
  return Object.entries(entries).flatMap(([principalId, list]) => list.map((role) => ({ subscriptionId: SUBSCRIPTION.id, principalId, role })));
}

describe('Who may add a billing manager', () => {
  const cases: { name: string; grantor: RoleName[]; person?: DirectoryUser; others?: Record<string, RoleName[]>; expect: string | undefined }[] = [
    { name: 'an Owner adds a colleague', grantor: ['Owner'], person: user('colleague'), expect: undefined },
    { name: 'a User Access Administrator adds a colleague', grantor: ['User Access Administrator'], person: user('colleague'), expect: undefined },
    { name: 'a Contributor may not', grantor: ['Contributor'], person: user('colleague'), expect: 'cannot-assign-roles' },
    { name: 'a Reader may not', grantor: ['Reader'], person: user('colleague'), expect: 'cannot-assign-roles' },
    { name: 'someone without a role may not', grantor: [], person: user('colleague'), expect: 'cannot-assign-roles' },
    { name: 'a person of another tenant is refused', grantor: ['Owner'], person: user('guest', FABRIKAM), expect: 'person-in-other-tenant' },
    { name: 'an unknown person is refused', grantor: ['Owner'], expect: 'person-not-found' },
    { name: 'a Contributor already is a manager', grantor: ['Owner'], person: user('colleague'), others: { colleague: ['Contributor'] }, expect: 'already-manager' },
    { name: 'a Reader can become one', grantor: ['Owner'], person: user('colleague'), others: { colleague: ['Reader'] }, expect: undefined },
    { name: 'permission is checked before the person', grantor: ['Contributor'], person: user('guest', FABRIKAM), expect: 'cannot-assign-roles' },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.expect ?? 'allowed'}`, () => {
      const assignments = roles({ grantor: c.grantor, ...c.others });
      const problem = additionProblem({
        grantorId: 'grantor',
        subscription: SUBSCRIPTION,
        assignments,
        grantorNames: ['Olivia Owner'],
        person: c.person,
        personTenant: c.person?.tenantId === FABRIKAM.id ? FABRIKAM : CONTOSO,
        subscriptionTenant: CONTOSO,
      });
      assert.equal(problem?.code, c.expect, problem?.message);
    });
  }

  it('says why a person of another tenant is refused, naming both tenants', () => {
    const problem = additionProblem({
      grantorId: 'grantor', subscription: SUBSCRIPTION, assignments: roles({ grantor: ['Owner'] }), grantorNames: [],
      person: user('guest', FABRIKAM), personTenant: FABRIKAM, subscriptionTenant: CONTOSO,
    });
    assert.match(problem?.message ?? '', /Guest belongs to Fabrikam, but Pay-As-You-Go lives in Contoso/);
  });

  it('names who can assign roles when the grantor cannot', () => {
    const problem = additionProblem({
      grantorId: 'grantor', subscription: SUBSCRIPTION, assignments: roles({ grantor: ['Contributor'] }), grantorNames: ['Olivia Owner', 'Uma Admin'],
      person: user('colleague'), personTenant: CONTOSO, subscriptionTenant: CONTOSO,
    });
    assert.match(problem?.message ?? '', /Ask Olivia Owner or Uma Admin/);
  });
});

describe('Who may remove a billing manager', () => {
  const cases: { name: string; grantor: RoleName[]; target: string; others: Record<string, RoleName[]>; expect: string | undefined }[] = [
    { name: 'an Owner removes one of two managers', grantor: ['Owner'], target: 'other', others: { other: ['Contributor'] }, expect: undefined },
    { name: 'a User Access Administrator removes one of two', grantor: ['User Access Administrator'], target: 'a', others: { a: ['Contributor'], b: ['Owner'] }, expect: undefined },
    { name: 'a Contributor may not remove anyone', grantor: ['Contributor'], target: 'other', others: { other: ['Contributor'] }, expect: 'cannot-assign-roles' },
    { name: 'a Contributor may not even remove themselves', grantor: ['Contributor'], target: 'grantor', others: { other: ['Owner'] }, expect: 'cannot-assign-roles' },
    { name: 'the last manager cannot be removed', grantor: ['User Access Administrator'], target: 'only', others: { only: ['Owner'] }, expect: 'last-manager' },
    { name: 'the last manager cannot remove themselves', grantor: ['Owner'], target: 'grantor', others: {}, expect: 'last-manager' },
    { name: 'a manager may remove themselves while another remains', grantor: ['Owner'], target: 'grantor', others: { other: ['Contributor'] }, expect: undefined },
    { name: 'someone who is not a manager cannot be removed', grantor: ['Owner'], target: 'reader', others: { reader: ['Reader'] }, expect: 'not-a-manager' },
    { name: 'a person holding both roles counts once', grantor: ['User Access Administrator'], target: 'both', others: { both: ['Owner', 'Contributor'] }, expect: 'last-manager' },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.expect ?? 'allowed'}`, () => {
      const assignments = roles({ grantor: c.grantor, ...c.others });
      const problem = removalProblem({ grantorId: 'grantor', subscription: SUBSCRIPTION, assignments, grantorNames: [], person: user(c.target) });
      assert.equal(problem?.code, c.expect, problem?.message);
    });
  }
});

describe('How a billing manager holds their role', () => {
  const held = (extra: Partial<RoleAssignment>, role: RoleName = 'Owner'): RoleAssignment => ({ subscriptionId: SUBSCRIPTION.id, principalId: 'pat', role, ...extra });
  const cases: { name: string; assignments: RoleAssignment[]; notes: string[] }[] = [
    { name: 'directly: nothing to add', assignments: [held({})], notes: [] },
    { name: 'through a group', assignments: [held({ throughGroup: 'g-owners' })], notes: ['Holds Owner as a member of the Microsoft Entra group g-owners.'] },
    { name: 'directly and through a group: the direct role is enough', assignments: [held({}), held({ throughGroup: 'g-owners' })], notes: [] },
    { name: 'through a custom role', assignments: [held({ definitionName: 'Billing admin' }, 'Contributor')], notes: ['Holds Contributor through the role "Billing admin".'] },
    { name: 'through a custom role given to a group', assignments: [held({ definitionName: 'Billing admin', throughGroup: 'g-fin' }, 'Contributor')], notes: ['Holds Contributor through the role "Billing admin" as a member of the Microsoft Entra group g-fin.'] },
    { name: 'a role that makes nobody a manager is not described', assignments: [held({ throughGroup: 'g-readers' }, 'Reader')], notes: [] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(roleNotesOf('pat', c.assignments), c.notes));
  }
});
