import assert from 'node:assert/strict';
import { actionsOf, alex, cardOf, choicesOf, groupChat, messageOf, TeamsHarness, textOf, type CardView, type Person } from '../../support/teamsHarness';
import { MEGAN, ORG_DATA, ORG_MOBILE, ORG_WEB, SUB_EA, SUB_FREE_TRIAL, SUB_NO_ROLE, SUB_OTHER_TENANT, SUB_PAYG } from '../../support/demoWorld';

const megan: Person = { aadObjectId: MEGAN, name: 'Megan Bowen' };
const isaiah: Person = { aadObjectId: '00000000-0000-0000-0000-0000000000023', name: 'Isaiah Langer' };

function flowIdOf(card: CardView): string {
  const next = [...actionsOf(card).values()].find((a) => typeof a.data.flowId === 'string');
  assert.ok(next, `no flow button on card:\n${card.text}`);
  return String(next.data.flowId);
}

describe('Billing flows on cards', () => {
  let bot: TeamsHarness;
  beforeEach(async () => {
    bot = await TeamsHarness.create();
  });
  afterEach(async () => {
    await bot.close();
  });

  /** Runs set up billing to the end as Alex would, clicking the buttons the cards show. */
  async function setUp(organizationId: string, subscriptionId: string, who: Person = alex): Promise<CardView> {
    const organizations = cardOf(await bot.say('set up billing', who));
    const flowId = flowIdOf(organizations);
    const subscriptions = cardOf(await bot.click('flow.organization', { flowId, organizationId }, who));
    assert.ok(choicesOf(subscriptions, 'subscriptionId').includes(subscriptionId), subscriptions.text);
    assert.match(cardOf(await bot.click('flow.subscription', { flowId, subscriptionId }, who)).text, /Step 3 of 3/);
    return cardOf(await bot.click('flow.confirm', { flowId }, who));
  }

  it('sets up billing through organization, subscription, confirmation and result', async () => {
    const organizations = cardOf(await bot.say('set up billing'));
    assert.deepEqual(choicesOf(organizations, 'organizationId').sort(), [ORG_MOBILE, ORG_WEB]);
    assert.match(organizations.text, /contoso-data[\s\S]*Only project collection administrators[\s\S]*Adele Vance/);
    const flowId = flowIdOf(organizations);

    const subscriptions = cardOf(await bot.click('flow.organization', { flowId, organizationId: ORG_WEB }));
    assert.deepEqual(choicesOf(subscriptions, 'subscriptionId').sort(), [SUB_EA, SUB_PAYG].sort());
    assert.match(subscriptions.text, /Free Trial[\s\S]*free trial/);
    assert.match(subscriptions.text, /Fabrikam Partner Projects[\s\S]*another Microsoft Entra tenant/);
    assert.match(subscriptions.text, /Contoso Shared Services[\s\S]*Megan Bowen/);
    assert.ok(!subscriptions.text.includes('Contoso Data Platform'), 'a subscription Alex holds no role on is not listed');

    const confirm = cardOf(await bot.click('flow.subscription', { flowId, subscriptionId: SUB_PAYG }));
    assert.match(confirm.text, /Contoso Pay-As-You-Go will pay for contoso-web/);
    assert.equal(Object.keys(bot.store.snapshot().links).length, 0, 'nothing is linked before confirmation');

    const result = cardOf(await bot.click('flow.confirm', { flowId }));
    assert.match(result.text, /Billing is set up/);
    assert.match(result.text, /Alex Wilber/);
    assert.match(result.text, /2026-11-26 09:00 UTC/);
    assert.equal(bot.store.snapshot().links[ORG_WEB]?.subscriptionId, SUB_PAYG);
    assert.equal(bot.store.snapshot().audit.length, 1);

    const status = cardOf(await bot.say('status'));
    assert.match(status.text, /contoso-web[\s\S]*Billing is set up[\s\S]*Contoso Pay-As-You-Go/);
  });

  it('then offers the billed organization only for change, naming its subscription', async () => {
    await setUp(ORG_WEB, SUB_PAYG);
    const again = cardOf(await bot.say('set up billing'));
    assert.deepEqual(choicesOf(again, 'organizationId'), [ORG_MOBILE]);
    assert.match(again.text, /contoso-web \(paid by Contoso Pay-As-You-Go\)[\s\S]*change billing/);
  });

  it('changes billing to another subscription and says from what to what', async () => {
    await setUp(ORG_WEB, SUB_PAYG);
    const organizations = cardOf(await bot.say('change billing'));
    assert.deepEqual(choicesOf(organizations, 'organizationId'), [ORG_WEB]);
    const flowId = flowIdOf(organizations);
    const subscriptions = cardOf(await bot.click('flow.organization', { flowId, organizationId: ORG_WEB }));
    assert.deepEqual(choicesOf(subscriptions, 'subscriptionId'), [SUB_EA], 'the current subscription is not offered again');
    assert.match(subscriptions.text, /Contoso Enterprise Agreement \(263c2b1d-447c-44ad-b793-40363e9f4870\): Enterprise Agreement; you are Contributor/, 'each choice names its offer and the caller\'s role');
    const confirm = cardOf(await bot.click('flow.subscription', { flowId, subscriptionId: SUB_EA }));
    assert.match(confirm.text, /charges go to Contoso Enterprise Agreement instead of Contoso Pay-As-You-Go/);
    const result = cardOf(await bot.click('flow.confirm', { flowId }));
    assert.match(result.text, /Billing changed[\s\S]*Contoso Pay-As-You-Go[\s\S]*Contoso Enterprise Agreement/);
    assert.equal(bot.store.snapshot().links[ORG_WEB]?.subscriptionId, SUB_EA);
    assert.equal(bot.store.snapshot().links[ORG_WEB]?.linkedBy, alex.aadObjectId);
    assert.equal(bot.store.snapshot().links[ORG_WEB]?.changedBy, alex.aadObjectId);
    assert.match(result.text, /The resource group VisualStudioOnline-orgcontosoweb stays behind in Contoso Pay-As-You-Go\. Now that the change is done it may be deleted; never delete it before a change of subscription/);
    const status = cardOf(await bot.say('status'));
    assert.match(status.text, /Left in the old subscription\nthe resource group VisualStudioOnline-orgcontosoweb in Contoso Pay-As-You-Go; billing has moved, so it may be deleted now/);
  });

  it('offers each subscription with its offer and the caller\'s role on it', async () => {
    const organizations = cardOf(await bot.say('set up billing'));
    const subscriptions = cardOf(await bot.click('flow.organization', { flowId: flowIdOf(organizations), organizationId: ORG_WEB }));
    assert.match(subscriptions.text, /Contoso Pay-As-You-Go \(41cc4f36-a157-4ec6-97a4-346cb65c3452\): pay-as-you-go; you are Owner/);
    assert.match(subscriptions.text, /Contoso Enterprise Agreement \(263c2b1d-447c-44ad-b793-40363e9f4870\): Enterprise Agreement; you are Contributor/);
  });

  it('removes billing only after the explicit confirmation', async () => {
    await setUp(ORG_WEB, SUB_PAYG);
    const organizations = cardOf(await bot.say('remove billing'));
    const flowId = flowIdOf(organizations);
    const confirm = cardOf(await bot.click('flow.organization', { flowId, organizationId: ORG_WEB }));
    assert.match(confirm.text, /free tier at once/);
    assert.match(confirm.text, /read-only/);
    assert.ok(actionsOf(confirm).has('Remove billing'));

    const unticked = cardOf(await bot.click('flow.confirm', { flowId, acknowledged: 'false' }));
    assert.match(unticked.text, /Tick the box/);
    assert.ok(bot.store.snapshot().links[ORG_WEB], 'still linked without the tick');

    // The refusal replaced the card; a fresh removal with the tick goes through.
    const retry = flowIdOf(cardOf(await bot.say('remove billing')));
    await bot.click('flow.organization', { flowId: retry, organizationId: ORG_WEB });
    const result = cardOf(await bot.click('flow.confirm', { flowId: retry, acknowledged: 'true' }));
    assert.match(result.text, /Billing removed[\s\S]*free tier/);
    assert.equal(bot.store.snapshot().links[ORG_WEB], undefined);
    assert.match(cardOf(await bot.say('status')).text, /contoso-web[\s\S]*Billing is not set up/);
  });

  it("answers someone else's click with a message and leaves the flow untouched", async () => {
    const organizations = cardOf(await bot.say('set up billing'));
    const flowId = flowIdOf(organizations);
    // Megan replays Alex's button from her own chat (a forwarded card, or a crafted request).
    const answer = await bot.click('flow.organization', { flowId, organizationId: ORG_MOBILE }, megan);
    assert.match(messageOf(answer), /belongs to Alex Wilber/);
    assert.equal(bot.store.snapshot().flows[flowId]?.organizationId, undefined);
    // Alex can still go on.
    const subscriptions = cardOf(await bot.click('flow.organization', { flowId, organizationId: ORG_WEB }));
    assert.match(subscriptions.text, /Step 2 of 3/);
  });

  it('keeps flows out of group chats, where everyone would see the subscriptions', async () => {
    for (const command of ['set up billing', 'change billing', 'remove billing', 'buy']) {
      const replies = await bot.say(command, alex, groupChat);
      assert.equal(replies[0]?.attachments, undefined, `${command} showed a card in a group chat`);
      assert.match(textOf(replies), new RegExp(`personal chat[\\s\\S]*type "${command}" there`));
    }
    const fromHelpButton = await bot.click('flow.start', { kind: 'setup' }, alex, groupChat);
    assert.match(messageOf(fromHelpButton), /personal chat/);
    const buyButton = await bot.click('quantities.start', {}, alex, groupChat);
    assert.match(messageOf(buyButton), /personal chat[\s\S]*"buy"/);
    assert.deepEqual(Object.keys(bot.store.snapshot().flows), [], 'no flow was started');
    assert.deepEqual(Object.keys(bot.store.snapshot().purchases), [], 'no purchase was started');
  });

  it('shows in a group chat only what every member may see, even to a PCA', async () => {
    await setUp(ORG_WEB, SUB_PAYG);
    const shared = cardOf(await bot.say('status', alex, groupChat));
    assert.match(shared.text, /contoso-web[\s\S]*Billing is set up, managed by Alex Wilber/);
    assert.match(shared.text, /This chat is shared/);
    assert.ok(!shared.text.includes('Pay-As-You-Go'), 'the subscription stays out of the group chat');
    assert.ok(!shared.text.includes(SUB_PAYG));
  });

  it('answers a late click with an expiry notice and changes nothing', async () => {
    const flowId = flowIdOf(cardOf(await bot.say('set up billing')));
    await bot.click('flow.organization', { flowId, organizationId: ORG_WEB });
    await bot.click('flow.subscription', { flowId, subscriptionId: SUB_PAYG });
    bot.advanceMinutes(16);
    const late = cardOf(await bot.click('flow.confirm', { flowId }));
    assert.match(late.text, /expired[\s\S]*nothing was changed[\s\S]*set up billing/);
    assert.equal(bot.store.snapshot().links[ORG_WEB], undefined);
  });

  it('keeps an active flow alive: each step restarts the 15 minutes', async () => {
    const flowId = flowIdOf(cardOf(await bot.say('set up billing')));
    bot.advanceMinutes(10);
    await bot.click('flow.organization', { flowId, organizationId: ORG_WEB });
    bot.advanceMinutes(10);
    await bot.click('flow.subscription', { flowId, subscriptionId: SUB_PAYG });
    bot.advanceMinutes(10);
    assert.match(cardOf(await bot.click('flow.confirm', { flowId })).text, /Billing is set up/);
  });

  it('answers a second click on a finished card with what was done, and changes nothing', async () => {
    const flowId = flowIdOf(cardOf(await bot.say('set up billing')));
    await bot.click('flow.organization', { flowId, organizationId: ORG_WEB });
    await bot.click('flow.subscription', { flowId, subscriptionId: SUB_PAYG });
    await bot.click('flow.confirm', { flowId });
    const second = cardOf(await bot.click('flow.confirm', { flowId }));
    assert.match(second.text, /Already done[\s\S]*Contoso Pay-As-You-Go pays for contoso-web/);
    assert.equal(bot.store.snapshot().audit.length, 1);
  });

  describe('forged card data changes nothing', () => {
    const forgeries: { name: string; organizationId: string; subscriptionId?: string; expect: RegExp }[] = [
      { name: 'an organization where Alex is only a member', organizationId: ORG_DATA, expect: /Only project collection administrators/ },
      { name: 'an organization Alex does not belong to', organizationId: 'org-contoso-research', expect: /not a member/ },
      { name: 'an organization that does not exist', organizationId: 'org-nowhere', expect: /does not exist/ },
      { name: 'a subscription Alex holds no role on', organizationId: ORG_WEB, subscriptionId: SUB_NO_ROLE, expect: /does not exist, or you have no access/ },
      { name: 'a subscription in another tenant', organizationId: ORG_WEB, subscriptionId: SUB_OTHER_TENANT, expect: /another Microsoft Entra tenant/ },
      { name: 'a free trial', organizationId: ORG_WEB, subscriptionId: SUB_FREE_TRIAL, expect: /free trial/ },
      { name: 'a subscription that does not exist', organizationId: ORG_WEB, subscriptionId: 'sub-nowhere', expect: /does not exist/ },
    ];
    for (const forged of forgeries) {
      it(forged.name, async () => {
        const flowId = flowIdOf(cardOf(await bot.say('set up billing')));
        let answer = cardOf(await bot.click('flow.organization', { flowId, organizationId: forged.organizationId }));
        if (forged.subscriptionId) {
          answer = cardOf(await bot.click('flow.subscription', { flowId, subscriptionId: forged.subscriptionId }));
        }
        assert.match(answer.text, forged.expect);
        assert.match(answer.text, /Nothing was changed/i);
        const confirmed = cardOf(await bot.click('flow.confirm', { flowId }));
        assert.doesNotMatch(confirmed.text, /Billing is set up/);
        assert.deepEqual(bot.store.snapshot().links, {});
      });
    }

    it('a flow id that was never issued', async () => {
      const answer = cardOf(await bot.click('flow.confirm', { flowId: 'made-up' }));
      assert.match(answer.text, /no longer active/);
    });

    it('a verb no card has', async () => {
      const answer = cardOf(await bot.click('billing.grantEverything', { flowId: 'x' }));
      assert.match(answer.text, /not one I know/);
    });

    it('data of the wrong types', async () => {
      const flowId = flowIdOf(cardOf(await bot.say('set up billing')));
      const answer = await bot.click('flow.organization', { flowId, organizationId: { $ne: null } });
      assert.match(messageOf(answer), /Pick an organization/);
      assert.deepEqual(bot.store.snapshot().links, {});
    });
  });

  it('does not let a plain member remove billing, and names the owner who can', async () => {
    await setUp(ORG_WEB, SUB_PAYG);
    const card = cardOf(await bot.say('remove billing', isaiah));
    assert.deepEqual(choicesOf(card, 'organizationId'), []);
    assert.match(card.text, /contoso-web[\s\S]*Only project collection administrators can remove billing\. Ask Alex Wilber/);
  });

  it('lets another PCA who is Contributor on the subscription remove billing', async () => {
    await setUp(ORG_WEB, SUB_PAYG);
    const flowId = flowIdOf(cardOf(await bot.say('remove billing', megan)));
    await bot.click('flow.organization', { flowId, organizationId: ORG_WEB }, megan);
    assert.match(cardOf(await bot.click('flow.confirm', { flowId, acknowledged: 'true' }, megan)).text, /Billing removed[\s\S]*Megan Bowen/);
  });

  it('shows a plain member only whether billing is set up and who manages it', async () => {
    await setUp(ORG_WEB, SUB_PAYG);
    const isaiahsView = cardOf(await bot.say('status', isaiah));
    assert.match(isaiahsView.text, /contoso-web[\s\S]*Billing is set up, managed by Alex Wilber/);
    assert.ok(!isaiahsView.text.includes('Pay-As-You-Go'), 'the subscription is hidden from plain members');
    assert.ok(!isaiahsView.text.includes(SUB_PAYG));
    const megansView = cardOf(await bot.say('status', megan));
    assert.match(megansView.text, /contoso-web[\s\S]*Contoso Pay-As-You-Go/);
  });

  it('answers every card button the bot itself shows (no 501)', async () => {
    const help = cardOf(await bot.say('help'));
    for (const [title, action] of actionsOf(help)) {
      const response = await bot.click(action.verb, action.data);
      assert.equal(response.status, 200, `${title} answered ${response.status}`);
    }
  });

  it('answers an invoke it does not handle with a 400, not a 501', async () => {
    await bot.send({ type: 'invoke', name: 'composeExtension/query', value: {} });
    assert.equal(bot.lastInvokeResponse?.status, 400);
  });
});
