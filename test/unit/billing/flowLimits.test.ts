import assert from 'node:assert/strict';
import sinon from 'sinon';
import { UserRateLimit } from '../../../src/billing/flows/userRateLimit';
import type { Outcome } from '../../../src/domain/outcome';
import { Bench, caller, contoso, EA, OLIVIA, ORG, PAT, PAYG, problem, readyToConfirm, value } from './fixtures';

/**
 * What one person can make the bot keep: at most one open flow of each kind (a new start replaces
 * the old one), and a limited number of starts and clicks a minute, refused with the wait.
 */

function bench(limits?: { starts: number; clicks: number }): Bench {
  const directory = contoso().role(PAYG, PAT, 'Contributor').role(EA, OLIVIA, 'Owner').directory();
  return new Bench(directory, undefined, limits ? { starts: new UserRateLimit(limits.starts), clicks: new UserRateLimit(limits.clicks) } : undefined);
}

describe('Flow limits', () => {
  describe('one open flow per person and kind', () => {
    it('replaces the open flow of the same kind, whose card then says so and changes nothing', async () => {
      const b = bench();
      const pat = caller(PAT);
      const old = await readyToConfirm(b, pat, 'setup', ORG, PAYG);
      const newer = value(await b.service.startFlow(pat, 'setup')).flow.id;
      assert.equal(b.state.flows[old]?.status, 'replaced');
      assert.equal(b.state.flows[newer]?.status, 'open');
      const before = b.snapshot();
      const clicks: (() => Promise<Outcome<unknown>>)[] = [() => b.service.confirm(pat, old, true), () => b.service.chooseOrganization(pat, old, ORG), () => b.service.cancel(pat, old)];
      for (const click of clicks) {
        const refused = problem(await click());
        assert.equal(refused.code, 'flow-replaced');
        assert.equal(refused.message, 'You started a newer "set up billing" after this one, so this card no longer changes anything. Use the newer card, or type "set up billing" to start again.');
      }
      assert.deepEqual(b.snapshot(), before, 'a click on the replaced card writes nothing');
      assert.deepEqual(b.state.links, {});
      // The newer card works.
      value(await b.service.chooseOrganization(pat, newer, ORG));
      value(await b.service.chooseSubscription(pat, newer, PAYG));
      value(await b.service.confirm(pat, newer, true));
      assert.equal(b.state.links[ORG]?.subscriptionId, PAYG);
    });

    it('keeps flows of other kinds, of other people, and replaces one started in another conversation', async () => {
      const b = bench();
      const pat = caller(PAT);
      const setup = value(await b.service.startFlow(pat, 'setup')).flow.id;
      const change = value(await b.service.startFlow(pat, 'change')).flow.id;
      const olivias = value(await b.service.startFlow(caller(OLIVIA), 'setup')).flow.id;
      const elsewhere = value(await b.service.startFlow(caller(PAT, undefined, 'group-chat'), 'setup')).flow.id;
      assert.deepEqual([setup, change, olivias, elsewhere].map((id) => b.state.flows[id]?.status), ['replaced', 'open', 'open', 'open']);
    });

    it('leaves an expired flow as expired rather than replaced', async () => {
      const b = bench();
      const pat = caller(PAT);
      const expired = value(await b.service.startFlow(pat, 'setup')).flow.id;
      b.advanceMs(24 * 60 * 60 * 1000);
      value(await b.service.startFlow(pat, 'setup'));
      assert.equal(problem(await b.service.confirm(pat, expired, true)).code, 'flow-expired');
    });

    it('keeps one open flow however many are started', async () => {
      const b = bench();
      const pat = caller(PAT);
      for (let i = 0; i < 200; i++) value(await b.service.startFlow(pat, 'setup'));
      const open = Object.values(b.state.flows).filter((flow) => flow.status === 'open');
      assert.equal(open.length, 1);
    });
  });

  describe('starts and clicks per minute', () => {
    it('refuses a start beyond the limit with how many and how long to wait, and writes nothing', async () => {
      const b = bench({ starts: 3, clicks: 100 });
      const pat = caller(PAT);
      for (let i = 0; i < 3; i++) {
        value(await b.service.startFlow(pat, 'setup'));
        b.advanceMs(10_000);
      }
      const before = b.snapshot();
      const lookups = sinon.spy(b.directory, 'getUser');
      const refused = problem(await b.service.startFlow(pat, 'change'));
      assert.equal(lookups.callCount, 0, 'refused before anything is read for it');
      lookups.restore();
      assert.equal(refused.code, 'too-many-requests');
      assert.equal(refused.message, 'You started 3 billing tasks in the last minute, which is the most I accept from one person. Wait 30 seconds, then type "change billing" again. Nothing was changed.');
      assert.deepEqual(b.snapshot(), before);
      // Someone else is not held back, and the window slides.
      value(await b.service.startFlow(caller(OLIVIA), 'setup'));
      b.advanceMs(30_000);
      value(await b.service.startFlow(pat, 'change'));
    });

    it('refuses clicks beyond the limit, and lets the flow go on after the wait', async () => {
      const b = bench({ starts: 10, clicks: 4 });
      const pat = caller(PAT);
      const flowId = value(await b.service.startFlow(pat, 'setup')).flow.id;
      for (let i = 0; i < 4; i++) value(await b.service.chooseOrganization(pat, flowId, ORG));
      const refused = problem(await b.service.chooseSubscription(pat, flowId, PAYG));
      assert.equal(refused.code, 'too-many-requests');
      assert.equal(refused.message, 'You pressed 4 buttons in the last minute, which is the most I accept from one person. Wait 60 seconds, then press it again. Nothing was changed.');
      assert.equal(b.state.flows[flowId]?.subscriptionId, undefined);
      b.advanceMs(60_000);
      value(await b.service.chooseSubscription(pat, flowId, PAYG));
    });

    it('forgets people whose window has passed', () => {
      const limit = new UserRateLimit(1);
      assert.deepEqual(limit.take('a', 0), { allowed: true });
      assert.deepEqual(limit.take('a', 59_999), { allowed: false, count: 1, waitMs: 1 });
      assert.deepEqual(limit.take('a', 60_000), { allowed: true });
      assert.throws(() => new UserRateLimit(0), /at least one request/);
    });
  });
});
