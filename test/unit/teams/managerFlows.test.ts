import assert from 'node:assert/strict';
import { actionsOf, alex, cardOf, choicesOf, groupChat, messageOf, TeamsHarness, textOf, type CardView, type Person } from '../../support/teamsHarness';
import { ADELE, ALEX, ISAIAH, LYNNE, MEGAN, NESTOR, ORG_WEB, PATTI, SUB_PAYG } from '../../support/demoWorld';

const megan: Person = { aadObjectId: MEGAN, name: 'Megan Bowen' };

function flowIdOf(card: CardView): string {
  const next = [...actionsOf(card).values()].find((a) => typeof a.data.flowId === 'string');
  assert.ok(next, `no flow button on card:\n${card.text}`);
  return String(next.data.flowId);
}

/** The cards the recording transport delivered to one person's chat, as text. */
function cardsTo(bot: TeamsHarness, aadObjectId: string): string[] {
  return bot.transport.delivered
    .filter((c) => c.target === `chat-${aadObjectId}` || bot.store.snapshot().conversations[c.target]?.aadObjectId === aadObjectId)
    .map((c) => JSON.stringify(c.message?.card));
}

describe('Billing managers on cards', () => {
  let bot: TeamsHarness;
  beforeEach(async () => {
    bot = await TeamsHarness.create();
  });
  afterEach(async () => {
    await bot.close();
  });

  async function setUpWeb(who: Person = alex): Promise<CardView> {
    const flowId = flowIdOf(cardOf(await bot.say('set up billing', who)));
    await bot.click('flow.organization', { flowId, organizationId: ORG_WEB }, who);
    await bot.click('flow.subscription', { flowId, subscriptionId: SUB_PAYG }, who);
    return cardOf(await bot.click('flow.confirm', { flowId }, who));
  }

  async function addManager(principalId: string, role = 'Contributor', who: Person = alex): Promise<CardView> {
    const flowId = flowIdOf(cardOf(await bot.say('add manager', who)));
    const people = cardOf(await bot.click('manager.organization', { flowId, organizationId: ORG_WEB }, who));
    assert.ok(choicesOf(people, 'principalId').includes(principalId), people.text);
    assert.match(cardOf(await bot.click('manager.person', { flowId, principalId }, who)).text, /Step 3 of 4: role/);
    assert.match(cardOf(await bot.click('manager.role', { flowId, role }, who)).text, /Step 4 of 4: confirm/);
    return cardOf(await bot.click('manager.confirm', { flowId }, who));
  }

  async function removeManager(principalId: string, who: Person = alex): Promise<CardView> {
    const flowId = flowIdOf(cardOf(await bot.say('remove manager', who)));
    await bot.click('manager.organization', { flowId, organizationId: ORG_WEB }, who);
    assert.match(cardOf(await bot.click('manager.person', { flowId, principalId }, who)).text, /Step 3 of 3: confirm/);
    return cardOf(await bot.click('manager.confirm', { flowId }, who));
  }

  it('lists the billing managers with their roles and who set billing up', async () => {
    await setUpWeb();
    const card = cardOf(await bot.say('managers'));
    assert.match(card.text, /contoso-web[\s\S]*Alex Wilber \(Owner\)[\s\S]*primary billing manager[\s\S]*Megan Bowen \(Contributor\)/);
    assert.match(card.text, /contoso-mobile[\s\S]*Billing is not set up/);
    assert.match(cardOf(await bot.say('managers contoso-web')).text, /Megan Bowen/);
    assert.match(cardOf(await bot.say('managers contoso-nowhere')).text, /do not belong to an organization called "contoso-nowhere"/);
  });

  it('adds a backup manager through organization, person, role and confirmation, and tells everyone', async () => {
    await setUpWeb();
    await bot.notificationsIdle();
    const before = bot.transport.calls.length;

    const organizations = cardOf(await bot.say('add manager'));
    assert.deepEqual(choicesOf(organizations, 'organizationId'), [ORG_WEB], 'only the organization with billing where Alex may grant roles');
    assert.match(organizations.text, /contoso-mobile[\s\S]*Billing is not set up/);
    const flowId = flowIdOf(organizations);
    const people = cardOf(await bot.click('manager.organization', { flowId, organizationId: ORG_WEB }));
    // The demo's people who only use Azure DevOps (entitlements of contoso-web and contoso-mobile) are Contoso people too.
    const usersOnly = ['26', '27', '28', '29', '30', '31', '32'].map((n) => `00000000-0000-0000-0000-00000000000${n}`);
    assert.deepEqual(choicesOf(people, 'principalId').sort(), [ADELE, ISAIAH, LYNNE, ...usersOnly].sort(), 'people of Contoso who are not managers yet');
    assert.match(people.text, /Already billing managers[\s\S]*Alex Wilber[\s\S]*Megan Bowen[\s\S]*Patti Fernandez/);
    const role = cardOf(await bot.click('manager.person', { flowId, principalId: ADELE }));
    assert.deepEqual(choicesOf(role, 'role'), ['Contributor', 'Owner']);
    const confirm = cardOf(await bot.click('manager.role', { flowId, role: 'Contributor' }));
    assert.match(confirm.text, /Adele Vance gets Contributor on Contoso Pay-As-You-Go/);
    const result = cardOf(await bot.click('manager.confirm', { flowId }));
    assert.match(result.text, /Billing manager added[\s\S]*Adele Vance/);
    assert.match(result.text, /Notifying in Teams: Adele Vance, Megan Bowen and Patti Fernandez\./);

    await bot.notificationsIdle();
    const welcome = cardsTo(bot, ADELE);
    assert.equal(welcome.length, 1);
    assert.match(welcome[0] ?? '', /You are now a billing manager of contoso-web[\s\S]*Alex Wilber chose you as a backup billing manager/);
    const toMegan = cardsTo(bot, MEGAN).filter((c) => c.includes('New billing manager'));
    assert.equal(toMegan.length, 1);
    assert.match(toMegan[0] ?? '', /Alex Wilber made Adele Vance a billing manager of contoso-web \(Contributor on Contoso Pay-As-You-Go\)/);
    assert.equal(cardsTo(bot, ALEX).length, 0, 'the person who acted is not notified');
    assert.ok(bot.transport.calls.slice(before).some((c) => c.kind === 'create' && c.target === ADELE), 'a chat was started with Adele');

    const list = cardOf(await bot.say('managers'));
    assert.match(list.text, /Adele Vance \(Contributor\)[\s\S]*Backup billing manager, added by Alex Wilber/);
    assert.match(list.text, /Reachable in Teams: last notification delivered/);
  });

  it('grants Owner when asked', async () => {
    await setUpWeb();
    await addManager(LYNNE, 'Owner');
    assert.match(cardOf(await bot.say('managers')).text, /Lynne Robbins \(Owner\)/);
  });

  it('filters a long list of people', async () => {
    await setUpWeb();
    const flowId = flowIdOf(cardOf(await bot.say('add manager')));
    await bot.click('manager.organization', { flowId, organizationId: ORG_WEB });
    const filtered = cardOf(await bot.click('manager.filter', { flowId, filter: 'isaiah' }));
    assert.deepEqual(choicesOf(filtered, 'principalId'), [ISAIAH]);
    const none = cardOf(await bot.click('manager.filter', { flowId, filter: 'nobody-has-this' }));
    assert.deepEqual(choicesOf(none, 'principalId'), []);
    assert.match(none.text, /Nobody matches "nobody-has-this"/);
  });

  it('refuses someone who may not assign roles, and names who can', async () => {
    await setUpWeb();
    const card = cardOf(await bot.say('add manager', megan));
    assert.deepEqual(choicesOf(card, 'organizationId'), []);
    assert.match(card.text, /contoso-web[\s\S]*need Owner or User Access Administrator on Contoso Pay-As-You-Go[\s\S]*Ask Alex Wilber/);
  });

  describe('forged person choices change nothing', () => {
    const forgeries: { name: string; principalId: string; expect: RegExp }[] = [
      { name: 'a person of another tenant', principalId: NESTOR, expect: /Nestor Wilke belongs to Fabrikam, but Contoso Pay-As-You-Go lives in Contoso/ },
      { name: 'someone who is already a manager', principalId: MEGAN, expect: /already a billing manager \(Contributor/ },
      { name: 'someone not in the directory', principalId: 'nobody', expect: /not in the directory/ },
    ];
    for (const forged of forgeries) {
      it(forged.name, async () => {
        await setUpWeb();
        const flowId = flowIdOf(cardOf(await bot.say('add manager')));
        await bot.click('manager.organization', { flowId, organizationId: ORG_WEB });
        const answer = cardOf(await bot.click('manager.person', { flowId, principalId: forged.principalId }));
        assert.match(answer.text, forged.expect);
        assert.match(answer.text, /Nothing was changed/);
        const confirmed = cardOf(await bot.click('manager.confirm', { flowId }));
        assert.doesNotMatch(confirmed.text, /Billing manager added/);
        assert.deepEqual(bot.store.snapshot().directoryOverlay.granted, []);
      });
    }
  });

  it('removes a manager, tells them, and then warns that only one manager is left', async () => {
    await setUpWeb();
    await removeManager(PATTI);
    const result = await removeManager(MEGAN);
    assert.match(result.text, /Billing manager removed[\s\S]*Megan Bowen is no longer a billing manager of contoso-web/);
    await bot.notificationsIdle();
    assert.ok(cardsTo(bot, MEGAN).some((c) => /You no longer manage billing of contoso-web/.test(c)), 'the removed manager is told');

    const status = cardOf(await bot.say('status'));
    assert.match(status.text, /Only Alex Wilber can manage billing of contoso-web\. Add a backup billing manager/);
    const button = actionsOf(status).get('Add a backup billing manager');
    assert.ok(button, 'the warning offers to add a manager');
    const straightToPeople = cardOf(await bot.click(button.verb, button.data));
    assert.match(straightToPeople.text, /Step 2 of 4: person/);
  });

  it('refuses to remove the last billing manager, even oneself', async () => {
    await setUpWeb();
    await removeManager(PATTI);
    await removeManager(MEGAN);
    const flowId = flowIdOf(cardOf(await bot.say('remove manager')));
    const people = cardOf(await bot.click('manager.organization', { flowId, organizationId: ORG_WEB }));
    assert.deepEqual(choicesOf(people, 'principalId'), []);
    assert.match(people.text, /only one billing manager/);
    const forged = cardOf(await bot.click('manager.person', { flowId, principalId: ALEX }));
    assert.match(forged.text, /You are the only billing manager of Contoso Pay-As-You-Go, so you cannot remove yourself/);
    assert.match(cardOf(await bot.say('managers')).text, /Alex Wilber \(Owner\)/);
  });

  it('lets a manager remove themselves while another remains', async () => {
    await setUpWeb();
    await removeManager(PATTI);
    const result = await removeManager(ALEX);
    assert.match(result.text, /You are no longer a billing manager of contoso-web/);
    const list = cardOf(await bot.say('managers', megan));
    assert.doesNotMatch(list.text, /Alex Wilber \(Owner\)/);
    assert.match(list.text, /Only Megan Bowen can manage billing/);
  });

  it('warns on the set-up result card when one person alone manages billing', async () => {
    await setUpWeb();
    await removeManager(PATTI);
    await removeManager(MEGAN);
    const flowId = flowIdOf(cardOf(await bot.say('remove billing')));
    await bot.click('flow.organization', { flowId, organizationId: ORG_WEB });
    await bot.click('flow.confirm', { flowId, acknowledged: 'true' });
    const result = await setUpWeb();
    assert.match(result.text, /Billing is set up[\s\S]*Only Alex Wilber can manage billing of contoso-web/);
    assert.ok(actionsOf(result).has('Add a backup billing manager'));
    assert.match(result.text, /Nobody else manages this billing, so nobody else was notified/);
  });

  it('says on the set-up result card who is being notified', async () => {
    const result = await setUpWeb();
    assert.match(result.text, /Notifying in Teams: Megan Bowen and Patti Fernandez\./);
    await bot.notificationsIdle();
    const toMegan = cardsTo(bot, MEGAN);
    assert.equal(toMegan.length, 1);
    assert.match(toMegan[0] ?? '', /Billing set up for contoso-web[\s\S]*Alex Wilber set up billing: Contoso Pay-As-You-Go now pays for contoso-web/);
  });

  it('answers the buttons of a notification card', async () => {
    await setUpWeb();
    await bot.notificationsIdle();
    const delivered = bot.transport.delivered[0]?.message?.card;
    assert.ok(delivered);
    const card: CardView = { json: delivered, text: JSON.stringify(delivered) };
    const buttons = actionsOf(card);
    assert.deepEqual([...buttons.keys()], ['Billing managers', 'Status']);
    const managers = buttons.get('Billing managers');
    assert.ok(managers);
    assert.match(cardOf(await bot.click(managers.verb, managers.data, megan)).text, /Billing managers[\s\S]*contoso-web[\s\S]*Alex Wilber \(Owner\)/);
  });

  it('marks a manager Teams will not let the bot reach, and shows why in managers', async () => {
    await bot.say('help', megan); // Megan has a chat with the bot
    bot.transport.failNext({ status: 403, errorCode: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' }, { target: `personal-${MEGAN}` });
    await setUpWeb();
    await bot.notificationsIdle();
    assert.deepEqual(bot.transport.delivered.map((c) => c.target), [`chat-${PATTI}`], 'only Patti, who was reachable, got it');
    assert.equal(Object.values(bot.store.snapshot().conversations).filter((c) => c.aadObjectId === MEGAN).length, 0, 'the stale reference is dropped');
    const list = cardOf(await bot.say('managers'));
    assert.match(list.text, /Megan Bowen[\s\S]*Cannot be reached in Teams[\s\S]*not installed for them/);

    // Megan opens the bot again: the failure no longer applies.
    await bot.say('help', megan);
    assert.doesNotMatch(cardOf(await bot.say('managers')).text, /Cannot be reached/);
  });

  it('shows a manager whose notification is still being retried as not reached yet, with the reason', async () => {
    bot.transport.failNext({ status: 503, retryAfterMs: 60_000, errorCode: 'ServiceUnavailable', message: 'busy' }, { target: `chat-${MEGAN}` });
    await setUpWeb();
    while (!Object.values(bot.store.snapshot().outbox).some((e) => e.attempts > 0)) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.match(cardOf(await bot.say('managers')).text, /Megan Bowen[\s\S]*Not reached yet: the last attempt failed \(503 ServiceUnavailable: busy\); the bot keeps trying/);
  });

  it("answers someone else's click with a message and changes nothing", async () => {
    await setUpWeb();
    const flowId = flowIdOf(cardOf(await bot.say('add manager')));
    // Megan replays Alex's button from her own chat (a forwarded card, or a crafted request).
    const answer = await bot.click('manager.organization', { flowId, organizationId: ORG_WEB }, megan);
    assert.match(messageOf(answer), /belongs to Alex Wilber[\s\S]*add manager/);
    assert.equal(bot.store.snapshot().managerFlows[flowId]?.organizationId, undefined);
  });

  it('keeps adding and removing managers out of group chats, where everyone would see the subscriptions and people', async () => {
    await setUpWeb();
    for (const command of ['add manager', 'remove manager']) {
      const replies = await bot.say(command, alex, groupChat);
      assert.equal(replies[0]?.attachments, undefined, `${command} showed a card in a group chat`);
      assert.match(textOf(replies), new RegExp(`personal chat[\\s\\S]*type "${command}" there`));
    }
    const fromButton = await bot.click('manager.start', { kind: 'remove', organizationId: ORG_WEB }, alex, groupChat);
    assert.match(messageOf(fromButton), /personal chat[\s\S]*"remove manager"/);
    assert.deepEqual(Object.keys(bot.store.snapshot().managerFlows), [], 'no manager flow was started');
  });

  it('shows in a group chat who manages billing, and nothing more, even to an Owner', async () => {
    await setUpWeb();
    await bot.say('help', megan);
    const shared = cardOf(await bot.say('managers', alex, groupChat));
    assert.match(shared.text, /This chat is shared/);
    assert.match(shared.text, /contoso-web[\s\S]*Alex Wilber \(Owner\)[\s\S]*Megan Bowen \(Contributor\)[\s\S]*Patti Fernandez \(Contributor\)/);
    for (const withheld of ['Pay-As-You-Go', SUB_PAYG, '@contoso.com', 'Reachable', 'Not contacted']) {
      assert.ok(!shared.text.includes(withheld), `"${withheld}" stays out of the group chat`);
    }
    assert.equal(actionsOf(shared).size, 0, 'no buttons that start a flow in the group chat');
    const personal = cardOf(await bot.say('managers'));
    assert.match(personal.text, /Contoso Pay-As-You-Go[\s\S]*alexw@contoso\.com/);
  });

  it('cancel ends an open manager flow', async () => {
    await setUpWeb();
    const flowId = flowIdOf(cardOf(await bot.say('add manager')));
    assert.match(textOf(await bot.say('cancel')), /Cancelled\. Nothing was changed/);
    assert.match(cardOf(await bot.click('manager.organization', { flowId, organizationId: ORG_WEB })).text, /cancelled/i);
  });

  it('answers every button of the manager cards (no 501)', async () => {
    await setUpWeb();
    const list = cardOf(await bot.say('managers'));
    for (const [title, action] of actionsOf(list)) {
      const response = await bot.click(action.verb, action.data);
      assert.equal(response.status, 200, `${title} answered ${response.status}`);
    }
  });
});
