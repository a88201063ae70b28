import assert from 'node:assert/strict';
import { alex, cardOf, personalChat, TeamsHarness } from '../../support/teamsHarness';

describe('Install, welcome and conversation references', () => {
  let bot: TeamsHarness;
  beforeEach(async () => {
    bot = await TeamsHarness.create();
  });
  afterEach(async () => {
    await bot.close();
  });

  it('welcomes once when Teams sends both install events, and stores the reference', async () => {
    const first = await bot.send({ type: 'installationUpdate', action: 'add' });
    const second = await bot.send({ type: 'conversationUpdate', membersAdded: [{ id: 'bot-id', name: 'DevOps Billing' }] });
    const cards = [...first, ...second].filter((a) => a.attachments?.length);
    assert.equal(cards.length, 1, 'exactly one welcome card');
    assert.match(cardOf(cards).text, /set up billing/);
    const saved = bot.store.snapshot().conversations[personalChat(alex).id];
    assert.ok(saved, 'the conversation reference is stored');
    assert.equal(saved.serviceUrl, 'https://smba.example.test/teams/');
    assert.equal(saved.aadObjectId, alex.aadObjectId);
  });

  it('welcomes again on a later reinstall', async () => {
    await bot.send({ type: 'installationUpdate', action: 'add' });
    bot.advanceMinutes(10);
    const again = await bot.send({ type: 'installationUpdate', action: 'add' });
    assert.equal(again.filter((a) => a.attachments?.length).length, 1);
  });

  it('does not welcome when someone else joins the conversation', async () => {
    const replies = await bot.send({ type: 'conversationUpdate', membersAdded: [{ id: 'someone-else', name: 'Someone' }] });
    assert.equal(replies.length, 0);
  });

  it('stores the reference on a first message and deletes it on uninstall', async () => {
    await bot.say('help');
    assert.ok(bot.store.snapshot().conversations[personalChat(alex).id]);
    await bot.send({ type: 'installationUpdate', action: 'remove' });
    assert.equal(bot.store.snapshot().conversations[personalChat(alex).id], undefined);
  });
});
