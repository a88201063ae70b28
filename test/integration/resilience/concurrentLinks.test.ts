import assert from 'node:assert/strict';
import { MEGAN, ORG_WEB, SUB_EA, SUB_PAYG } from '../../support/demoWorld';
import { ALEX_SENDER, flowIdIn, HttpBot, type HttpAnswer, type Sender } from '../../support/httpBot';
import { assertReadable, assertStillServing } from '../../support/invariants';
import { flowAwaitingConfirmation, stateWithFlows } from '../../support/seededState';

const ATTEMPTS = 50;
const MEGAN_SENDER: Sender = { aadObjectId: MEGAN, name: 'Megan Bowen' };
/** Both may set up contoso-web: Alex as its owner, Megan as a project collection administrator. */
const ADMINISTRATORS = [ALEX_SENDER, MEGAN_SENDER];

const LINKED = /Billing is set up/;
const ALREADY = /Billing for contoso-web is already set up\. Type \\"change billing\\"/;
/** A person's newer set-up replaces their older one, whose next click says so. */
const REPLACED = /You started a newer \\"set up billing\\" after this one, so this card no longer changes anything/;
/** Fifty attempts from two people are far beyond what one person may do a minute; limits are tested elsewhere. */
const BURSTS_ALLOWED = { FLOW_STARTS_PER_MINUTE: '1000000', CARD_CLICKS_PER_MINUTE: '1000000' };

/** 50 people (two administrators, many cards) try to link the same organization at once: one wins. */
describe('Concurrent attempts to link one organization', function () {
  this.timeout(60_000);
  let bot: HttpBot;

  afterEach(async () => {
    await bot.stop();
  });

  async function assertExactlyOneLink(answers: HttpAnswer[], flowOwners: Map<string, string>, lost = ALREADY): Promise<void> {
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]), 'every attempt got an answer');
    const winners = answers.filter((a) => LINKED.test(a.text));
    assert.equal(winners.length, 1, 'exactly one attempt linked the organization');
    for (const loser of answers.filter((a) => !LINKED.test(a.text))) {
      assert.match(loser.text, lost);
      assertReadable(loser.text);
    }
    const state = await assertStillServing(bot);
    assert.equal(state.audit.length, 1, 'one change, audited once');
    const link = state.links[ORG_WEB];
    assert.ok(link);
    const winningFlow = Object.values(state.flows).find((f) => f.status === 'completed');
    assert.ok(winningFlow);
    assert.equal(link.linkedBy, flowOwners.get(winningFlow.id), 'the link names the winner');
    assert.equal(link.subscriptionId, winningFlow.subscriptionId);
    assert.equal(Object.values(state.flows).filter((f) => f.status === 'completed').length, 1);
  }

  it(`links once when ${ATTEMPTS} confirmations of different cards arrive together`, async () => {
    const flows = Array.from({ length: ATTEMPTS }, (_, i) => {
      const owner = ADMINISTRATORS[i % 2] as Sender;
      return flowAwaitingConfirmation(`flow-${i}`, { ownerId: owner.aadObjectId, conversationId: `personal-${owner.aadObjectId}`, subscriptionId: i % 2 ? SUB_EA : SUB_PAYG });
    });
    bot = await HttpBot.start({ initialState: stateWithFlows(...flows), env: BURSTS_ALLOWED });
    const owners = new Map(flows.map((f) => [f.id, f.ownerId]));
    const answers = await Promise.all(
      flows.map((flow, i) => bot.post(bot.cardAction('flow.confirm', { flowId: flow.id }, ADMINISTRATORS[i % 2]))),
    );
    await assertExactlyOneLink(answers, owners);
  });

  it(`links once when ${ATTEMPTS} whole set-up flows race from the first card to the last`, async () => {
    bot = await HttpBot.start({ env: BURSTS_ALLOWED });
    const owners = new Map<string, string>();
    const answers = await Promise.all(
      Array.from({ length: ATTEMPTS }, async (_, i): Promise<HttpAnswer> => {
        const who = ADMINISTRATORS[i % 2] as Sender;
        const subscriptionId = i % 2 ? SUB_EA : SUB_PAYG;
        const started = await bot.post(bot.cardAction('flow.start', { kind: 'setup' }, who));
        const flowId = flowIdIn(started.json);
        assert.ok(flowId, started.text);
        owners.set(flowId, who.aadObjectId);
        // Each step either moves on or is the attempt's final answer, as the user would stop there.
        const steps: [string, Record<string, unknown>, RegExp][] = [
          ['flow.organization', { flowId, organizationId: ORG_WEB }, /Step 2 of 3/],
          ['flow.subscription', { flowId, subscriptionId }, /Step 3 of 3/],
        ];
        for (const [verb, data, next] of steps) {
          const answer = await bot.post(bot.cardAction(verb, data, who));
          if (!next.test(answer.text)) return answer;
        }
        return bot.post(bot.cardAction('flow.confirm', { flowId }, who));
      }),
    );
    await assertExactlyOneLink(answers, owners, new RegExp(`${ALREADY.source}|${REPLACED.source}`));
  });
});
