import assert from 'node:assert/strict';
import type { ProblemCode } from '../../../src/domain/outcome';
import type { RoleName } from '../../../src/domain/directory';
import {
  attempt, Bench, caller, contoso, EA, LINKED_AT, linkedState, MIA, NOAH, OLIVIA, ORG, ORG_NAME, PAT, PAYG, SAM, START,
  subscriptionList, value, type Step,
} from './fixtures';

/**
 * BILLING.md, "Who may do what": set up, change and remove billing. Each row builds a world in which
 * the person holds exactly the role under test on the subscription that matters, walks the whole
 * flow, and checks what they are allowed to do and what is saved.
 */

type Role = RoleName | 'no role';
const ROLES: readonly Role[] = ['Owner', 'Contributor', 'Reader', 'User Access Administrator', 'no role'];

interface Person {
  readonly id: string;
  readonly label: string;
  readonly pca: boolean;
  readonly member: boolean;
}

const PEOPLE: readonly Person[] = [
  { id: OLIVIA, label: 'the owner (not in the PCA list)', pca: true, member: true },
  { id: PAT, label: 'a project collection administrator', pca: true, member: true },
  { id: MIA, label: 'a member', pca: false, member: true },
  { id: NOAH, label: 'a non-member', pca: false, member: false },
];

const isBillingRole = (role: Role): boolean => role === 'Owner' || role === 'Contributor';

interface Expected {
  readonly allowed: boolean;
  readonly step?: Step;
  readonly code?: ProblemCode;
  /** Words the refusal must contain: who to ask. */
  readonly names?: RegExp;
}

/** What the rules say for set-up and change: PCA on the organization, Owner or Contributor on the target subscription. */
function expectedForTarget(person: Person, role: Role): Expected {
  if (!person.member) return { allowed: false, step: 'organization', code: 'not-a-member' };
  if (!person.pca) return { allowed: false, step: 'organization', code: 'not-project-collection-administrator', names: /Olivia Owner/ };
  if (isBillingRole(role)) return { allowed: true };
  if (role === 'no role') return { allowed: false, step: 'subscription', code: 'subscription-not-found' };
  return { allowed: false, step: 'subscription', code: 'subscription-not-eligible', names: /Sam Subowner/ };
}

function worldWith(person: Person, subscriptionId: string, role: Role): Bench['directory'] {
  const builder = contoso();
  if (role !== 'no role') builder.role(subscriptionId, person.id, role);
  return builder.directory();
}

describe('Billing permissions (BILLING.md "Who may do what")', () => {
  describe('set up billing: PCA on the organization, Owner or Contributor on the chosen subscription', () => {
    for (const person of PEOPLE) {
      for (const role of ROLES) {
        const expected = expectedForTarget(person, role);
        it(`${person.label} with ${role} on the subscription ${expected.allowed ? 'may' : `may not (${expected.code})`}`, async () => {
          const bench = new Bench(worldWith(person, PAYG, role));
          const result = await attempt(bench, caller(person.id), 'setup', ORG, PAYG);
          if (expected.allowed) {
            assert.ok(result.ok, result.ok ? '' : `${result.problem.code}: ${result.problem.message}`);
            assert.deepEqual(bench.state.links[ORG], { organizationId: ORG, subscriptionId: PAYG, linkedBy: person.id, linkedAt: START.toISOString() });
            return;
          }
          assert.ok(!result.ok, 'expected a refusal');
          assert.equal(result.step, expected.step);
          assert.equal(result.problem.code, expected.code, result.problem.message);
          if (expected.names) assert.match(result.problem.message, expected.names);
          assert.deepEqual(bench.state.links, {}, 'nothing is linked');
          assert.deepEqual(bench.state.audit, []);
        });
      }
    }

    it('lists the organization as selectable for the owner who is missing from the PCA list', async () => {
      const bench = new Bench(contoso().directory());
      const step = value(await bench.service.startFlow(caller(OLIVIA), 'setup'));
      assert.deepEqual(step.organizations.map((o) => [o.id, o.selectable]), [[ORG, true]]);
    });

    it('shows a member the organization as not selectable, naming the owner to ask', async () => {
      const bench = new Bench(contoso().directory());
      const step = value(await bench.service.startFlow(caller(MIA), 'setup'));
      const [option] = step.organizations;
      assert.equal(option?.id, ORG);
      assert.equal(option?.selectable, false);
      assert.match(option?.reason ?? '', /Only project collection administrators can set up billing\. Ask Olivia Owner/);
    });

    it('does not show a non-member the organization at all', async () => {
      const bench = new Bench(contoso().directory());
      const step = value(await bench.service.startFlow(caller(NOAH), 'setup'));
      assert.deepEqual(step.organizations, []);
    });

    it('offers a subscription on which the PCA is Reader or User Access Administrator only as not selectable, naming its Owner', async () => {
      for (const role of ['Reader', 'User Access Administrator'] as const) {
        const bench = new Bench(contoso().role(PAYG, PAT, role).directory());
        const list = await subscriptionList(bench, caller(PAT), 'setup', ORG);
        const payg = list.find((s) => s.id === PAYG);
        assert.equal(payg?.selectable, false, role);
        assert.deepEqual(payg?.problems, [{ reason: 'You are neither Owner nor Contributor on it.', fix: 'Ask Sam Subowner (Owner) to grant you Contributor on it.' }], role);
      }
    });

    it('does not list a subscription on which the PCA holds no role', async () => {
      const bench = new Bench(contoso().role(EA, PAT, 'Contributor').directory());
      const list = await subscriptionList(bench, caller(PAT), 'setup', ORG);
      assert.deepEqual(list.map((s) => s.id), [EA]);
    });
  });

  describe('change the billing subscription: PCA on the organization, Owner or Contributor on the new subscription', () => {
    for (const person of PEOPLE) {
      for (const role of ROLES) {
        const expected = expectedForTarget(person, role);
        it(`${person.label} with ${role} on the new subscription (none on the old) ${expected.allowed ? 'may' : `may not (${expected.code})`}`, async () => {
          // Paid by EA, set up by Sam; the person holds nothing on EA.
          const bench = new Bench(worldWith(person, PAYG, role), linkedState(ORG, EA, SAM));
          const result = await attempt(bench, caller(person.id), 'change', ORG, PAYG);
          if (expected.allowed) {
            assert.ok(result.ok, result.ok ? '' : `${result.problem.code}: ${result.problem.message}`);
            assert.deepEqual(bench.state.links[ORG], {
              organizationId: ORG, subscriptionId: PAYG, linkedBy: SAM, linkedAt: LINKED_AT, changedBy: person.id, changedAt: START.toISOString(), previousSubscriptionId: EA,
            });
            return;
          }
          assert.ok(!result.ok, 'expected a refusal');
          assert.equal(result.step, expected.step);
          assert.equal(result.problem.code, expected.code, result.problem.message);
          if (expected.names) assert.match(result.problem.message, expected.names);
          assert.equal(bench.state.links[ORG]?.subscriptionId, EA, 'still paid by the old subscription');
          assert.deepEqual(bench.state.audit, []);
        });
      }
    }

    it('is refused when billing is not set up yet, pointing to "set up billing"', async () => {
      const bench = new Bench(contoso().role(PAYG, PAT, 'Owner').directory());
      const result = await attempt(bench, caller(PAT), 'change', ORG, PAYG);
      assert.ok(!result.ok);
      assert.equal(result.problem.code, 'not-linked');
      assert.match(result.problem.message, /Type "set up billing"/);
    });

    it('does not offer the current subscription again, and refuses it when forced', async () => {
      const bench = new Bench(contoso().role(PAYG, PAT, 'Owner').role(EA, PAT, 'Owner').directory(), linkedState(ORG, EA, SAM));
      const list = await subscriptionList(bench, caller(PAT), 'change', ORG);
      assert.deepEqual(list.map((s) => s.id), [PAYG]);
      const result = await attempt(bench, caller(PAT), 'change', ORG, EA);
      assert.ok(!result.ok);
      assert.equal(result.problem.code, 'same-subscription');
      assert.match(result.problem.message, /Contoso EA already pays for contoso-web/);
    });
  });

  describe('remove billing: PCA on the organization, Owner or Contributor on the current subscription', () => {
    for (const person of PEOPLE) {
      for (const role of ROLES) {
        const allowed = person.pca && isBillingRole(role);
        const code: ProblemCode | undefined = !person.member
          ? 'not-a-member'
          : !person.pca ? 'not-project-collection-administrator' : allowed ? undefined : 'missing-subscription-role';
        it(`${person.label} with ${role} on the current subscription ${allowed ? 'may' : `may not (${code})`}`, async () => {
          const bench = new Bench(worldWith(person, PAYG, role), linkedState(ORG, PAYG, SAM));
          const result = await attempt(bench, caller(person.id), 'remove', ORG);
          if (allowed) {
            assert.ok(result.ok, result.ok ? '' : `${result.problem.code}: ${result.problem.message}`);
            assert.deepEqual(bench.state.links, {});
            return;
          }
          assert.ok(!result.ok, 'expected a refusal');
          assert.equal(result.step, 'organization');
          assert.equal(result.problem.code, code, result.problem.message);
          if (code === 'missing-subscription-role') {
            assert.match(result.problem.message, /Ask Sam Subowner \(Owner\) to grant you Contributor/);
          }
          assert.equal(bench.state.links[ORG]?.subscriptionId, PAYG, 'billing stays');
        });
      }
    }

    it('is refused to a PCA who is Owner of another subscription but not of the current one', async () => {
      const bench = new Bench(contoso().role(EA, PAT, 'Owner').directory(), linkedState(ORG, PAYG, SAM));
      const result = await attempt(bench, caller(PAT), 'remove', ORG);
      assert.ok(!result.ok);
      assert.equal(result.problem.code, 'missing-subscription-role');
      assert.equal(bench.state.links[ORG]?.subscriptionId, PAYG);
    });

    it('lists the organization as not selectable for a PCA without a role on the current subscription, saying why', async () => {
      const bench = new Bench(contoso().directory(), linkedState(ORG, PAYG, SAM));
      const step = value(await bench.service.startFlow(caller(PAT), 'remove'));
      const [option] = step.organizations;
      assert.equal(option?.selectable, false);
      assert.match(option?.reason ?? '', /Owner or Contributor on the subscription that pays for contoso-web\. Ask Sam Subowner/);
    });

    it('is refused when billing is not set up', async () => {
      const bench = new Bench(contoso().role(PAYG, PAT, 'Owner').directory());
      const result = await attempt(bench, caller(PAT), 'remove', ORG);
      assert.ok(!result.ok);
      assert.equal(result.problem.code, 'not-linked');
      assert.match(result.problem.message, new RegExp(`Billing is not set up for ${ORG_NAME}`));
    });
  });
});
