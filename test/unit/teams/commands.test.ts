import assert from 'node:assert/strict';
import { cardOf, groupChat, TeamsHarness, textOf } from '../../support/teamsHarness';

describe('Typed commands', () => {
  let bot: TeamsHarness;
  beforeEach(async () => {
    bot = await TeamsHarness.create();
  });
  afterEach(async () => {
    await bot.close();
  });

  const cases: { typed: string; expect: RegExp }[] = [
    { typed: 'help', expect: /What I can do/ },
    { typed: 'HELP', expect: /What I can do/ },
    { typed: '  Help!  ', expect: /What I can do/ },
    { typed: 'set up billing', expect: /Set up billing[\s\S]*Step 1 of 3/ },
    { typed: 'Setup Billing', expect: /Set up billing[\s\S]*Step 1 of 3/ },
    { typed: 'set-up billing', expect: /Set up billing[\s\S]*Step 1 of 3/ },
    { typed: 'status', expect: /Billing status/ },
    { typed: 'change billing', expect: /Change billing[\s\S]*Step 1 of 3/ },
    { typed: 'remove billing', expect: /Remove billing[\s\S]*Step 1 of 2/ },
    { typed: '<p>status</p>', expect: /Billing status/ },
    { typed: 'managers', expect: /Billing managers/ },
    { typed: 'Billing managers', expect: /Billing managers/ },
    { typed: 'add manager', expect: /Add a billing manager[\s\S]*Step 1 of 4/ },
    { typed: 'Add a backup billing manager', expect: /Add a billing manager[\s\S]*Step 1 of 4/ },
    { typed: 'remove manager', expect: /Remove a billing manager[\s\S]*Step 1 of 3/ },
    { typed: 'users', expect: /Users and what they cost[\s\S]*Whose users do you want to see\?/ },
    { typed: 'Licenses', expect: /Users and what they cost/ },
    { typed: 'buy users', expect: /Users are not bought: they are billed by access level/ },
    { typed: 'costs', expect: /Costs in November 2026/ },
    { typed: 'Spend', expect: /Costs in November 2026/ },
  ];
  for (const { typed, expect } of cases) {
    it(`"${typed}" answers with its card`, async () => {
      const card = cardOf(await bot.say(typed));
      assert.match(card.text, expect);
    });
  }

  it('lists every command in help', async () => {
    const card = cardOf(await bot.say('help'));
    for (const command of ['set up billing', 'status', 'change billing', 'remove billing', 'cancel', 'users', 'costs', 'buy users', 'managers', 'add manager', 'remove manager', 'help']) {
      assert.ok(card.text.includes(command), `help does not list "${command}"`);
    }
  });

  const notCommands = ['please set up billing', 'set up billing now', 'unremove billing', 'statuses', 'helpful', 'add managers', 'remove manager now', 'managers of contoso-web please'];
  for (const typed of notCommands) {
    it(`"${typed}" is not mistaken for a command and gets a hint`, async () => {
      const replies = await bot.say(typed);
      assert.equal(replies.length, 1);
      assert.match(textOf(replies), /Type "help"/);
      assert.equal(replies[0]?.attachments, undefined);
    });
  }

  it('repeats unknown text back as plain text, so typed markdown is not rendered', async () => {
    const replies = await bot.say('[click](https://evil.example) **now**');
    assert.equal(replies[0]?.textFormat, 'plain');
    assert.match(textOf(replies), /I don't know/);
  });

  it('answers an empty message with a hint instead of silence', async () => {
    assert.match(textOf(await bot.say('')), /Type "help"/);
  });

  it('works after an @mention in a group chat', async () => {
    const replies = await bot.send({
      type: 'message',
      text: '<at>DevOps Billing</at> status',
      entities: [{ type: 'mention', mentioned: { id: 'bot-id', name: 'DevOps Billing' }, text: '<at>DevOps Billing</at>' }],
    }, undefined, groupChat);
    assert.match(cardOf(replies).text, /Billing status/);
  });

  it('cancel says when there is nothing to cancel, and ends an open flow', async () => {
    assert.match(textOf(await bot.say('cancel')), /nothing to cancel/);
    await bot.say('set up billing');
    assert.match(textOf(await bot.say('cancel')), /Cancelled\. Nothing was changed/);
  });

  it('refuses politely when the message carries no Entra identity', async () => {
    const replies = await bot.send({ type: 'message', text: 'status', from: { id: 'anonymous', name: 'Someone' } });
    assert.match(textOf(replies), /Microsoft Entra/);
  });

  it('refuses a user the directory does not know', async () => {
    const card = cardOf(await bot.say('set up billing', { aadObjectId: 'not-in-directory', name: 'Stranger' }));
    assert.match(card.text, /cannot find you/);
  });
});
