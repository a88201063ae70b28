import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { BotState } from '../../../src/store/state';
import { CARD_ACTIONS } from '../../../src/teams/cardActions';
import { COMMANDS } from '../../../src/teams/commands';
import { ADELE, ALEX, CONTOSO_TENANT, MEGAN, ORG_DATA, ORG_MOBILE, ORG_WEB, SUB_EA, SUB_FREE_TRIAL, SUB_NO_ROLE, SUB_OTHER_TENANT, SUB_PAYG } from '../../support/demoWorld';
import { HttpBot, teamsActivity, type Sender } from '../../support/httpBot';
import { assertClearRefusal, assertStillServing, billingFacts, ProcessFaults } from '../../support/invariants';
import { flowAwaitingConfirmation, stateWithFlows } from '../../support/seededState';

/**
 * Property-based checks over activities and card payloads: generated bodies, most of them nearly
 * right with a few fields wrong, posted to the real server. Whatever arrives, the answer is a 200 or
 * a 400 with a message, the bot logs no internal error, billing changes only by the flow's owner,
 * and the state file stays loadable. A failure prints fast-check's seed and the smallest body found.
 */

const OPEN_FLOW = 'flow-open-awaiting-confirmation';
const ISAIAH = '00000000-0000-0000-0000-0000000000023';
const FABRIKAM_TENANT = '8ee76274-b2eb-4384-9499-625fd2f2eedc';

const VERBS = Object.keys(CARD_ACTIONS);
const ORGANIZATIONS = [ORG_WEB, ORG_MOBILE, ORG_DATA, 'org-contoso-research', 'org-nowhere'];
const SUBSCRIPTIONS = [SUB_PAYG, SUB_EA, SUB_FREE_TRIAL, SUB_OTHER_TENANT, SUB_NO_ROLE, 'sub-nowhere'];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

/** Anything JSON can carry, kept small. */
const junk = fc.jsonValue({ maxDepth: 2 });

/** Text with every kind of character, control and surrogate pairs included. */
const anyText = fc.string({ unit: 'binary', maxLength: 120 });

/** Mostly the right thing, sometimes missing, sometimes anything at all. */
function usually<T>(right: fc.Arbitrary<T>): fc.Arbitrary<T | undefined | fc.JsonValue> {
  return fc.oneof({ arbitrary: right, weight: 6 }, { arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: junk, weight: 1 });
}

const cardData = fc.record(
  {
    flowId: usually(fc.oneof(fc.constantFrom(OPEN_FLOW, ...PROTOTYPE_KEYS), fc.uuid())),
    kind: usually(fc.oneof(fc.constantFrom('setup', 'change', 'remove'), anyText)),
    organizationId: usually(fc.oneof(fc.constantFrom(...ORGANIZATIONS, ...PROTOTYPE_KEYS), anyText)),
    subscriptionId: usually(fc.oneof(fc.constantFrom(...SUBSCRIPTIONS, ...PROTOTYPE_KEYS), anyText)),
    acknowledged: usually(fc.oneof(fc.boolean(), fc.constantFrom('true', 'false'))),
  },
  { requiredKeys: [] },
);

const cardActionValue = fc.record(
  {
    action: usually(
      fc.record(
        {
          type: usually(fc.constantFrom('Action.Execute', 'Action.Submit')),
          verb: usually(fc.oneof(fc.constantFrom(...VERBS, ...PROTOTYPE_KEYS), anyText)),
          data: usually(cardData),
        },
        { requiredKeys: [] },
      ),
    ),
    trigger: usually(fc.constantFrom('manual', 'automatic')),
  },
  { requiredKeys: [] },
);

const mention = fc.record(
  {
    type: usually(fc.constantFrom('mention', 'Mention', 'clientInfo')),
    mentioned: usually(fc.record({ id: usually(fc.constantFrom('bot-id', 'someone')), name: usually(anyText) })),
    text: usually(fc.constantFrom('<at>DevOps Billing</at>', '<at></at>')),
  },
  { requiredKeys: [] },
);

interface Senders {
  readonly allowed: fc.Arbitrary<Sender>;
}

/** An activity shaped like Teams', with each part possibly wrong. */
function activities(serviceUrl: () => string, senders: Senders): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      sender: senders.allowed,
      type: usually(fc.constantFrom('message', 'invoke', 'conversationUpdate', 'installationUpdate', 'event', 'typing', 'messageReaction')),
      text: usually(fc.oneof(fc.constantFrom(...COMMANDS.map((c) => c.name)), anyText)),
      name: usually(fc.oneof(fc.constantFrom('adaptiveCard/action', 'task/fetch', 'composeExtension/query', 'signin/verifyState'), anyText)),
      value: usually(cardActionValue),
      entities: fc.option(fc.array(mention, { maxLength: 2 }), { nil: undefined }),
      membersAdded: fc.option(usually(fc.array(fc.record({ id: usually(fc.constantFrom('bot-id', 'user')) }), { maxLength: 2 })), { nil: undefined }),
      action: fc.option(usually(fc.constantFrom('add', 'remove', 'add-upgrade', 'remove-upgrade')), { nil: undefined }),
      conversationId: usually(fc.oneof(fc.constantFrom(`personal-${ALEX}`, 'group-chat-1', ...PROTOTYPE_KEYS), anyText)),
      conversationType: usually(fc.constantFrom('personal', 'groupChat', 'channel')),
      isGroup: fc.option(usually(fc.boolean()), { nil: undefined }),
      senderName: usually(anyText),
      id: usually(fc.oneof(fc.uuid(), anyText)),
      locale: usually(fc.constantFrom('en-US', 'de-DE')),
      channelData: usually(fc.constant('tenant')),
      badServiceUrl: fc.boolean(),
    })
    .map((g) => {
      const base = teamsActivity(g.badServiceUrl ? 'not a url' : serviceUrl(), {}, g.sender);
      const conversation = { ...(base.conversation as Record<string, unknown>), id: g.conversationId, conversationType: g.conversationType, isGroup: g.isGroup };
      return {
        ...base,
        id: g.id,
        locale: g.locale,
        from: { ...(base.from as Record<string, unknown>), name: g.senderName },
        type: g.type,
        text: g.text,
        name: g.name,
        value: g.value,
        entities: g.entities,
        membersAdded: g.membersAdded,
        action: g.action,
        conversation,
        ...(g.channelData === 'tenant' ? {} : { channelData: g.channelData }),
      };
    });
}

const EVERYONE: Sender[] = [
  { aadObjectId: ALEX, name: 'Alex Wilber' },
  { aadObjectId: MEGAN, name: 'Megan Bowen' },
  { aadObjectId: ADELE, name: 'Adele Vance' },
  { aadObjectId: ISAIAH, name: 'Isaiah Langer' },
  { aadObjectId: 'not-in-the-directory', name: 'Stranger' },
];

/** Everyone who must not complete Alex's flow: other people, Alex claimed from another tenant, nobody. */
const NOT_ALEX: Sender[] = [
  ...EVERYONE.filter((s) => s.aadObjectId !== ALEX),
  { aadObjectId: ALEX, name: 'Alex Wilber', tenantId: FABRIKAM_TENANT },
  { aadObjectId: '', name: 'No Entra account' },
];

describe('Properties of every activity the bot can receive', function () {
  this.timeout(120_000);
  const faults = new ProcessFaults();
  let bot: HttpBot;
  let initialState: BotState;

  beforeEach(async () => {
    faults.listen();
    initialState = stateWithFlows(flowAwaitingConfirmation(OPEN_FLOW));
    bot = await HttpBot.start({ initialState });
  });

  afterEach(async () => {
    faults.stop();
    await bot.stop();
    faults.assertNone();
  });

  async function postAndCheck(body: unknown): Promise<void> {
    const errorsBefore = bot.errorsLogged().length;
    const answer = await bot.post(body);
    assert.ok([200, 400].includes(answer.status), `status ${answer.status}: ${answer.text.slice(0, 300)}`);
    if (answer.status === 400) assertClearRefusal(answer);
    assert.deepEqual(bot.errorsLogged().slice(errorsBefore).map((e) => e.err ?? e.msg), [], 'no internal error');
  }

  it('answers any body that is not an activity with a 400 and a message', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText, junk.map((v) => JSON.stringify(v))), async (raw) => {
        const answer = await bot.post(raw);
        assert.equal(answer.status, 400, `${answer.status} for ${JSON.stringify(raw).slice(0, 200)}`);
        assertClearRefusal(answer);
      }),
      { numRuns: 100 },
    );
    assert.deepEqual(await assertStillServing(bot), initialState);
  });

  it('answers any nearly-right activity from anyone with a 200 or a 400, and links nothing', async () => {
    await fc.assert(
      fc.asyncProperty(activities(() => bot.connector.url, { allowed: fc.constantFrom(...NOT_ALEX, ...EVERYONE) }), async (activity) => {
        // The seeded flow is Alex's to confirm: take it out of reach here, so any link is a breach.
        const body = JSON.parse(JSON.stringify(activity).split(OPEN_FLOW).join('flow-of-someone-else')) as unknown;
        await postAndCheck(body);
      }),
      { numRuns: 200 },
    );
    const state = await assertStillServing(bot);
    assert.deepEqual(billingFacts(state), billingFacts(initialState));
  });

  it("lets nobody but Alex change billing through Alex's open flow", async () => {
    await fc.assert(
      fc.asyncProperty(activities(() => bot.connector.url, { allowed: fc.constantFrom(...NOT_ALEX) }), async (activity) => {
        await postAndCheck(activity);
        const state = await bot.state();
        assert.deepEqual(billingFacts(state), billingFacts(initialState));
        assert.deepEqual(state.flows[OPEN_FLOW], initialState.flows[OPEN_FLOW]);
      }),
      { numRuns: 200 },
    );
    await assertStillServing(bot);
  });

  it('does let Alex confirm it, so the property above is not vacuous', async () => {
    const answer = await bot.post(teamsActivity(bot.connector.url, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'flow.confirm', data: { flowId: OPEN_FLOW } } } }, { aadObjectId: ALEX, name: 'Alex Wilber', tenantId: CONTOSO_TENANT }));
    assert.match(answer.text, /Billing is set up/);
    assert.equal((await bot.state()).links[ORG_WEB]?.subscriptionId, SUB_PAYG);
  });
});
