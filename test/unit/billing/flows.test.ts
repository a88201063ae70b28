import assert from 'node:assert/strict';
import type { Outcome } from '../../../src/domain/outcome';
import { FINISHED_FLOW_RETENTION_MS, FLOW_PRUNE_INTERVAL_MS } from '../../../src/billing/flows/progress';
import {
  Bench, caller, CONTOSO, contoso, EA, FABRIKAM, FABRIKAM_ORG, FABRIKAM_SUB, FLOW_TTL_MS, linkedState, MIA, OLIVIA, ORG, PAT, PAYG,
  problem, readyToConfirm, SAM, value,
} from './fixtures';

/**
 * A flow belongs to the user who started it, expires, and is re-checked at every click: a card is a
 * view, and whatever it carries is only a request.
 */

/** Pat is Contributor on PAYG, Olivia Owner on EA: both can set up billing. */
function bench(): Bench {
  return new Bench(contoso().role(PAYG, PAT, 'Contributor').role(EA, OLIVIA, 'Owner').directory());
}

describe('Billing flows', () => {
  describe('whose click it is', () => {
    it("refuses someone else's click at every step, naming the flow's owner, and changes nothing", async () => {
      const b = bench();
      const pat = caller(PAT);
      const olivia = caller(OLIVIA);
      const flowId = value(await b.service.startFlow(pat, 'setup')).flow.id;
      const attempts: (() => Promise<Outcome<unknown>>)[] = [
        () => b.service.chooseOrganization(olivia, flowId, ORG),
        () => b.service.chooseSubscription(olivia, flowId, PAYG),
        () => b.service.confirm(olivia, flowId, true),
        () => b.service.cancel(olivia, flowId),
      ];
      value(await b.service.chooseOrganization(pat, flowId, ORG));
      value(await b.service.chooseSubscription(pat, flowId, PAYG));
      const before = b.snapshot();
      for (const click of attempts) {
        const refused = problem(await click());
        assert.equal(refused.code, 'flow-not-yours');
        assert.match(refused.message, /This card belongs to Pat Admin, so only they can use it\. To do this yourself, type "set up billing"/);
      }
      assert.deepEqual(b.snapshot(), before);
      // The owner's own flow still works afterwards.
      value(await b.service.confirm(pat, flowId, true));
      assert.equal(b.state.links[ORG]?.linkedBy, PAT);
    });

    it('treats a caller whose tenant differs from the directory record as unknown', async () => {
      const b = bench();
      const refused = problem(await b.service.startFlow(caller(PAT, FABRIKAM), 'setup'));
      assert.equal(refused.code, 'unknown-user');
      assert.match(refused.message, /cannot find you/);
      assert.deepEqual(b.state.flows, {}, 'no flow was started');
    });

    it('refuses a click on an open flow from its owner id but another tenant', async () => {
      const b = bench();
      const flowId = await readyToConfirm(b, caller(PAT), 'setup', ORG, PAYG);
      const refused = problem(await b.service.confirm(caller(PAT, FABRIKAM), flowId, true));
      assert.equal(refused.code, 'unknown-user');
      assert.deepEqual(b.state.links, {});
      assert.equal(b.state.flows[flowId]?.status, 'open');
    });

    it('refuses a user the directory does not know', async () => {
      const b = bench();
      assert.equal(problem(await b.service.startFlow(caller('user-ghost'), 'setup')).code, 'unknown-user');
      assert.equal(problem(await b.service.status(caller('user-ghost'))).code, 'unknown-user');
    });
  });

  describe('late, repeated and stray clicks', () => {
    it('refuses a click after the flow expired, and saves nothing', async () => {
      const b = bench();
      const pat = caller(PAT);
      const flowId = await readyToConfirm(b, pat, 'setup', ORG, PAYG);
      b.advanceMs(FLOW_TTL_MS + 1);
      const refused = problem(await b.service.confirm(pat, flowId, true));
      assert.equal(refused.code, 'flow-expired');
      assert.match(refused.message, /This card expired, and nothing was changed\. Type "set up billing" to start again/);
      assert.deepEqual(b.state.links, {});
      assert.equal(problem(await b.service.chooseOrganization(pat, flowId, ORG)).code, 'flow-expired');
    });

    it('accepts a click right at the expiry time, and keeps an active user alive across steps', async () => {
      const b = bench();
      const pat = caller(PAT);
      const flowId = value(await b.service.startFlow(pat, 'setup')).flow.id;
      b.advanceMs(FLOW_TTL_MS); // exactly at expiry: still open
      value(await b.service.chooseOrganization(pat, flowId, ORG));
      b.advanceMs(FLOW_TTL_MS - 1);
      value(await b.service.chooseSubscription(pat, flowId, PAYG));
      b.advanceMs(FLOW_TTL_MS - 1);
      value(await b.service.confirm(pat, flowId, true));
      assert.equal(b.state.links[ORG]?.subscriptionId, PAYG, 'three steps spanning 45 minutes, none more than 15 apart');
    });

    it('answers a second click on a finished flow with what was done, and does it only once', async () => {
      const b = bench();
      const pat = caller(PAT);
      const flowId = await readyToConfirm(b, pat, 'setup', ORG, PAYG);
      value(await b.service.confirm(pat, flowId, true));
      const again = problem(await b.service.confirm(pat, flowId, true));
      assert.equal(again.code, 'flow-finished');
      assert.equal(again.message, 'This is already done: Contoso PAYG pays for contoso-web. Type "status" to see billing now.');
      assert.equal(problem(await b.service.cancel(pat, flowId)).code, 'flow-finished');
      assert.equal(b.state.audit.length, 1);
      assert.equal(b.changes.length, 1);
    });

    it('refuses every click on a cancelled flow, and cancelling saves no link', async () => {
      const b = bench();
      const pat = caller(PAT);
      const flowId = await readyToConfirm(b, pat, 'setup', ORG, PAYG);
      assert.deepEqual(value(await b.service.cancel(pat, flowId)), { kind: 'setup' });
      const clicks: (() => Promise<Outcome<unknown>>)[] = [
        () => b.service.confirm(pat, flowId, true),
        () => b.service.chooseOrganization(pat, flowId, ORG),
        () => b.service.cancel(pat, flowId),
      ];
      for (const click of clicks) {
        const refused = problem(await click());
        assert.equal(refused.code, 'flow-cancelled');
        assert.match(refused.message, /You cancelled this\. Type "set up billing" to start again/);
      }
      assert.deepEqual(b.state.links, {});
    });

    it('answers a click on an unknown flow id without changing anything', async () => {
      const b = bench();
      const refused = problem(await b.service.confirm(caller(PAT), 'no-such-flow', true));
      assert.equal(refused.code, 'flow-not-found');
      assert.match(refused.message, /no longer active/);
      assert.equal(problem(await b.service.chooseOrganization(caller(PAT), '', ORG)).code, 'flow-not-found');
      assert.deepEqual(b.state.links, {});
    });

    it('cancels all of the caller\'s open flows in this conversation, and no one else\'s', async () => {
      const b = bench();
      const here = caller(PAT);
      const elsewhere = caller(PAT, CONTOSO, 'group-chat');
      const other = value(await b.service.startFlow(elsewhere, 'remove')).flow.id;
      const mine = [value(await b.service.startFlow(here, 'setup')).flow.id, value(await b.service.startFlow(here, 'change')).flow.id];
      const olivias = value(await b.service.startFlow(caller(OLIVIA, CONTOSO, here.conversationId), 'setup')).flow.id;
      assert.equal(value(await b.cancelAll(here)), 2);
      assert.deepEqual(mine.map((id) => b.state.flows[id]?.status), ['cancelled', 'cancelled']);
      assert.equal(b.state.flows[other]?.status, 'open');
      assert.equal(b.state.flows[olivias]?.status, 'open');
    });

    it('does not let the same object id claimed from another tenant cancel the caller\'s flows', async () => {
      const b = bench();
      const pat = caller(PAT);
      const flowId = value(await b.service.startFlow(pat, 'setup')).flow.id;
      assert.equal(value(await b.cancelAll(caller(PAT, FABRIKAM, pat.conversationId))), 0);
      assert.equal(b.state.flows[flowId]?.status, 'open');
      assert.equal(value(await b.cancelAll(pat)), 1);
    });

    it('forgets flows a day after they ended, once a new flow starts, and keeps the rest', async () => {
      const b = bench();
      const pat = caller(PAT);
      const finished = await readyToConfirm(b, pat, 'setup', ORG, PAYG);
      value(await b.service.confirm(pat, finished, true));
      const abandoned = value(await b.service.startFlow(pat, 'change')).flow.id;
      b.advanceMs(FINISHED_FLOW_RETENTION_MS - FLOW_TTL_MS);
      const recent = value(await b.service.startFlow(pat, 'remove')).flow.id;
      assert.deepEqual(Object.keys(b.state.flows).sort(), [abandoned, finished, recent].sort(), 'nothing is a day past its end yet');

      b.advanceMs(FLOW_TTL_MS + FLOW_PRUNE_INTERVAL_MS);
      const newest = value(await b.service.startFlow(pat, 'change')).flow.id;
      // The finished flow ended a day and a minute ago; the abandoned one expired a quarter of an hour after it.
      assert.deepEqual(Object.keys(b.state.flows).sort(), [abandoned, newest, recent].sort());
    });
  });

  describe('steps out of order', () => {
    it('refuses a subscription before an organization was picked', async () => {
      const b = bench();
      const pat = caller(PAT);
      const flowId = value(await b.service.startFlow(pat, 'setup')).flow.id;
      const refused = problem(await b.service.chooseSubscription(pat, flowId, PAYG));
      assert.equal(refused.code, 'flow-out-of-order');
      assert.match(refused.message, /Pick the organization first/);
    });

    it('refuses a confirmation before a subscription was picked', async () => {
      const b = bench();
      const pat = caller(PAT);
      const flowId = value(await b.service.startFlow(pat, 'setup')).flow.id;
      assert.equal(problem(await b.service.confirm(pat, flowId, true)).code, 'flow-out-of-order');
      value(await b.service.chooseOrganization(pat, flowId, ORG));
      assert.equal(problem(await b.service.confirm(pat, flowId, true)).code, 'flow-out-of-order');
      assert.deepEqual(b.state.links, {});
    });

    it('forgets the subscription when the organization is picked again', async () => {
      const b = bench();
      const pat = caller(PAT);
      const flowId = await readyToConfirm(b, pat, 'setup', ORG, PAYG);
      value(await b.service.chooseOrganization(pat, flowId, ORG));
      assert.equal(problem(await b.service.confirm(pat, flowId, true)).code, 'flow-out-of-order');
      assert.deepEqual(b.state.links, {});
    });

    it('refuses a subscription in a removal flow, which has none', async () => {
      const b = new Bench(contoso().role(PAYG, PAT, 'Owner').directory(), linkedState(ORG, PAYG, SAM));
      const pat = caller(PAT);
      const flowId = value(await b.service.startFlow(pat, 'remove')).flow.id;
      value(await b.service.chooseOrganization(pat, flowId, ORG));
      assert.equal(problem(await b.service.chooseSubscription(pat, flowId, EA)).code, 'flow-out-of-order');
    });

    it('refuses to remove billing until the user acknowledges the fall to the free tier', async () => {
      const b = new Bench(contoso().role(PAYG, PAT, 'Owner').directory(), linkedState(ORG, PAYG, SAM));
      const pat = caller(PAT);
      const flowId = await readyToConfirm(b, pat, 'remove', ORG);
      const refused = problem(await b.service.confirm(pat, flowId, false));
      assert.equal(refused.code, 'confirmation-required');
      assert.match(refused.message, /free tier/);
      assert.equal(b.state.links[ORG]?.subscriptionId, PAYG, 'billing stays');
      assert.equal(b.state.flows[flowId]?.status, 'open', 'the user can tick the box and press again');
      value(await b.service.confirm(pat, flowId, true));
      assert.deepEqual(b.state.links, {});
    });
  });

  describe('forged ids', () => {
    it('refuses an organization that does not exist', async () => {
      const b = bench();
      const pat = caller(PAT);
      const flowId = value(await b.service.startFlow(pat, 'setup')).flow.id;
      const refused = problem(await b.service.chooseOrganization(pat, flowId, 'org-nonexistent'));
      assert.equal(refused.code, 'organization-not-found');
      assert.equal(b.state.flows[flowId]?.organizationId, undefined);
    });

    it("refuses an organization of another tenant, of which the user is not a member", async () => {
      const b = bench();
      const pat = caller(PAT);
      const flowId = value(await b.service.startFlow(pat, 'setup')).flow.id;
      const refused = problem(await b.service.chooseOrganization(pat, flowId, FABRIKAM_ORG));
      assert.equal(refused.code, 'not-a-member');
      assert.doesNotMatch(refused.message, /fabrikam/i, 'the name of an organization the user does not belong to is not revealed');
      assert.equal(b.state.flows[flowId]?.organizationId, undefined);
    });

    const HIDDEN: readonly { readonly name: string; readonly id: string; readonly secret: RegExp }[] = [
      { name: 'a subscription that does not exist', id: 'sub-nonexistent', secret: /sub-nonexistent/ },
      { name: 'a subscription of another tenant the user has no role on', id: FABRIKAM_SUB, secret: /Fabrikam|sub-fabrikam/ },
      { name: 'a subscription of the same tenant the user has no role on', id: EA, secret: /Contoso EA|sub-ea/ },
    ];
    for (const c of HIDDEN) {
      it(`refuses ${c.name} as not found, without revealing anything about it`, async () => {
        const b = bench();
        const pat = caller(PAT);
        const flowId = value(await b.service.startFlow(pat, 'setup')).flow.id;
        value(await b.service.chooseOrganization(pat, flowId, ORG));
        const refused = problem(await b.service.chooseSubscription(pat, flowId, c.id));
        assert.equal(refused.code, 'subscription-not-found');
        assert.doesNotMatch(refused.message, c.secret);
        assert.equal(b.state.flows[flowId]?.subscriptionId, undefined);
        assert.deepEqual(b.state.links, {});
      });
    }
  });

  describe('the world changes between the subscription step and the confirmation', () => {
    const CHANGES: readonly { readonly name: string; readonly change: (b: Bench) => void; readonly code: string }[] = [
      { name: "the user's role on the subscription is revoked", change: (b) => b.directory.revoke(PAYG, PAT), code: 'subscription-not-found' },
      {
        name: "the user's role is lowered to Reader",
        change: (b) => { b.directory.revoke(PAYG, PAT); b.directory.grant(PAYG, PAT, 'Reader'); },
        code: 'subscription-not-eligible',
      },
      { name: 'the subscription is disabled', change: (b) => b.directory.updateSubscription(PAYG, { state: 'Disabled' }), code: 'subscription-not-eligible' },
      { name: 'the subscription is deleted from the directory', change: (b) => b.directory.removeSubscription(PAYG), code: 'subscription-not-found' },
      {
        name: 'the user stops being a project collection administrator',
        change: (b) => b.directory.updateOrganization(ORG, { projectCollectionAdministrators: [], members: [OLIVIA, PAT, MIA] }),
        code: 'not-project-collection-administrator',
      },
      {
        name: 'the user leaves the organization',
        change: (b) => b.directory.updateOrganization(ORG, { projectCollectionAdministrators: [], members: [OLIVIA, MIA] }),
        code: 'not-a-member',
      },
      { name: 'the organization disappears', change: (b) => b.directory.edit((w) => { w.organizations = w.organizations.filter((o) => o.id !== ORG); }), code: 'organization-not-found' },
    ];
    for (const c of CHANGES) {
      it(`refuses at confirmation when ${c.name}: no link, no audit, nobody told`, async () => {
        const b = bench();
        const pat = caller(PAT);
        const flowId = await readyToConfirm(b, pat, 'setup', ORG, PAYG);
        c.change(b);
        const refused = problem(await b.service.confirm(pat, flowId, true));
        assert.equal(refused.code, c.code, refused.message);
        assert.deepEqual(b.state.links, {});
        assert.deepEqual(b.state.audit, []);
        assert.equal(b.changes.length, 0);
        assert.equal(b.state.flows[flowId]?.status, 'open');
      });
    }

    it('refuses the organization step when the PCA role was removed after the list was shown', async () => {
      const b = bench();
      const pat = caller(PAT);
      const step = value(await b.service.startFlow(pat, 'setup'));
      assert.equal(step.organizations.find((o) => o.id === ORG)?.selectable, true);
      b.directory.updateOrganization(ORG, { projectCollectionAdministrators: [] });
      assert.equal(problem(await b.service.chooseOrganization(pat, step.flow.id, ORG)).code, 'not-project-collection-administrator');
    });

    it('refuses a set-up when someone else set billing up meanwhile, and keeps their link', async () => {
      const b = bench();
      const pat = caller(PAT);
      const olivia = caller(OLIVIA);
      const patFlow = await readyToConfirm(b, pat, 'setup', ORG, PAYG);
      const oliviaFlow = await readyToConfirm(b, olivia, 'setup', ORG, EA);
      value(await b.service.confirm(olivia, oliviaFlow, true));
      const refused = problem(await b.service.confirm(pat, patFlow, true));
      assert.equal(refused.code, 'already-linked');
      assert.match(refused.message, /Billing for contoso-web is already set up\. Type "change billing"/);
      assert.equal(b.state.links[ORG]?.subscriptionId, EA);
      assert.equal(b.state.links[ORG]?.linkedBy, OLIVIA);
    });

    it('refuses a removal when billing was changed meanwhile, rather than removing the new subscription', async () => {
      const b = new Bench(
        contoso().role(PAYG, PAT, 'Owner').role(EA, OLIVIA, 'Owner').directory(),
        linkedState(ORG, PAYG, SAM),
      );
      const pat = caller(PAT);
      const olivia = caller(OLIVIA);
      const removal = await readyToConfirm(b, pat, 'remove', ORG);
      const change = await readyToConfirm(b, olivia, 'change', ORG, EA);
      value(await b.service.confirm(olivia, change, true));
      const refused = problem(await b.service.confirm(pat, removal, true));
      // Pat holds no role on EA, so the fresh check stops him before the write.
      assert.equal(refused.code, 'missing-subscription-role');
      assert.equal(b.state.links[ORG]?.subscriptionId, EA);
    });

    // The confirmation card told Pat "From Contoso PAYG"; by the time he clicks, Olivia has moved
    // billing to Contoso EA. Pat's click must not silently override her decision with one made on a
    // stale card (a lost update): set-up refuses in the same situation with already-linked.
    it('refuses a change when billing was changed by someone else after the confirmation card was shown', async () => {
      const b = new Bench(
        contoso().role(PAYG, PAT, 'Owner').role(EA, OLIVIA, 'Owner').subscription('sub-dev', CONTOSO, { displayName: 'Contoso Dev' }).role('sub-dev', PAT, 'Owner').directory(),
        linkedState(ORG, PAYG, SAM),
      );
      const pat = caller(PAT);
      const olivia = caller(OLIVIA);
      const patsChange = await readyToConfirm(b, pat, 'change', ORG, 'sub-dev');
      const oliviasChange = await readyToConfirm(b, olivia, 'change', ORG, EA);
      value(await b.service.confirm(olivia, oliviasChange, true));
      const outcome = await b.service.confirm(pat, patsChange, true);
      assert.equal(b.state.links[ORG]?.subscriptionId, EA, "Olivia's change stands");
      assert.equal(problem(outcome).code, 'not-linked');
      assert.match(problem(outcome).message, /changed while you were deciding/);
    });

    it('refuses a removal when billing was moved to another subscription after the confirmation card was shown', async () => {
      const b = new Bench(
        contoso().role(PAYG, PAT, 'Owner').role(EA, PAT, 'Owner').role(EA, OLIVIA, 'Owner').directory(),
        linkedState(ORG, PAYG, SAM),
      );
      const pat = caller(PAT);
      const olivia = caller(OLIVIA);
      const removal = await readyToConfirm(b, pat, 'remove', ORG);
      const change = await readyToConfirm(b, olivia, 'change', ORG, EA);
      value(await b.service.confirm(olivia, change, true));
      const outcome = await b.service.confirm(pat, removal, true);
      assert.equal(b.state.links[ORG]?.subscriptionId, EA, 'the card said "Contoso PAYG will stop paying"; EA must not be removed');
      assert.equal(problem(outcome).code, 'not-linked');
    });
  });
});
