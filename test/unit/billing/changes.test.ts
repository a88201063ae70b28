import assert from 'node:assert/strict';
import { ManagerNotices } from '../../../src/billing/notify/managerNotices';
import { createBillingService, type BillingService } from '../../../src/billing/billingService';
import { StateWriteError } from '../../../src/domain/ports/store';
import { createMemoryStore } from '../../../src/store/memoryStore';
import { world } from '../../support/fakeDirectory';
import {
  completed, Bench, caller, CONTOSO, contoso, EA, FLOW_TTL_MS, LINKED_AT, linkedState, OLIVIA, ORG, ORG_NAME, PAT, PAYG, problem, readyToConfirm,
  SAM, START, value,
} from './fixtures';

/** What a successful change saves and tells, what a failed save leaves, and what concurrent clicks do. */

const AT = START.toISOString();

describe('Billing changes', () => {
  describe('each change saves one audit entry, the link, and tells the listener once', () => {
    it('set-up: links the organization, records who and when, audits billing.setup', async () => {
      const b = new Bench(contoso().role(PAYG, PAT, 'Contributor').directory());
      const pat = caller(PAT);
      const flowId = await readyToConfirm(b, pat, 'setup', ORG, PAYG);
      const change = completed(value(await b.service.confirm(pat, flowId, true)));

      assert.deepEqual(change, {
        flow: { id: flowId, kind: 'setup', expiresAt: new Date(START.getTime() + FLOW_TTL_MS).toISOString() },
        organization: { id: ORG, name: ORG_NAME },
        from: undefined,
        to: { id: PAYG, name: 'Contoso PAYG' },
        by: { id: PAT, name: 'Pat Admin' },
        at: AT,
        notifications: { recipients: [] },
        managers: change.managers,
      });
      assert.ok(change.managers?.some((m) => m.id === PAT), 'the one who set billing up manages it');
      assert.deepEqual(b.state.links, { [ORG]: { organizationId: ORG, subscriptionId: PAYG, linkedBy: PAT, linkedAt: AT } });
      assert.equal(b.state.audit.length, 1);
      const { id, ...entry } = b.state.audit[0] ?? assert.fail('no audit entry');
      assert.ok(id.length > 0);
      assert.deepEqual(entry, { at: AT, actorId: PAT, action: 'billing.setup', organizationId: ORG, toSubscriptionId: PAYG });
      const event = {
        id, kind: 'billing.setup', organization: { id: ORG, name: ORG_NAME }, from: undefined, to: { id: PAYG, name: 'Contoso PAYG' }, actor: { id: PAT, name: 'Pat Admin' }, at: AT,
      };
      assert.deepEqual(b.changes, [event]);
      // Saved as JSON, where a field holding undefined is left out.
      assert.deepEqual(b.queuedWithChange, [JSON.parse(JSON.stringify(event))], 'the event goes to the outbox in the same transaction as the link');
      assert.equal(b.state.flows[flowId]?.status, 'completed');
    });

    it('change: moves the link, keeps who set it up, records who changed it, audits from and to', async () => {
      const b = new Bench(contoso().role(EA, PAT, 'Owner').directory(), linkedState(ORG, PAYG, SAM));
      const pat = caller(PAT);
      const flowId = await readyToConfirm(b, pat, 'change', ORG, EA);
      const change = value(await b.service.confirm(pat, flowId, true));

      assert.deepEqual(change.from, { id: PAYG, name: 'Contoso PAYG' });
      assert.deepEqual(change.to, { id: EA, name: 'Contoso EA' });
      assert.deepEqual(b.state.links[ORG], {
        organizationId: ORG, subscriptionId: EA, linkedBy: SAM, linkedAt: LINKED_AT, changedBy: PAT, changedAt: AT, previousSubscriptionId: PAYG,
      });
      assert.deepEqual(b.state.audit.map(({ id: _id, ...rest }) => rest), [
        { at: AT, actorId: PAT, action: 'billing.change', organizationId: ORG, fromSubscriptionId: PAYG, toSubscriptionId: EA },
      ]);
      assert.deepEqual(b.changes.map((e) => e.kind === 'billing.change' && [e.from, e.to, e.actor.id]), [[change.from, change.to, PAT]]);
    });

    it('remove: deletes the link and audits billing.remove with the subscription that stopped paying', async () => {
      const b = new Bench(contoso().role(PAYG, PAT, 'Contributor').directory(), linkedState(ORG, PAYG, SAM));
      const pat = caller(PAT);
      const flowId = await readyToConfirm(b, pat, 'remove', ORG);
      const change = value(await b.service.confirm(pat, flowId, true));

      assert.deepEqual(change.from, { id: PAYG, name: 'Contoso PAYG' });
      assert.equal(change.to, undefined);
      assert.deepEqual(b.state.links, {});
      assert.deepEqual(b.state.audit.map(({ id: _id, ...rest }) => rest), [
        { at: AT, actorId: PAT, action: 'billing.remove', organizationId: ORG, fromSubscriptionId: PAYG },
      ]);
      assert.deepEqual(b.changes.map((e) => e.kind === 'billing.remove' && [e.from, e.to, e.actor.id]), [[change.from, undefined, PAT]]);
    });

    it('keeps one audit entry per change, in order, over set-up, change and removal', async () => {
      const b = new Bench(contoso().role(PAYG, PAT, 'Owner').role(EA, PAT, 'Owner').directory());
      const pat = caller(PAT);
      value(await b.service.confirm(pat, await readyToConfirm(b, pat, 'setup', ORG, PAYG), true));
      b.advanceMs(60_000);
      value(await b.service.confirm(pat, await readyToConfirm(b, pat, 'change', ORG, EA), true));
      b.advanceMs(60_000);
      value(await b.service.confirm(pat, await readyToConfirm(b, pat, 'remove', ORG), true));
      assert.deepEqual(b.state.audit.map((e) => [e.action, e.fromSubscriptionId, e.toSubscriptionId, e.at]), [
        ['billing.setup', undefined, PAYG, '2026-03-02T10:00:00.000Z'],
        ['billing.change', PAYG, EA, '2026-03-02T10:01:00.000Z'],
        ['billing.remove', EA, undefined, '2026-03-02T10:02:00.000Z'],
      ]);
      assert.equal(new Set(b.state.audit.map((e) => e.id)).size, 3, 'each entry has its own id');
      assert.deepEqual(b.changes.map((c) => c.kind), ['billing.setup', 'billing.change', 'billing.remove']);
      assert.deepEqual(b.changes.map((c) => c.id), b.state.audit.map((e) => e.id), 'each event is its audited change');
    });

    it('does not audit or tell anyone about a refused confirmation', async () => {
      const b = new Bench(contoso().role(PAYG, PAT, 'Owner').directory(), linkedState(ORG, PAYG, SAM));
      const pat = caller(PAT);
      const flowId = await readyToConfirm(b, pat, 'remove', ORG);
      problem(await b.service.confirm(pat, flowId, false));
      assert.deepEqual(b.state.audit, []);
      assert.deepEqual(b.changes, []);
    });

    // A failure to wake delivery never undoes a saved change. The change is saved with its outbox
    // entries, so the user must see it as done (not an error), and the failure must reach reportError.
    it('still reports a saved change as done when delivery cannot be woken, keeps its notifications queued, and reports the failure', async () => {
      const errors: unknown[] = [];
      const store = createMemoryStore();
      const service = createBillingService({
        directory: contoso().role(PAYG, PAT, 'Owner').directory(),
        store,
        flowTtlMs: FLOW_TTL_MS,
        now: () => START,
        notices: new ManagerNotices({
          store,
          deliveries: { queued: () => { throw new Error('delivery unavailable'); } },
          addresses: { hasPersonalChat: () => false, canStartChat: () => true },
        }),
        reportError: (error) => void errors.push(error),
      });
      const pat = caller(PAT);
      const flowId = value(await service.startFlow(pat, 'setup')).flow.id;
      value(await service.chooseOrganization(pat, flowId, ORG));
      value(await service.chooseSubscription(pat, flowId, PAYG));
      let outcome: Awaited<ReturnType<BillingService['confirm']>> | undefined;
      let thrown: unknown;
      try {
        outcome = await service.confirm(pat, flowId, true);
      } catch (error) {
        thrown = error;
      }
      assert.equal(store.snapshot().links[ORG]?.subscriptionId, PAYG, 'the change was saved');
      assert.equal(thrown, undefined, 'confirm() must not throw after the change was saved');
      assert.equal(outcome?.ok, true);
      assert.equal(outcome.ok && !('pending' in outcome.value) ? outcome.value.notifications : 'refused', undefined, 'the result card says the others are told later');
      const queued = Object.values(store.snapshot().outbox);
      assert.deepEqual(queued.map((e) => [e.recipientId, e.status, e.event.kind]), [[SAM, 'pending', 'billing.setup']], 'the owner\'s notification was saved with the change, for delivery to pick up');
      assert.equal(errors.length, 1, 'the failure is reported');
    });
  });

  describe('when storage refuses the write', () => {
    it('refuses the confirmation with state-unavailable, changes nothing, reports the error, and lets the user retry', async () => {
      const b = new Bench(contoso().role(PAYG, PAT, 'Contributor').directory());
      const pat = caller(PAT);
      const flowId = await readyToConfirm(b, pat, 'setup', ORG, PAYG);
      const before = b.snapshot();
      b.store.failNextWrite(new Error('ENOSPC: no space left on device'));

      const refused = problem(await b.service.confirm(pat, flowId, true));
      assert.equal(refused.code, 'state-unavailable');
      assert.match(refused.message, /nothing was changed\. Try again in a minute/);
      assert.doesNotMatch(refused.message, /ENOSPC/, 'the user is not shown the disk error');
      assert.deepEqual(b.snapshot(), before, 'state unchanged: no link, no audit, flow still open');
      assert.equal(b.errors.length, 1);
      assert.ok(b.errors[0] instanceof StateWriteError);
      assert.deepEqual(b.changes, [], 'nobody is told about a change that was not saved');

      value(await b.service.confirm(pat, flowId, true));
      assert.equal(b.state.links[ORG]?.subscriptionId, PAYG);
      assert.equal(b.state.audit.length, 1);
    });

    it('refuses to start a flow when it cannot be saved', async () => {
      const b = new Bench(contoso().directory());
      b.store.failNextWrite();
      assert.equal(problem(await b.service.startFlow(caller(PAT), 'setup')).code, 'state-unavailable');
      assert.deepEqual(b.state.flows, {});
      assert.equal(b.errors.length, 1);
    });

    it('refuses a step when it cannot be saved, leaving the flow where it was', async () => {
      const b = new Bench(contoso().role(PAYG, PAT, 'Owner').directory());
      const pat = caller(PAT);
      const flowId = value(await b.service.startFlow(pat, 'setup')).flow.id;
      b.store.failNextWrite();
      assert.equal(problem(await b.service.chooseOrganization(pat, flowId, ORG)).code, 'state-unavailable');
      assert.equal(b.state.flows[flowId]?.organizationId, undefined);
    });
  });

  describe('concurrent confirmations', () => {
    const N = 50;

    it(`${N} users confirming set-up of the same organization at once: one link, one audit entry, ${N - 1} told it is already set up`, async () => {
      const builder = world()
        .tenant(CONTOSO)
        .user(OLIVIA, 'Olivia Owner', CONTOSO);
      const admins = Array.from({ length: N }, (_, i) => `user-admin-${i}`);
      for (const [i, id] of admins.entries()) {
        builder.user(id, `Admin ${i}`, CONTOSO).subscription(`sub-${i}`, CONTOSO, { displayName: `Subscription ${i}` }).role(`sub-${i}`, id, 'Contributor');
      }
      builder.org(ORG, { name: ORG_NAME, tenantId: CONTOSO, ownerId: OLIVIA, pcas: admins });
      const b = new Bench(builder.directory());
      const flows = await Promise.all(admins.map((id, i) => readyToConfirm(b, caller(id), 'setup', ORG, `sub-${i}`)));

      const outcomes = await Promise.all(admins.map((id, i) => b.service.confirm(caller(id), flows[i] ?? '', true)));

      const winners = outcomes.flatMap((o, i) => (o.ok ? [i] : []));
      assert.equal(winners.length, 1);
      const winner = winners[0] ?? -1;
      const refusals = outcomes.flatMap((o) => (o.ok ? [] : [o.problem]));
      assert.equal(refusals.length, N - 1);
      for (const refused of refusals) {
        assert.equal(refused.code, 'already-linked');
        assert.equal(refused.message, 'Billing for contoso-web is already set up. Type "change billing" to move it to another subscription.');
      }
      assert.deepEqual(b.state.links[ORG], { organizationId: ORG, subscriptionId: `sub-${winner}`, linkedBy: `user-admin-${winner}`, linkedAt: AT });
      assert.equal(b.state.audit.length, 1);
      assert.equal(b.state.audit[0]?.actorId, `user-admin-${winner}`);
      assert.equal(b.changes.length, 1);
      assert.equal(Object.values(b.state.flows).filter((f) => f.status === 'completed').length, 1);
      assert.equal(Object.values(b.state.flows).filter((f) => f.status === 'open').length, N - 1, 'the refused flows did not record a false outcome');
    });

    it(`one user starting ${N} set-up flows at once and confirming all of them: one link, one audit entry, the rest replaced`, async () => {
      const b = new Bench(contoso().role(PAYG, PAT, 'Owner').role(EA, PAT, 'Owner').directory());
      const pat = caller(PAT);
      const flows = await Promise.all(Array.from({ length: N }, async () => value(await b.service.startFlow(pat, 'setup')).flow.id));
      const open = flows.filter((flowId) => b.state.flows[flowId]?.status === 'open');
      assert.equal(open.length, 1, 'each start replaced the one before');
      value(await b.service.chooseOrganization(pat, open[0] ?? '', ORG));
      value(await b.service.chooseSubscription(pat, open[0] ?? '', PAYG));
      const outcomes = await Promise.all(flows.map((flowId) => b.service.confirm(pat, flowId, true)));
      assert.equal(outcomes.filter((o) => o.ok).length, 1);
      assert.deepEqual(
        [...new Set(outcomes.flatMap((o) => (o.ok ? [] : [o.problem.code])))],
        ['flow-replaced'],
      );
      assert.equal(Object.keys(b.state.links).length, 1);
      assert.equal(b.state.audit.length, 1);
      assert.equal(b.changes.length, 1);
    });

    it(`${N} concurrent changes of one organization: exactly one is made`, async () => {
      // N administrators, since one person has one change open at a time.
      const builder = world().tenant(CONTOSO).user(OLIVIA, 'Olivia Owner', CONTOSO).user(SAM, 'Sam', CONTOSO).subscription(PAYG, CONTOSO, { displayName: 'Contoso PAYG' });
      const admins = Array.from({ length: N }, (_, i) => `user-admin-${i}`);
      for (const [i, id] of admins.entries()) {
        builder.user(id, `Admin ${i}`, CONTOSO).subscription(`sub-${i}`, CONTOSO, { displayName: `Subscription ${i}` }).role(`sub-${i}`, id, 'Owner').role(PAYG, id, 'Owner');
      }
      builder.org(ORG, { name: ORG_NAME, tenantId: CONTOSO, ownerId: OLIVIA, pcas: admins });
      const b = new Bench(builder.directory(), linkedState(ORG, PAYG, SAM));
      const flows = await Promise.all(admins.map((id, i) => readyToConfirm(b, caller(id), 'change', ORG, `sub-${i}`)));
      const outcomes = await Promise.all(admins.map((id, i) => b.service.confirm(caller(id), flows[i] ?? '', true)));
      assert.equal(outcomes.filter((o) => o.ok).length, 1);
      assert.equal(b.state.audit.length, 1);
      assert.equal(b.state.audit[0]?.fromSubscriptionId, PAYG);
      for (const o of outcomes) if (!o.ok) assert.match(o.problem.message, /changed while you were deciding, so nothing was done/);
    });
  });
});
