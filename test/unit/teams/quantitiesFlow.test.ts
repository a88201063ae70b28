import assert from 'node:assert/strict';
import { actionsOf, alex, cardOf, choicesOf, messageOf, TeamsHarness, textOf, type CardView, type Person } from '../../support/teamsHarness';
import { MEGAN, ORG_DATA, ORG_MOBILE, ORG_WEB, SUB_EA, SUB_PAYG } from '../../support/demoWorld';

const megan: Person = { aadObjectId: MEGAN, name: 'Megan Bowen' };
const isaiah: Person = { aadObjectId: '00000000-0000-0000-0000-0000000000023', name: 'Isaiah Langer' };
const patti: Person = { aadObjectId: '00000000-0000-0000-0000-0000000000024', name: 'Patti Fernandez' };

function flowIdOf(card: CardView): string {
  const withFlow = [...actionsOf(card).values()].find((a) => typeof a.data.flowId === 'string');
  assert.ok(withFlow, `no flow button on card:\n${card.text}`);
  return String(withFlow.data.flowId);
}

/** The Input.Number fields of a card: id → { label, value, max }. */
function numberInputsOf(card: CardView): Map<string, { label: string; value: unknown; max: unknown }> {
  const inputs = new Map<string, { label: string; value: unknown; max: unknown }>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.type === 'Input.Number') inputs.set(String(record.id), { label: String(record.label), value: record.value, max: record.max });
    Object.values(record).forEach(visit);
  };
  visit(card.json);
  return inputs;
}

/** The notification cards delivered to one person, as text. */
function cardsTo(bot: TeamsHarness, aadObjectId: string): string[] {
  return bot.transport.delivered
    .filter((c) => c.target === `chat-${aadObjectId}` || bot.store.snapshot().conversations[c.target]?.aadObjectId === aadObjectId)
    .map((c) => JSON.stringify(c.message?.card));
}

/** Nothing bought, and the Artifacts switch where each demo organization has it (contoso-web pays as used). */
const NONE = { microsoftHostedJobs: '0', selfHostedJobs: '0', artifactsLimit: 'payAsYouGo' };
const NONE_MOBILE = { ...NONE, artifactsLimit: 'free' };

describe('Buying paid quantities on cards', () => {
  let bot: TeamsHarness;
  beforeEach(async () => {
    bot = await TeamsHarness.create();
  });
  afterEach(async () => {
    await bot.close();
  });

  /** Types "buy" and picks the organization: the quantities card. */
  async function quantitiesCard(organizationId: string, who: Person = alex): Promise<{ flowId: string; card: CardView }> {
    const picker = cardOf(await bot.say('buy', who));
    const flowId = flowIdOf(picker);
    return { flowId, card: cardOf(await bot.click('quantities.organization', { flowId, organizationId }, who)) };
  }

  /** Alex's first purchase for contoso-web, through set-up with Contoso Pay-As-You-Go. */
  async function firstPurchase(numbers: Record<string, string>): Promise<CardView> {
    const { flowId } = await quantitiesCard(ORG_WEB);
    const subscriptions = cardOf(await bot.click('quantities.review', { flowId, ...numbers }));
    const setupFlowId = flowIdOf(subscriptions);
    cardOf(await bot.click('flow.subscription', { flowId: setupFlowId, subscriptionId: SUB_PAYG }));
    return cardOf(await bot.click('flow.confirm', { flowId: setupFlowId }));
  }

  it('makes a first purchase through "set up billing", in the same conversation and without asking again', async () => {
    const picker = cardOf(await bot.say('buy'));
    assert.match(picker.text, /Buy paid quantities[\s\S]*Step 1 of 3: organization/);
    assert.deepEqual(choicesOf(picker, 'organizationId').sort(), [ORG_MOBILE, ORG_WEB]);
    assert.match(picker.text, /contoso-web \(no billing yet\)/);
    assert.match(picker.text, /contoso-data[\s\S]*has no billing yet[\s\S]*Ask Adele Vance or Patti Fernandez/);
    const flowId = flowIdOf(picker);

    const quantities = cardOf(await bot.click('quantities.organization', { flowId, organizationId: ORG_WEB }));
    assert.match(quantities.text, /Step 2 of 3: quantities/);
    assert.match(quantities.text, /contoso-web has no billing yet, so this first purchase sets billing up/);
    assert.match(quantities.text, /Microsoft-hosted parallel jobs[\s\S]*1 free \(1,800 minutes a month for private projects; unlimited minutes for public ones\)\. A new organization may have to ask for its free grant first, with the form at https:\u2060\/\/aka\.ms\/azpipelines-parallelism-request\. Paid now: 0\. List price: 40 USD per parallel job a month\./);
    assert.match(quantities.text, /Self-hosted parallel jobs[\s\S]*1 free, plus 1 for each Visual Studio Enterprise subscriber in the organization\. Paid now: 0\. List price: 15 USD per parallel job a month\./);
    assert.match(quantities.text, /Artifacts storage\nNot bought as a count: a switch\. Now: pay for what you use\. 12\.5 GiB stored now; paid as used, that is about 18\.50 USD a month/);
    assert.match(quantities.text, /Users are not bought here: they are billed for the access level assigned to each of them\. Type "users"/);
    assert.doesNotMatch(quantities.text, /Paid Basic users/);
    assert.match(quantities.text, /List-price estimate now: 18\.50 USD a month for parallel jobs and Artifacts storage/);
    const inputs = numberInputsOf(quantities);
    assert.deepEqual([...inputs.values()].map((i) => [i.label, i.value, i.max]), [
      ['Paid Microsoft-hosted parallel jobs', 0, 200],
      ['Paid self-hosted parallel jobs', 0, 200],
    ]);
    assert.deepEqual(choicesOf(quantities, 'artifactsLimit'), ['free', 'payAsYouGo']);

    // Input.Number values arrive as strings from some clients and numbers from others.
    const subscriptions = cardOf(await bot.click('quantities.review', { flowId, ...NONE, microsoftHostedJobs: 2, selfHostedJobs: '1' }));
    assert.match(subscriptions.text, /Set up billing[\s\S]*Step 2 of 3: subscription/);
    assert.match(subscriptions.text, /contoso-web has no billing yet, so your purchase starts by setting it up/);
    assert.match(subscriptions.text, /Microsoft-hosted parallel jobs\n0 → 2 \(80 USD a month more\)/);
    assert.deepEqual(choicesOf(subscriptions, 'subscriptionId').sort(), [SUB_EA, SUB_PAYG].sort(), 'the set-up rules decide which subscriptions can pay');
    assert.match(subscriptions.text, /Free Trial[\s\S]*free trial/);
    const setupFlowId = flowIdOf(subscriptions);

    const confirm = cardOf(await bot.click('flow.subscription', { flowId: setupFlowId, subscriptionId: SUB_PAYG }));
    assert.match(confirm.text, /Step 3 of 3: confirm/);
    assert.match(confirm.text, /In the same step your purchase is made: 2 Microsoft-hosted parallel jobs and 1 self-hosted parallel job\./);
    assert.match(confirm.text, /Monthly list-price estimate: 0 USD → 95 USD \(95 USD more a month\)/);
    assert.deepEqual(bot.store.snapshot().quantities, {}, 'nothing is bought before the set-up is confirmed');
    assert.deepEqual(bot.store.snapshot().links, {});

    const result = cardOf(await bot.click('flow.confirm', { flowId: setupFlowId }));
    assert.match(result.text, /Billing is set up/);
    assert.match(result.text, /Your purchase is made: contoso-web now pays for 2 Microsoft-hosted parallel jobs and 1 self-hosted parallel job on top of the free tier\./);
    const state = bot.store.snapshot();
    assert.equal(state.links[ORG_WEB]?.subscriptionId, SUB_PAYG);
    assert.deepEqual(state.quantities[ORG_WEB]?.paid, { basicUsers: 0, basicTestPlansUsers: 0, microsoftHostedJobs: 2, selfHostedJobs: 1, artifactsGiB: 0 });
    assert.deepEqual(state.audit.map((a) => a.action), ['billing.setup', 'quantities.purchase']);
    assert.match(result.text, /Notifying in Teams: Megan Bowen and Patti Fernandez\./);
    await bot.notificationsIdle();
    const toMegan = cardsTo(bot, MEGAN);
    assert.equal(toMegan.length, 1, 'one notice for the set-up and its purchase');
    assert.match(toMegan[0] ?? '', /Billing set up for contoso-web[\s\S]*A first purchase of paid quantities was made with it/);
    assert.match(toMegan[0] ?? '', /"Microsoft-hosted parallel jobs","value":"0 → 2"[\s\S]*"Monthly estimate","value":"0 USD → 95 USD \(list price\)"/);

    assert.match(cardOf(await bot.say('status')).text, /contoso-web[\s\S]*Paid quantities\n2 Microsoft-hosted parallel jobs and 1 self-hosted parallel job, on top of the free tier/);
    // The quantities card handed over; a late click on it says where the purchase went.
    assert.match(cardOf(await bot.click('quantities.review', { flowId, ...NONE, microsoftHostedJobs: '3' })).text, /Already done[\s\S]*went on to "set up billing"/);
    assert.equal(bot.store.snapshot().quantities[ORG_WEB]?.paid.microsoftHostedJobs, 2);
  });

  it('keeps a set-up that carries a purchase on its organization', async () => {
    const { flowId } = await quantitiesCard(ORG_WEB);
    const setupFlowId = flowIdOf(cardOf(await bot.click('quantities.review', { flowId, ...NONE, microsoftHostedJobs: '2' })));
    const forged = cardOf(await bot.click('flow.organization', { flowId: setupFlowId, organizationId: ORG_MOBILE }));
    assert.match(forged.text, /belongs to a purchase for one organization/);
    assert.equal(bot.store.snapshot().flows[setupFlowId]?.organizationId, ORG_WEB);
  });

  it('lets a subscription Contributor who is not a PCA change quantities, and shows old → new and the reduction', async () => {
    await firstPurchase({ ...NONE, microsoftHostedJobs: '2', selfHostedJobs: '2' });
    const picker = cardOf(await bot.say('quantities', patti));
    assert.ok(choicesOf(picker, 'organizationId').includes(ORG_WEB), picker.text);
    assert.match(picker.text, /contoso-web \(paid by Contoso Pay-As-You-Go\)/);
    const flowId = flowIdOf(picker);
    const card = cardOf(await bot.click('quantities.organization', { flowId, organizationId: ORG_WEB }, patti));
    assert.doesNotMatch(card.text, /no billing yet/);
    assert.match(card.text, /List-price estimate now: 128\.50 USD a month/);
    assert.equal(numberInputsOf(card).get('microsoftHostedJobs')?.value, 2, 'the inputs start at the current paid quantities');

    const confirm = cardOf(await bot.click('quantities.review', { flowId, ...NONE, microsoftHostedJobs: '1', selfHostedJobs: '2', artifactsLimit: 'free' }, patti));
    assert.match(confirm.text, /Step 3 of 3: confirm/);
    assert.match(confirm.text, /Old → new/);
    assert.match(confirm.text, /Microsoft-hosted parallel jobs\n2 → 1, a reduction \(40 USD a month less\)/);
    assert.match(confirm.text, /Artifacts storage\npay for what you use → free tier only \(at 12\.5 GiB: 18\.50 USD → 0 USD a month\)/);
    assert.doesNotMatch(confirm.text, /Self-hosted parallel jobs/, 'unchanged meters are not listed');
    assert.match(confirm.text, /Monthly list-price estimate: 128\.50 USD → 70 USD \(58\.50 USD less a month: a reduction\)/);
    assert.match(confirm.text, /This is a reduction of Microsoft-hosted parallel jobs from 2 to 1[\s\S]*Artifacts storage goes back to the free tier: above 2 GiB, contoso-web's feeds become read-only/);
    assert.deepEqual([...actionsOf(confirm).keys()], ['Confirm', 'Back', 'Cancel']);
    assert.equal(bot.store.snapshot().quantities[ORG_WEB]?.paid.microsoftHostedJobs, 2, 'nothing changes before Confirm');

    const result = cardOf(await bot.click('quantities.confirm', { flowId }, patti));
    assert.match(result.text, /Paid quantities changed[\s\S]*contoso-web[\s\S]*Microsoft-hosted parallel jobs\n2 → 1[\s\S]*Patti Fernandez/);
    assert.match(result.text, /contoso-web now pays for 1 Microsoft-hosted parallel job and 2 self-hosted parallel jobs on top of the free tier\./);
    assert.deepEqual(bot.store.snapshot().quantities[ORG_WEB]?.paid, { basicUsers: 0, basicTestPlansUsers: 0, microsoftHostedJobs: 1, selfHostedJobs: 2, artifactsGiB: 0 });
    assert.equal(bot.store.snapshot().quantities[ORG_WEB]?.artifactsLimit, 'free');
    assert.equal(bot.store.snapshot().audit.at(-1)?.action, 'quantities.change');

    // The other billing managers hear about it; the one who made the change does not.
    assert.match(result.text, /Notifying in Teams: Alex Wilber and Megan Bowen\./);
    await bot.notificationsIdle();
    for (const manager of [alex.aadObjectId, MEGAN]) {
      const changed = cardsTo(bot, manager).filter((c) => c.includes('Paid quantities of contoso-web changed'));
      assert.equal(changed.length, 1, `${manager} is told once`);
      assert.match(changed[0] ?? '', /Patti Fernandez changed what contoso-web buys, paid by Contoso Pay-As-You-Go/);
      assert.match(changed[0] ?? '', /"Microsoft-hosted parallel jobs","value":"2 → 1"[\s\S]*"Artifacts storage","value":"pay for what you use → free tier only"[\s\S]*"Monthly estimate","value":"128[\\]*\.50 USD → 70 USD \(list price\)"/);
    }
    assert.ok(!cardsTo(bot, patti.aadObjectId).some((c) => c.includes('Paid quantities of contoso-web changed')), 'Patti made the change');
    assert.deepEqual(bot.store.snapshot().changeEvents, {}, 'every saved event was turned into notifications');
    const now = cardOf(await bot.click('quantities.organization', { flowId: flowIdOf(cardOf(await bot.say('buy', patti))), organizationId: ORG_WEB }, patti));
    assert.match(now.text, /⚠ contoso-web stores 12\.5 GiB on the free tier, more than the free 2 GiB, so its feeds are read-only/);
  });

  it('refuses a plain member without a subscription role, naming who can do it', async () => {
    await firstPurchase({ ...NONE, microsoftHostedJobs: '1' });
    const picker = cardOf(await bot.say('buy', isaiah));
    assert.ok(!choicesOf(picker, 'organizationId').includes(ORG_WEB));
    assert.match(picker.text, /contoso-web[\s\S]*Only Owners and Contributors of the subscription that pays for contoso-web can change its paid quantities\. Ask Alex Wilber, Megan Bowen or Patti Fernandez/);
    assert.doesNotMatch(picker.text, /Pay-As-You-Go/, 'the subscription stays hidden from a plain member');
    const forged = cardOf(await bot.click('quantities.organization', { flowId: flowIdOf(picker), organizationId: ORG_WEB }, isaiah));
    assert.match(forged.text, /Nothing was changed/);
  });

  it('brings the card back with clear messages for bad numbers, keeping what was valid, and changes nothing', async () => {
    const { flowId, card } = await quantitiesCard(ORG_MOBILE);
    assert.match(card.text, /⚠ contoso-mobile stores 3\.4 GiB on the free tier, more than the free 2 GiB, so its feeds are read-only: nothing new can be published until storage is paid for or packages are deleted\./);
    const again = cardOf(await bot.click('quantities.review', { flowId, microsoftHostedJobs: '12', selfHostedJobs: '1e3', artifactsLimit: 'unlimited' }));
    assert.match(again.text, /Nothing was changed\. Fix this and press Next again:/);
    assert.match(again.text, /Self-hosted parallel jobs: "1e3" is not written in plain digits/);
    assert.match(again.text, /Artifacts storage: choose "Free tier only" or "Pay for what you use"/);
    assert.equal(numberInputsOf(again).get('microsoftHostedJobs')?.value, 12);
    const fractions = cardOf(await bot.click('quantities.review', { flowId, ...NONE_MOBILE, microsoftHostedJobs: '2.5', selfHostedJobs: '-1' }));
    assert.match(fractions.text, /Microsoft-hosted parallel jobs: "2\.5" is not a whole number/);
    assert.match(fractions.text, /Self-hosted parallel jobs: "-1" is negative/);
    assert.deepEqual(bot.store.snapshot().quantities, {});
    assert.equal(Object.values(bot.store.snapshot().flows).length, 0, 'no set-up was started');

    const huge = cardOf(await bot.click('quantities.review', { flowId, ...NONE_MOBILE, microsoftHostedJobs: '1000000' }));
    assert.match(huge.text, /"1000000" is more than 200, the most this bot buys/);
    const nothing = cardOf(await bot.click('quantities.review', { flowId, ...NONE_MOBILE }));
    assert.match(nothing.text, /nothing to change/);
  });

  it('goes back from the confirmation to the numbers chosen, and cancels without buying', async () => {
    await firstPurchase({ ...NONE, microsoftHostedJobs: '1' });
    const { flowId } = await quantitiesCard(ORG_WEB);
    await bot.click('quantities.review', { flowId, ...NONE, microsoftHostedJobs: '7' });
    const back = cardOf(await bot.click('quantities.edit', { flowId }));
    assert.equal(numberInputsOf(back).get('microsoftHostedJobs')?.value, 7);
    assert.match(back.text, /Paid now: 1\./);
    assert.match(cardOf(await bot.click('quantities.cancel', { flowId })).text, /Cancelled[\s\S]*Nothing was bought or changed/);
    assert.match(cardOf(await bot.click('quantities.confirm', { flowId })).text, /You cancelled this\. Type "buy" to start again/);
    assert.equal(bot.store.snapshot().quantities[ORG_WEB]?.paid.microsoftHostedJobs, 1);
  });

  it('sets paid quantities back to zero when billing is removed, and says so', async () => {
    await firstPurchase({ ...NONE, microsoftHostedJobs: '3', selfHostedJobs: '2' });
    const removal = flowIdOf(cardOf(await bot.say('remove billing')));
    const confirm = cardOf(await bot.click('flow.organization', { flowId: removal, organizationId: ORG_WEB }));
    assert.match(confirm.text, /Everything contoso-web pays for now is set back to zero: 3 Microsoft-hosted parallel jobs and 2 self-hosted parallel jobs\./);
    assert.match(confirm.text, /Microsoft-hosted parallel jobs\n3 → 0, a reduction/);
    const result = cardOf(await bot.click('flow.confirm', { flowId: removal, acknowledged: 'true' }));
    assert.match(result.text, /Billing removed[\s\S]*Its paid quantities were set back to zero; it paid for 3 Microsoft-hosted parallel jobs and 2 self-hosted parallel jobs\./);
    assert.deepEqual(bot.store.snapshot().quantities, {});
    assert.deepEqual(bot.store.snapshot().audit.map((a) => a.action), ['billing.setup', 'quantities.purchase', 'billing.remove', 'quantities.reset']);
    await bot.notificationsIdle();
    const removed = cardsTo(bot, MEGAN).filter((c) => c.includes('Billing removed from contoso-web'));
    assert.equal(removed.length, 1);
    assert.match(removed[0] ?? '', /Its paid quantities were set back to zero[\s\S]*"Microsoft-hosted parallel jobs","value":"3 → 0"[\s\S]*"Self-hosted parallel jobs","value":"2 → 0"/);
    assert.doesNotMatch(cardOf(await bot.say('status')).text, /Paid quantities/);
    // Buying again is a first purchase once more.
    assert.match(cardOf(await bot.say('buy')).text, /contoso-web \(no billing yet\)/);
  });

  it('keeps paid quantities when billing moves to another subscription', async () => {
    await firstPurchase({ ...NONE, selfHostedJobs: '3' });
    const change = flowIdOf(cardOf(await bot.say('change billing')));
    await bot.click('flow.organization', { flowId: change, organizationId: ORG_WEB });
    await bot.click('flow.subscription', { flowId: change, subscriptionId: SUB_EA });
    assert.match(cardOf(await bot.click('flow.confirm', { flowId: change })).text, /Billing changed/);
    assert.equal(bot.store.snapshot().quantities[ORG_WEB]?.paid.selfHostedJobs, 3);
  });

  const spellings = ['buy', 'BUY', 'quantities', 'Paid quantities', 'buy!'];
  for (const typed of spellings) {
    it(`"${typed}" opens the purchase card`, async () => {
      assert.match(cardOf(await bot.say(typed)).text, /Buy paid quantities[\s\S]*Step 1 of 3/);
    });
  }
  for (const typed of ['buy now', 'buying', 'quantity']) {
    it(`"${typed}" is not mistaken for buy`, async () => {
      assert.match(textOf(await bot.say(typed)), /Type "help"/);
    });
  }

  it('lists buy in help and ends an open purchase with cancel', async () => {
    assert.match(cardOf(await bot.say('help')).text, /buy\nSee and change what an organization buys: Microsoft-hosted and self-hosted parallel jobs, and whether Artifacts storage is paid as used/);
    const flowId = flowIdOf(cardOf(await bot.say('buy')));
    assert.match(textOf(await bot.say('cancel')), /Cancelled\. Nothing was changed/);
    assert.match(cardOf(await bot.click('quantities.organization', { flowId, organizationId: ORG_WEB })).text, /You cancelled this/);
  });

  it("answers someone else's click with a message and leaves the card as it was", async () => {
    const { flowId } = await quantitiesCard(ORG_WEB);
    assert.match(messageOf(await bot.click('quantities.review', { flowId, ...NONE, microsoftHostedJobs: '3' }, megan)), /belongs to Alex Wilber[\s\S]*type "buy"/);
    assert.equal(Object.values(bot.store.snapshot().flows).length, 0);
  });

  it('answers every button of the purchase cards (no 501)', async () => {
    const help = cardOf(await bot.say('help'));
    const buy = actionsOf(help).get('Buy');
    assert.ok(buy, 'help offers a Buy button');
    const picker = cardOf(await bot.click(buy.verb, buy.data));
    const flowId = flowIdOf(picker);
    assert.deepEqual([...actionsOf(picker).keys()], ['Next', 'Cancel']);
    const card = cardOf(await bot.click('quantities.organization', { flowId, organizationId: ORG_MOBILE }));
    for (const [title, action] of actionsOf(card)) {
      const response = await bot.click(action.verb, { ...action.data, ...NONE_MOBILE, microsoftHostedJobs: '1' });
      assert.equal(response.status, 200, `${title} answered ${response.status}`);
    }
  });

  it('does not offer an organization where Alex is only a member', async () => {
    const picker = cardOf(await bot.say('buy'));
    assert.ok(!choicesOf(picker, 'organizationId').includes(ORG_DATA));
  });
});
