import assert from 'node:assert/strict';
import { actionsOf, alex, cardOf, choicesOf, messageOf, TeamsHarness, textOf, type CardView, type Person } from '../../support/teamsHarness';
import { ISAIAH, MEGAN, ORG_DATA, ORG_MOBILE, ORG_WEB, PATTI, SUB_PAYG } from '../../support/demoWorld';

const LEE = '00000000-0000-0000-0000-0000000000029';
const PRADEEP = '00000000-0000-0000-0000-0000000000031';
const megan: Person = { aadObjectId: MEGAN, name: 'Megan Bowen' };
const patti: Person = { aadObjectId: PATTI, name: 'Patti Fernandez' };

function flowIdOf(card: CardView): string {
  const withFlow = [...actionsOf(card).values()].find((a) => typeof a.data.flowId === 'string');
  assert.ok(withFlow, `no flow button on card:\n${card.text}`);
  return String(withFlow.data.flowId);
}

/** The notification cards delivered to one person, as text. */
function cardsTo(bot: TeamsHarness, aadObjectId: string): string[] {
  return bot.transport.delivered
    .filter((c) => c.target === `chat-${aadObjectId}` || bot.store.snapshot().conversations[c.target]?.aadObjectId === aadObjectId)
    .map((c) => JSON.stringify(c.message?.card));
}

describe('users on cards (the demo world)', () => {
  let bot: TeamsHarness;
  beforeEach(async () => {
    bot = await TeamsHarness.create();
  });
  afterEach(async () => {
    await bot.close();
  });

  async function setUpWeb(): Promise<void> {
    const flowId = flowIdOf(cardOf(await bot.say('set up billing')));
    await bot.click('flow.organization', { flowId, organizationId: ORG_WEB });
    await bot.click('flow.subscription', { flowId, subscriptionId: SUB_PAYG });
    await bot.click('flow.confirm', { flowId });
  }

  async function usersOf(organizationId: string, who: Person = alex, command = 'users'): Promise<{ flowId: string; card: CardView }> {
    const picker = cardOf(await bot.say(command, who));
    const flowId = flowIdOf(picker);
    return { flowId, card: cardOf(await bot.click('users.organization', { flowId, organizationId }, who)) };
  }

  it('lists the organizations whose users Alex may see, and says why not the others', async () => {
    const picker = cardOf(await bot.say('licenses'));
    assert.deepEqual(choicesOf(picker, 'organizationId').sort(), [ORG_MOBILE, ORG_WEB]);
    assert.match(picker.text, /contoso-data[\s\S]*Only project collection administrators of contoso-data and the billing managers[\s\S]*Ask Adele Vance or Patti Fernandez/);
  });

  it('shows counts by access level, the free five, the cost, and the inactive paid users with what each saves', async () => {
    const { card } = await usersOf(ORG_WEB);
    assert.match(card.text, /Users of contoso-web/);
    assert.match(card.text, /Basic\n8 \(5 of 5 free; 2 paid\)/);
    assert.match(card.text, /Basic \+ Test Plans\n2/);
    assert.match(card.text, /Stakeholders\n1 \(free\)/);
    assert.match(card.text, /Visual Studio subscribers\n1 \(free: their subscription pays\)/);
    assert.match(card.text, /This month\n116 USD for users/);
    assert.match(card.text, /Paid users who have not signed in for 30 days \(4\)/);
    assert.match(card.text, /would save 64 USD a month/);
    assert.deepEqual(choicesOf(card, 'selected'), [PRADEEP, LEE, ISAIAH], 'the costliest first, then the longest unseen');
    assert.match(card.text, /Pradeep Gupta: Basic \+ Test Plans, last signed in 2026-09-15; saves 52 USD a month/);
    assert.match(card.text, /Lee Gu: Basic, never signed in; saves 6 USD a month/);
    assert.match(card.text, /Grady Archie\nBasic, last signed in 2026-07-20\. A group rule gives this access level/);
    assert.doesNotMatch(card.text, /Diego Siciliani/, 'a Visual Studio subscriber costs nothing, however long away');
    assert.deepEqual([...actionsOf(card).keys()], ['Make Stakeholder', 'Close']);
  });

  it('makes the ticked users Stakeholders after a confirmation with the new estimate, and tells each billing manager once', async () => {
    await setUpWeb();
    await bot.notificationsIdle();
    const before = bot.transport.delivered.length;
    const { flowId } = await usersOf(ORG_WEB);
    const confirm = cardOf(await bot.click('users.review', { flowId, selected: `${ISAIAH},${PRADEEP}` }));
    assert.match(confirm.text, /Make these 2 users Stakeholders\?/);
    assert.match(confirm.text, /Isaiah Langer\nBasic → Stakeholder/);
    assert.match(confirm.text, /Pradeep Gupta\nBasic \+ Test Plans → Stakeholder/);
    assert.match(confirm.text, /Users a month: 116 USD → 58 USD \(58 USD less\)/);
    assert.deepEqual([...actionsOf(confirm).keys()], ['Make 2 Stakeholders', 'Back', 'Cancel']);

    const result = cardOf(await bot.click('users.confirm', { flowId }));
    assert.match(result.text, /Made 2 Stakeholders/);
    assert.match(result.text, /Users a month\n116 USD → 58 USD \(list price\)/);
    assert.match(result.text, /Notifying in Teams: Megan Bowen and Patti Fernandez/);
    await bot.notificationsIdle();
    for (const manager of [MEGAN, PATTI]) {
      const told = cardsTo(bot, manager).filter((c) => c.includes('made Stakeholder'));
      assert.equal(told.length, 1, `one message to ${manager} for the change`);
      assert.match(told[0] ?? '', /2 users of contoso-web made Stakeholder[\s\S]*Isaiah Langer[\s\S]*Pradeep Gupta/);
    }
    assert.equal(bot.transport.delivered.length - before, 2);

    const again = (await usersOf(ORG_WEB)).card;
    assert.deepEqual(choicesOf(again, 'selected'), [LEE]);
    assert.match(again.text, /This month\n58 USD for users/);
    assert.match(messageOf(await bot.click('users.confirm', { flowId }, megan)), /belongs to Alex Wilber/);
  });

  it('shares the free five and bills each person once when two organizations are billed together', async () => {
    await setUpWeb();
    const flowId = flowIdOf(cardOf(await bot.say('set up billing')));
    await bot.click('flow.organization', { flowId, organizationId: ORG_MOBILE });
    await bot.click('flow.subscription', { flowId, subscriptionId: SUB_PAYG });
    await bot.click('flow.confirm', { flowId });
    const { card } = await usersOf(ORG_MOBILE);
    assert.match(card.text, /5 of 5 free, shared with contoso-web under multi-organization billing/);
    assert.match(card.text, /This month\n122 USD for users of contoso-mobile and contoso-web together/);
    assert.match(card.text, /Lynne Robbins: Basic, last signed in 2026-10-01; saves 6 USD a month/);
  });

  it('shows a billing manager who is no administrator the users without tick boxes, and names who can change them', async () => {
    await setUpWeb();
    const { card } = await usersOf(ORG_WEB, patti);
    assert.deepEqual(choicesOf(card, 'selected'), []);
    assert.match(card.text, /Isaiah Langer\nBasic, last signed in 2026-08-03\. Only project collection administrators can change it: ask Alex Wilber or Megan Bowen/);
    assert.deepEqual([...actionsOf(card).keys()], ['Close']);
  });

  it('says so for an organization whose usage the directory does not know', async () => {
    const picker = cardOf(await bot.say('users', { aadObjectId: '00000000-0000-0000-0000-0000000000023', name: 'Isaiah Langer' }));
    const flowId = flowIdOf(picker);
    const card = cardOf(await bot.click('users.organization', { flowId, organizationId: 'org-contoso-research' }, { aadObjectId: ISAIAH, name: 'Isaiah Langer' }));
    assert.match(card.text, /I do not know who has which access level in contoso-research/);
  });

  it('answers "buy users" with how users are billed today, and opens users from there', async () => {
    for (const typed of ['buy users', 'Buy licenses', 'buy basic users']) {
      const card = cardOf(await bot.say(typed));
      assert.match(card.text, /Users are not bought: they are billed by access level/);
      assert.match(card.text, /There are no user seats to buy: to pay for another user, give them Basic; to stop paying, make them a Stakeholder/);
      const open = actionsOf(card).get('See users and who is inactive');
      assert.equal(open?.verb, 'users.start');
    }
    const picker = cardOf(await bot.click('users.start', {}));
    assert.deepEqual(choicesOf(picker, 'organizationId').sort(), [ORG_MOBILE, ORG_WEB]);
  });

  it('keeps users out of group chats', async () => {
    const replies = await bot.say('users', alex, { id: 'group-1', conversationType: 'groupChat' });
    assert.match(textOf(replies), /personal chat[\s\S]*type "users" there/);
  });

  it('refuses contoso-data to Alex, who is only a member there', async () => {
    const picker = cardOf(await bot.say('users'));
    const card = cardOf(await bot.click('users.organization', { flowId: flowIdOf(picker), organizationId: ORG_DATA }));
    assert.match(card.text, /Only project collection administrators of contoso-data/);
  });
});
