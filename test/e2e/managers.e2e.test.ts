/**
 * Proactive notifications in the Agents Playground: when someone else adds a billing manager, Alex
 * (a billing manager of the same organization) gets a card in his chat without asking for it.
 */
import * as assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness';

const TENANT = '00000000-0000-0000-0000-0000000000001';
const MEGAN = { id: 'user-id-1', name: 'Megan Bowen', aadObjectId: '00000000-0000-0000-0000-0000000000021' };
const PATTI = '00000000-0000-0000-0000-0000000000024';

interface PlaygroundConfig {
  readonly config: { readonly bot: { readonly id: string } };
}

interface SavedFlow {
  readonly ownerId: string;
  readonly status: string;
  readonly principalId?: string;
  readonly role?: string;
}

interface SavedState {
  readonly managerFlows: Record<string, SavedFlow>;
}

describe('e2e: billing managers are told in Teams', function () {
  this.timeout(240_000);
  let h: Harness;

  before(async function () {
    h = await startHarness({ name: 'managers', viewport: { width: 1280, height: 1800 } });
    await h.step('managers-welcome', () => h.waitForBotText(/set up Azure DevOps billing from chat/));
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

  /**
   * The playground answers a posted activity before the bot has handled it, so each click waits
   * until the bot has saved its effect; otherwise the next click could overtake it.
   */
  async function meganFlowWhere(done: (flow: SavedFlow) => boolean, what: string): Promise<string> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const flows = (h.readState() as SavedState).managerFlows ?? {};
      const found = Object.entries(flows).find(([, f]) => f.ownerId === MEGAN.aadObjectId && done(f));
      if (found) return found[0];
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Megan's add-manager flow never reached "${what}" in the state file.`);
  }

  it('shows Alex a card when Megan makes Patti a billing manager of an organization Alex pays for', async function () {
    const card = await h.step('managers-1-setup', async () => {
      const from = await h.say('set up billing');
      return h.waitForBotText(/Step 1 of 3: organization/, { from });
    });
    await h.step('managers-2-linked', async () => {
      await h.chooseOption('Organization', 'contoso-mobile', card);
      await h.clickAction('Next', card);
      await h.waitForBotText(/Step 2 of 3/, { within: card });
      await h.chooseOption('Subscription', /Contoso Enterprise Agreement/, card);
      await h.clickAction('Next', card);
      await h.waitForBotText(/Step 3 of 3/, { within: card });
      await h.clickAction('Set up billing', card);
      await h.waitForBotText(/Billing is set up/, { within: card });
    });
    const before = await h.botMessageCount();
    await h.step('managers-3-proactive-card', async () => {
      await asMegan('manager.start', { kind: 'add', organizationId: 'org-contoso-mobile' });
      const flowId = await meganFlowWhere((f) => f.status === 'open', 'started');
      await asMegan('manager.person', { flowId, principalId: PATTI });
      await meganFlowWhere((f) => f.principalId === PATTI, 'person chosen');
      await asMegan('manager.role', { flowId, role: 'Contributor' });
      await meganFlowWhere((f) => f.role === 'Contributor', 'role chosen');
      await asMegan('manager.confirm', { flowId });
      const notice = await h.waitForBotText(/New billing manager for contoso-mobile/, { from: before, timeoutMs: 60_000 });
      const text = await notice.innerText();
      assert.match(text, /Megan Bowen made Patti Fernandez a billing manager of contoso-mobile/);
    });
    await h.step('managers-4-list', async () => {
      const from = await h.say('managers');
      const list = await h.waitForBotText(/Patti Fernandez/, { from });
      assert.match(await list.innerText(), /contoso-mobile/);
    });
  });
});
