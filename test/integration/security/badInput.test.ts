import assert from 'node:assert/strict';
import { MAX_BODY_BYTES } from '../../../src/host/server';
import type { BotState } from '../../../src/store/state';
import { ADELE, ALEX, MEGAN, ORG_DATA, ORG_WEB, SUB_FREE_TRIAL, SUB_NO_ROLE, SUB_OTHER_TENANT, SUB_PAYG } from '../../support/demoWorld';
import { ALEX_SENDER, HttpBot, type HttpAnswer, type Sender } from '../../support/httpBot';
import { assertClearRefusal, assertReadable, assertStillServing, billingFacts, ProcessFaults } from '../../support/invariants';
import { expiredFlow, flowAwaitingConfirmation, stateWithFlows } from '../../support/seededState';

const MEGAN_SENDER: Sender = { aadObjectId: MEGAN, name: 'Megan Bowen' };
const ADELE_SENDER: Sender = { aadObjectId: ADELE, name: 'Adele Vance' };
const STRANGER: Sender = { aadObjectId: '7d1c3a52-0000-4000-8000-5742a4e6e001', name: 'Not In The Directory' };
/** Alex's object id, claimed from another tenant: Teams would never vouch for that. */
const ALEX_ELSEWHERE: Sender = { aadObjectId: ALEX, name: 'Alex Wilber', tenantId: '8ee76274-b2eb-4384-9499-625fd2f2eedc' };

const OPEN_FLOW = 'flow-open-awaiting-confirmation';
const EXPIRED_FLOW = 'flow-expired';
const FINISHED_FLOW = 'flow-finished';

function seeded(): BotState {
  return stateWithFlows(
    flowAwaitingConfirmation(OPEN_FLOW),
    expiredFlow(EXPIRED_FLOW),
    flowAwaitingConfirmation(FINISHED_FLOW, { status: 'completed', finishedAt: new Date().toISOString(), outcome: 'Contoso Pay-As-You-Go pays for contoso-web' }),
  );
}

interface BadInput {
  readonly name: string;
  /** A body to send as JSON, or raw text to send as it is. */
  readonly body: (bot: HttpBot) => unknown;
  readonly contentType?: string;
  readonly status: number;
  /** What the sender reads: in the HTTP answer, or in the reply the bot posted to the conversation. */
  readonly answer?: RegExp;
}

/**
 * Every kind of bad input the issue names, over the real HTTP server (local-development mode, so that
 * bodies get past authentication and reach the parsing and the handlers). Each case must get a 4xx or
 * a clear message, leave billing untouched, leave the state file loadable, and keep the bot serving.
 */
describe('Bad input never hurts', function () {
  this.timeout(30_000);
  let bot: HttpBot;
  let initialState: BotState;
  const faults = new ProcessFaults();

  before(async () => {
    faults.listen();
    initialState = seeded();
    bot = await HttpBot.start({ initialState });
  });

  after(async () => {
    faults.stop();
    await bot.stop();
  });

  afterEach(() => {
    faults.assertNone();
  });

  async function send(input: BadInput): Promise<{ answer: HttpAnswer; replies: string }> {
    const before = bot.connector.sends.length;
    const body = input.body(bot);
    const answer = await bot.post(typeof body === 'string' ? body : JSON.stringify(body), input.contentType ? { 'content-type': input.contentType } : {});
    const replies = bot.connector.sends.slice(before).map((s) => JSON.stringify(s.body)).join('\n');
    return { answer, replies };
  }

  function checkAll(cases: readonly BadInput[]): void {
    for (const input of cases) {
      it(`${input.name}: ${input.status}${input.answer ? `, "${input.answer.source.slice(0, 50)}"` : ''}; billing untouched`, async () => {
        const before = billingFacts(await bot.state());
        const errorsBefore = bot.errorsLogged().length;
        const { answer, replies } = await send(input);
        assert.deepEqual(bot.errorsLogged().slice(errorsBefore), [], 'bad input is refused or answered, never an internal error');
        assert.equal(answer.status, input.status, answer.text.slice(0, 300));
        if (answer.status >= 400) assertClearRefusal(answer);
        if (input.answer) {
          const seen = `${answer.text}\n${replies}`;
          assert.match(seen, input.answer);
          assertReadable(seen);
        }
        const after = await assertStillServing(bot);
        assert.deepEqual(billingFacts(after), before);
      });
    }
  }

  describe('malformed requests', () => {
    checkAll([
      { name: 'malformed JSON', body: () => '{"type":"message",', status: 400 },
      { name: 'a JSON string', body: () => '"help"', status: 400 },
      { name: 'JSON null', body: () => 'null', status: 400 },
      { name: 'a JSON number', body: () => '42', status: 400 },
      { name: 'a JSON array of activities', body: (b) => [b.message('help')], status: 400 },
      { name: 'an empty body', body: () => '', status: 400 },
      { name: 'a body over the size limit', body: (b) => b.message('x'.repeat(MAX_BODY_BYTES)), status: 413 },
      { name: 'form data', body: () => 'type=message&text=help', contentType: 'application/x-www-form-urlencoded', status: 400, answer: /no serviceUrl/ },
      { name: 'XML', body: () => '<activity type="message"/>', contentType: 'application/xml', status: 415 },
    ]);
  });

  describe('missing or wrong-typed fields', () => {
    const without = (b: HttpBot, field: string): Record<string, unknown> => {
      const activity = b.message('set up billing');
      delete activity[field];
      return activity;
    };
    checkAll([
      { name: 'no type', body: (b) => without(b, 'type'), status: 400, answer: /no type/ },
      { name: 'no serviceUrl', body: (b) => without(b, 'serviceUrl'), status: 400, answer: /no serviceUrl/ },
      { name: 'no conversation', body: (b) => without(b, 'conversation'), status: 400, answer: /no conversation\.id/ },
      { name: 'no sender', body: (b) => without(b, 'from'), status: 400, answer: /no from\.id/ },
      { name: 'no recipient', body: (b) => without(b, 'recipient'), status: 400, answer: /no recipient\.id/ },
      { name: 'a numeric type', body: (b) => ({ ...b.message('help'), type: 7 }), status: 400, answer: /no type/ },
      { name: 'a sender that is a string', body: (b) => ({ ...b.message('help'), from: 'alex' }), status: 400, answer: /no from\.id/ },
      { name: 'a numeric conversation id', body: (b) => ({ ...b.message('help'), conversation: { id: 42 } }), status: 400, answer: /no conversation\.id/ },
      { name: 'text that is an object', body: (b) => ({ ...b.message('help'), text: { html: 'help' } }), status: 400, answer: /text must be a string/ },
      { name: 'a numeric channel id', body: (b) => ({ ...b.message('help'), channelId: 1 }), status: 400, answer: /channelId must be a string/ },
      { name: 'a sender without an Entra object id', body: (b) => ({ ...b.message('set up billing'), from: { id: 'anonymous' } }), status: 200, answer: /Microsoft Entra/ },
      { name: 'channelData that is a string', body: (b) => ({ ...b.message('help'), channelData: 'tenant' }), status: 200, answer: /set up billing/ },
      { name: 'entities that are not a list', body: (b) => ({ ...b.message('help'), entities: 'mention' }), status: 400, answer: /entities must be a list/ },
      { name: 'entities that are null', body: (b) => ({ ...b.message('help'), entities: null }), status: 400, answer: /entities must be a list/ },
      { name: 'an entity without a type', body: (b) => ({ ...b.message('help'), entities: [{ mentioned: { id: 'bot-id' } }] }), status: 400, answer: /needs a type/ },
      { name: 'a mention with no one mentioned', body: (b) => ({ ...b.message('help'), entities: [{ type: 'mention', mentioned: null, text: 5 }] }), status: 400, answer: /mentioned account's id/ },
      { name: 'a mention of the bot without text', body: (b) => b.activity({ type: 'message', entities: [{ type: 'mention', mentioned: { id: 'bot-id' }, text: '<at>Bot</at>' }] }), status: 400, answer: /needs text/ },
      { name: 'a well-formed mention of the bot', body: (b) => ({ ...b.message('<at>DevOps Billing</at> help'), entities: [{ type: 'mention', mentioned: { id: 'bot-id', name: 'DevOps Billing' }, text: '<at>DevOps Billing</at>' }] }), status: 200, answer: /set up billing/ },
      { name: 'a client-info entity', body: (b) => ({ ...b.message('help'), entities: [{ type: 'clientInfo', locale: 'en-US' }] }), status: 200, answer: /set up billing/ },
      { name: 'an unparsable timestamp', body: (b) => ({ ...b.message('help'), timestamp: 'yesterday' }), status: 200, answer: /set up billing/ },
      { name: 'membersAdded that is not a list', body: (b) => b.activity({ type: 'conversationUpdate', membersAdded: 'everyone' }), status: 400, answer: /membersAdded must be a list of accounts/ },
      { name: 'membersAdded holding null', body: (b) => b.activity({ type: 'conversationUpdate', membersAdded: [null] }), status: 400, answer: /membersAdded must be a list of accounts/ },
      { name: 'a conversation type that is a list', body: (b) => ({ ...b.message('help'), conversation: { id: 'c-1', conversationType: [] } }), status: 400, answer: /conversation\.conversationType must be a string/ },
      { name: 'isGroup that is text', body: (b) => ({ ...b.message('help'), conversation: { id: 'c-1', isGroup: 'no' } }), status: 400, answer: /isGroup must be true or false/ },
      { name: 'a sender name that is a number', body: (b) => ({ ...b.message('help'), from: { id: 'u-1', name: 7, aadObjectId: ALEX } }), status: 400, answer: /from\.name must be a string/ },
      { name: 'a conversation id with a control character', body: (b) => ({ ...b.message('help'), conversation: { id: 'a\u0000b' } }), status: 400, answer: /printable ASCII/ },
      { name: 'a conversation id beyond ASCII', body: (b) => ({ ...b.message('help'), conversation: { id: '\u0100' } }), status: 400, answer: /printable ASCII/ },
      { name: 'a conversation id of 2,000 characters', body: (b) => ({ ...b.message('help'), conversation: { id: 'c'.repeat(2000) } }), status: 400, answer: /at most 1024 characters/ },
      { name: 'a serviceUrl that is not an address', body: (b) => ({ ...b.message('help'), serviceUrl: 'not a url' }), status: 400, answer: /serviceUrl must be an http or https address/ },
      { name: 'a serviceUrl for another protocol', body: (b) => ({ ...b.message('help'), serviceUrl: 'file:///etc/passwd' }), status: 400, answer: /serviceUrl must be an http or https address/ },
      { name: 'an installation action that is a number', body: (b) => b.activity({ type: 'installationUpdate', action: 5 }), status: 200 },
    ]);
  });

  describe('unknown activity types and invokes', () => {
    checkAll([
      ...['flibble', 'event', 'typing', 'messageReaction', 'endOfConversation', 'trace', 'handoff'].map(
        (type): BadInput => ({ name: `an activity of type "${type}"`, body: (b) => b.activity({ type, name: 'x', value: { x: 1 } }), status: 200 }),
      ),
      ...['composeExtension/query', 'task/fetch', 'signin/verifyState', 'config/fetch', 'fileConsent/invoke', 'message/submitAction', ''].map(
        (name): BadInput => ({ name: `an invoke named "${name}"`, body: (b) => b.activity({ type: 'invoke', name, value: {} }), status: 400, answer: /does not handle the invoke/ }),
      ),
      { name: 'an invoke without a name', body: (b) => b.activity({ type: 'invoke' }), status: 400, answer: /does not handle the invoke/ },
      { name: 'a card action without an action', body: (b) => b.activity({ type: 'invoke', name: 'adaptiveCard/action', value: {} }), status: 400, answer: /does not handle/ },
      { name: 'a card action whose value is text', body: (b) => b.activity({ type: 'invoke', name: 'adaptiveCard/action', value: 'flow.confirm' }), status: 400, answer: /does not handle/ },
      { name: 'a card action with a numeric verb', body: (b) => b.activity({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 3 } } }), status: 400, answer: /does not handle/ },
      { name: 'an unknown verb', body: (b) => b.cardAction('billing.pay', {}), status: 200, answer: /not one I know/ },
      ...['__proto__', 'constructor', 'toString', 'hasOwnProperty'].map(
        (verb): BadInput => ({ name: `the verb "${verb}"`, body: (b) => b.cardAction(verb, {}), status: 200, answer: /not one I know/ }),
      ),
      { name: 'a flow kind that is not one', body: (b) => b.cardAction('flow.start', { kind: 'toString' }), status: 200, answer: /not one I know/ },
      { name: 'card data that is null', body: (b) => b.cardAction('flow.organization', null), status: 200, answer: /Pick an organization first/ },
      { name: 'card data that is a list', body: (b) => b.cardAction('flow.subscription', [OPEN_FLOW]), status: 200, answer: /Pick a subscription first/ },
      { name: 'a numeric organization id', body: (b) => b.cardAction('flow.organization', { flowId: OPEN_FLOW, organizationId: 7 }), status: 200, answer: /Pick an organization first/ },
    ]);
  });

  describe('huge and strange text', () => {
    const nearLimit = MAX_BODY_BYTES - 4096;
    checkAll([
      { name: 'a message of punctuation just under the size limit', body: (b) => b.message(`${'!'.repeat(nearLimit)}x`), status: 200, answer: /I don't know \\"!{57}\.\.\.\\"/ },
      { name: 'a message of unclosed tags just under the size limit', body: (b) => b.message('<'.repeat(nearLimit)), status: 200, answer: /Type \\"help\\"/ },
      { name: 'a message of mentions just under the size limit', body: (b) => b.message('<at>'.repeat(nearLimit / 4)), status: 200, answer: /Type \\"help\\"/ },
      { name: 'control characters around a command', body: (b) => b.message('\u0000\u0007help\u001b\u007f'), status: 200, answer: /set up billing/ },
      { name: 'control characters in unknown text', body: (b) => b.message('pay\u0000\u0008me\u001b[31m'), status: 200, answer: /I don't know \\"pay me \[31m\\"/ },
      { name: 'right-to-left and zero-width characters', body: (b) => b.message('\u202ehelp\u200b'), status: 200, answer: /I don't know/ },
      { name: 'an empty message', body: (b) => b.message(''), status: 200, answer: /only understand typed commands/ },
      { name: 'a message that is only a mention', body: (b) => b.message('<at>DevOps Billing</at>'), status: 200, answer: /only understand typed commands/ },
    ]);
  });

  describe('ids that do not exist or are not the sender\'s', () => {
    checkAll([
      { name: 'an organization that does not exist', body: (b) => b.cardAction('flow.organization', { flowId: OPEN_FLOW, organizationId: 'org-nowhere' }), status: 200, answer: /does not exist, or you cannot see it/ },
      { name: 'an organization Alex only belongs to as a member', body: (b) => b.cardAction('flow.organization', { flowId: OPEN_FLOW, organizationId: ORG_DATA }), status: 200, answer: /Only project collection administrators/ },
      { name: 'a subscription that does not exist', body: (b) => b.cardAction('flow.subscription', { flowId: OPEN_FLOW, subscriptionId: 'sub-nowhere' }), status: 200, answer: /does not exist, or you have no access/ },
      { name: 'a subscription Alex holds no role on', body: (b) => b.cardAction('flow.subscription', { flowId: OPEN_FLOW, subscriptionId: SUB_NO_ROLE }), status: 200, answer: /does not exist, or you have no access/ },
      { name: 'a subscription in another tenant', body: (b) => b.cardAction('flow.subscription', { flowId: OPEN_FLOW, subscriptionId: SUB_OTHER_TENANT }), status: 200, answer: /cannot pay for contoso-web/ },
      { name: 'a free trial subscription', body: (b) => b.cardAction('flow.subscription', { flowId: OPEN_FLOW, subscriptionId: SUB_FREE_TRIAL }), status: 200, answer: /cannot pay for contoso-web/ },
      { name: 'a flow that does not exist', body: (b) => b.cardAction('flow.confirm', { flowId: 'flow-nowhere' }), status: 200, answer: /no longer active/ },
      ...['__proto__', 'constructor', 'toString'].map(
        (flowId): BadInput => ({ name: `the flow id "${flowId}"`, body: (b) => b.cardAction('flow.confirm', { flowId }), status: 200, answer: /no longer active/ }),
      ),
      { name: 'a sender not in the directory', body: (b) => b.message('set up billing', STRANGER), status: 200, answer: /cannot find you/ },
      { name: "Alex's object id from another tenant", body: (b) => b.message('set up billing', ALEX_ELSEWHERE), status: 200, answer: /cannot find you/ },
      { name: 'a status request from another tenant', body: (b) => b.message('status', ALEX_ELSEWHERE), status: 200, answer: /cannot find you/ },
    ]);
  });

  describe('forged, replayed and stale card actions', () => {
    checkAll([
      { name: "Megan confirming Alex's flow", body: (b) => b.cardAction('flow.confirm', { flowId: OPEN_FLOW }, MEGAN_SENDER), status: 200, answer: /belongs to Alex Wilber/ },
      { name: "Adele choosing a subscription on Alex's flow", body: (b) => b.cardAction('flow.subscription', { flowId: OPEN_FLOW, subscriptionId: SUB_PAYG }, ADELE_SENDER), status: 200, answer: /belongs to Alex Wilber/ },
      { name: "a stranger cancelling Alex's flow", body: (b) => b.cardAction('flow.cancel', { flowId: OPEN_FLOW }, STRANGER), status: 200, answer: /belongs to Alex Wilber/ },
      { name: "Alex's flow confirmed from another tenant", body: (b) => b.cardAction('flow.confirm', { flowId: OPEN_FLOW }, ALEX_ELSEWHERE), status: 200, answer: /cannot find you/ },
      { name: 'a click on an expired card', body: (b) => b.cardAction('flow.confirm', { flowId: EXPIRED_FLOW }), status: 200, answer: /expired, and nothing was changed/ },
      { name: 'a click replayed on a finished card', body: (b) => b.cardAction('flow.confirm', { flowId: FINISHED_FLOW }), status: 200, answer: /already done/ },
    ]);

    it("leaves Alex's open flow exactly as it was after everyone else's clicks", async () => {
      assert.deepEqual((await bot.state()).flows[OPEN_FLOW], initialState.flows[OPEN_FLOW]);
    });
  });

  it('keeps a conversation whose id is "__proto__" as an ordinary entry', async () => {
    const answer = await bot.post({ ...bot.message('help'), conversation: { id: '__proto__', conversationType: 'personal' } });
    assert.equal(answer.status, 200);
    const state = await assertStillServing(bot);
    assert.ok(Object.prototype.hasOwnProperty.call(state.conversations, '__proto__'), 'stored under its own key');
    assert.equal(Object.getPrototypeOf(state.conversations), Object.prototype);
    assert.equal(state.conversations['__proto__']?.aadObjectId, ALEX_SENDER.aadObjectId);
  });
});

/** Cards can be clicked twice, late, or by many at once; exactly one click may change billing. */
describe('Replayed and concurrent card actions', function () {
  this.timeout(30_000);
  let bot: HttpBot;

  beforeEach(async () => {
    bot = await HttpBot.start({ initialState: stateWithFlows(flowAwaitingConfirmation(OPEN_FLOW)) });
  });

  afterEach(async () => {
    await bot.stop();
  });

  it('links once when the same confirmation is replayed, and answers the replay truthfully', async () => {
    const first = await bot.post(bot.cardAction('flow.confirm', { flowId: OPEN_FLOW }));
    assert.match(first.text, /Billing is set up/);
    const replay = await bot.post(bot.cardAction('flow.confirm', { flowId: OPEN_FLOW }));
    assert.equal(replay.status, 200);
    assert.match(replay.text, /already done: Contoso Pay-As-You-Go pays for contoso-web/);
    const state = await assertStillServing(bot);
    assert.equal(state.audit.length, 1);
    assert.equal(state.links[ORG_WEB]?.subscriptionId, SUB_PAYG);
  });

  it('links once when 20 copies of the confirmation arrive together', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => bot.post(bot.cardAction('flow.confirm', { flowId: OPEN_FLOW }))));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    const linked = answers.filter((a) => /Billing is set up/.test(a.text));
    const told = answers.filter((a) => /already done/.test(a.text));
    assert.equal(linked.length, 1, 'exactly one click made the change');
    assert.equal(told.length, 19, 'every other click was told it is already done');
    const state = await assertStillServing(bot);
    assert.equal(state.audit.length, 1);
  });
});
