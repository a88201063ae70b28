/**
 * users and costs in the Agents Playground: Alex finds the inactive paid users of contoso-web and
 * makes two of them Stakeholders; when Megan makes another one a Stakeholder, Alex, a billing manager,
 * is told in his chat; costs shows every number even though the playground draws no charts.
 */
import * as assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness';

const TENANT = '00000000-0000-0000-0000-0000000000001';
const MEGAN = { id: 'user-id-1', name: 'Megan Bowen', aadObjectId: '00000000-0000-0000-0000-0000000000021' };
const LEE = '00000000-0000-0000-0000-0000000000029';

interface PlaygroundConfig {
  readonly config: { readonly bot: { readonly id: string } };
}

interface SavedAccessFlow {
  readonly ownerId: string;
  readonly status: string;
  readonly organizationId?: string;
  readonly estimate?: unknown;
}

interface SavedState {
  readonly accessFlows?: Record<string, SavedAccessFlow>;
  readonly outbox?: Record<string, { readonly recipientId: string; readonly event: { readonly kind: string } }>;
  readonly audit?: readonly { readonly action: string; readonly principalId?: string }[];
}

describe('e2e: users and costs', function () {
  this.timeout(240_000);
  let h: Harness;

  before(async function () {
    h = await startHarness({ name: 'users', viewport: { width: 1280, height: 2400 } });
    await h.step('users-welcome', () => h.waitForBotText(/set up Azure DevOps billing from chat/));
  });

  after(async function () {
    await h?.stop();
  });

  /** Megan clicks a button in her own chat with the bot; the playground's UI only shows Alex. */
  async function asMegan(verb: string, data: Record<string, unknown>): Promise<void> {
    const config = (await (await fetch(new URL('/_internal/v1/config', h.playgroundUrl))).json()) as PlaygroundConfig;
    const response = await fetch(new URL('/_internal/v1/customActivities', h.playgroundUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'invoke',
        name: 'adaptiveCard/action',
        channelId: 'msteams',
        serviceUrl: new URL('/_connector', h.playgroundUrl).toString().replace(/\/$/, ''),
        from: MEGAN,
        recipient: { id: config.config.bot.id },
        conversation: { id: 'personal-megan', conversationType: 'personal', tenantId: TENANT },
        channelData: { tenant: { id: TENANT } },
        value: { action: { type: 'Action.Execute', verb, data } },
      }),
    });
    assert.ok(response.status < 400, `the playground refused Megan's ${verb}: ${response.status} ${await response.text()}`);
  }

  /** The playground answers before the bot has handled a click: wait until the bot saved its effect. */
  async function meganFlowWhere(done: (flow: SavedAccessFlow) => boolean, what: string): Promise<string> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const flows = (h.readState() as SavedState).accessFlows ?? {};
      const found = Object.entries(flows).find(([, f]) => f.ownerId === MEGAN.aadObjectId && done(f));
      if (found) return found[0];
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Megan's users flow never reached "${what}" in the state file.`);
  }

  it('makes inactive paid users Stakeholders after a confirmation, and the billing managers are told', async function () {
    const setup = await h.step('users-1-setup', async () => {
      const from = await h.say('set up billing');
      return h.waitForBotText(/Step 1 of 3: organization/, { from });
    });
    await h.step('users-2-linked', async () => {
      await h.chooseOption('Organization', 'contoso-web', setup);
      await h.clickAction('Next', setup);
      await h.waitForBotText(/Step 2 of 3/, { within: setup });
      await h.chooseOption('Subscription', /Contoso Pay-As-You-Go/, setup);
      await h.clickAction('Next', setup);
      await h.waitForBotText(/Step 3 of 3/, { within: setup });
      await h.clickAction('Set up billing', setup);
      await h.waitForBotText(/Billing is set up/, { within: setup });
    });
    const card = await h.step('users-3-picker', async () => {
      const from = await h.say('users');
      return h.waitForBotText(/Whose users do you want to see\?/, { from });
    });
    await h.step('users-4-list', async () => {
      await h.chooseOption('Organization', /contoso-web/, card);
      await h.clickAction('Next', card);
      await h.waitForBotText(/Users of contoso-web/, { within: card });
      const text = await card.innerText();
      assert.match(text, /116 USD for users/);
      // The demo's last sign-ins are fixed dates, so how many count as inactive grows with today's date.
      assert.match(text, /Paid users who have not signed in for 30 days \(\d+\)/);
      assert.match(text, /A group rule gives this access level/);
    });
    await h.step('users-5-confirm', async () => {
      await h.toggle(/Isaiah Langer/, true, card);
      await h.toggle(/Pradeep Gupta/, true, card);
      await h.clickAction('Make Stakeholder', card);
      await h.waitForBotText(/Make these 2 users Stakeholders\?/, { within: card });
      assert.match(await card.innerText(), /Users a month: 116 USD → 58 USD \(58 USD less\)/);
    });
    await h.step('users-6-result', async () => {
      await h.clickAction('Make 2 Stakeholders', card);
      await h.waitForBotText(/Made 2 Stakeholders/, { within: card });
      assert.match(await card.innerText(), /Notifying in Teams: Megan Bowen and Patti Fernandez/);
    });
    const state = h.readState() as SavedState;
    assert.deepEqual(
      (state.audit ?? []).filter((a) => a.action === 'access.change').map((a) => a.principalId).sort(),
      ['00000000-0000-0000-0000-0000000000023', '00000000-0000-0000-0000-0000000000031'],
    );
    const told = Object.values(state.outbox ?? {}).filter((e) => e.event.kind === 'access.change').map((e) => e.recipientId).sort();
    assert.deepEqual(told, [MEGAN.aadObjectId, '00000000-0000-0000-0000-0000000000024'], 'one message for each other billing manager');

    const before = await h.botMessageCount();
    await h.step('users-7-manager-told', async () => {
      await asMegan('users.start', {});
      const flowId = await meganFlowWhere((f) => f.status === 'open', 'started');
      await asMegan('users.organization', { flowId, organizationId: 'org-contoso-web' });
      await meganFlowWhere((f) => f.organizationId === 'org-contoso-web', 'organization chosen');
      await asMegan('users.review', { flowId, selected: LEE });
      await meganFlowWhere((f) => f.estimate !== undefined, 'reviewed');
      await asMegan('users.confirm', { flowId });
      const notice = await h.waitForBotText(/A user of contoso-web made Stakeholder/, { from: before, timeoutMs: 60_000 });
      const text = await notice.innerText();
      assert.match(text, /Megan Bowen made a paid user of contoso-web a Stakeholder/);
      assert.match(text, /Lee Gu[\s\S]*Basic → Stakeholder/);
    });
  });

  it('shows what contoso-web costs this month, with every amount under the chart', async function () {
    await h.step('costs-1', async () => {
      const from = await h.say('costs');
      const card = await h.waitForBotText(/Costs in /, { from });
      const text = await card.innerText();
      assert.match(text, /contoso-web[\s\S]*Paid by Contoso Pay-As-You-Go: [\d.,]+ USD so far this month, [\d.,]+ USD forecast for the month/);
      // The playground draws the donut; the sentence under it has every amount whatever the chart shows.
      assert.match(text, /Estimated by meter, a month: Basic users 0 USD; Basic \+ Test Plans users 52 USD; Microsoft-hosted parallel jobs 80 USD; Self-hosted parallel jobs 15 USD; Artifacts storage 18\.50 USD\./);
      assert.match(text, /Per paying subscription[\s\S]*Contoso Pay-As-You-Go/);
    });
  });
});
