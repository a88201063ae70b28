import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readStateSnapshot } from '../../../src/store/stateSnapshot';
import type { BotState } from '../../../src/store/state';
import { BotProcess } from '../../support/botProcess';
import { ConnectorStub } from '../../support/connectorStub';
import { MEGAN, ORG_MOBILE, ORG_WEB, SUB_EA, SUB_PAYG } from '../../support/demoWorld';
import { ALEX_SENDER, flowIdIn, request, teamsActivity, type HttpAnswer, type Sender } from '../../support/httpBot';

const ITERATIONS = 10;
const MEGAN_SENDER: Sender = { aadObjectId: MEGAN, name: 'Megan Bowen' };

/** What users were told: each entry is a change the bot confirmed, so it must survive any crash. */
class Ledger {
  /** Flows whose first card a user saw. */
  readonly flowsShown = new Set<string>();
  /** Flows whose organization step a user saw accepted, with the organization. */
  readonly organizationChosen = new Map<string, string>();
  /** Flows the user was told changed billing of contoso-web, with the subscription that now pays. */
  readonly billingChanged = new Map<string, string>();

  get confirmations(): number {
    return this.flowsShown.size + this.organizationChosen.size + this.billingChanged.size;
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Waited ${timeoutMs} ms for the burst to make progress.`);
    await delay(5);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Kills the bot process with SIGKILL in the middle of a burst of state changes, again and again, and
 * checks after each kill that the state file parses, that the restarted bot accepts it (taking over
 * the dead process's lock), and that every change the bot confirmed to a user is in it.
 */
describe('Crashes lose nothing the bot confirmed', function () {
  this.timeout(120_000);
  let folder: string;
  let stateFile: string;
  let connector: ConnectorStub;
  let bot: BotProcess | undefined;
  /** Requests the kill cut off before their answer: proof that kills land mid-burst. */
  let cutOff = 0;

  before(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'billing-bot-crash-'));
    stateFile = path.join(folder, 'state.json');
    connector = await ConnectorStub.start();
  });

  after(async () => {
    await bot?.kill();
    await connector.stop();
    await rm(folder, { recursive: true, force: true });
  });

  /** The bursts are far beyond what one person may do a minute; this test is about crashes, not limits. */
  const BURSTS_ALLOWED = { FLOW_STARTS_PER_MINUTE: '1000000', CARD_CLICKS_PER_MINUTE: '1000000' };

  async function post(body: unknown): Promise<HttpAnswer> {
    if (!bot) throw new Error('No bot is running.');
    try {
      return await request(`${bot.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    } catch (error) {
      cutOff++;
      throw error;
    }
  }

  function click(verb: string, data: Record<string, unknown>, sender: Sender = ALEX_SENDER): Promise<HttpAnswer> {
    return post(teamsActivity(connector.url, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } }, sender));
  }

  /** Starts set-up flows and picks an organization in each, until the bot stops answering. */
  async function startFlows(ledger: Ledger, sender: Sender): Promise<void> {
    for (;;) {
      const started = await click('flow.start', { kind: 'setup' }, sender);
      const flowId = flowIdIn(started.json);
      if (started.status !== 200 || !flowId) return;
      ledger.flowsShown.add(flowId);
      const chosen = await click('flow.organization', { flowId, organizationId: ORG_MOBILE }, sender);
      if (chosen.status === 200 && /Step 2 of 3/.test(chosen.text)) ledger.organizationChosen.set(flowId, ORG_MOBILE);
    }
  }

  /** Types "set up billing" again and again; the cards it gets arrive at the connector. */
  async function typeCommands(): Promise<void> {
    for (;;) {
      const answer = await post(teamsActivity(connector.url, { type: 'message', text: 'set up billing' }, MEGAN_SENDER));
      if (answer.status !== 200) return;
    }
  }

  /** Sets up billing of contoso-web, then moves it between two subscriptions, one whole flow at a time. */
  async function moveBilling(ledger: Ledger, linkedTo: string | undefined): Promise<void> {
    let current = linkedTo;
    for (;;) {
      const target = current === SUB_PAYG ? SUB_EA : SUB_PAYG;
      const flowId = flowIdIn((await click('flow.start', { kind: current ? 'change' : 'setup' })).json);
      if (!flowId) return;
      if (!/Step 2 of 3/.test((await click('flow.organization', { flowId, organizationId: ORG_WEB })).text)) return;
      if (!/Step 3 of 3/.test((await click('flow.subscription', { flowId, subscriptionId: target })).text)) return;
      const confirmed = await click('flow.confirm', { flowId });
      if (!/Billing is set up|Billing changed/.test(confirmed.text)) return;
      ledger.billingChanged.set(flowId, target);
      current = target;
    }
  }

  async function warmUp(ledger: Ledger): Promise<void> {
    await post(teamsActivity(connector.url, { type: 'message', text: 'help' }));
    const flowId = flowIdIn((await click('flow.start', { kind: 'setup' })).json);
    if (!flowId) return;
    ledger.flowsShown.add(flowId);
    if (/Step 2 of 3/.test((await click('flow.organization', { flowId, organizationId: ORG_MOBILE })).text)) ledger.organizationChosen.set(flowId, ORG_MOBILE);
  }

  async function stateOnDisk(): Promise<BotState> {
    return readStateSnapshot(stateFile);
  }

  function assertEverythingConfirmedIsThere(state: BotState, ledger: Ledger): void {
    const shownAtConnector = connector.sends.map((s) => flowIdIn(s.body)).filter((id): id is string => id !== undefined);
    for (const flowId of [...ledger.flowsShown, ...shownAtConnector]) {
      assert.ok(state.flows[flowId], `flow ${flowId} was shown to a user but is not in the state file`);
    }
    for (const [flowId, organizationId] of ledger.organizationChosen) {
      assert.equal(state.flows[flowId]?.organizationId, organizationId, `flow ${flowId} lost its confirmed organization`);
    }
    for (const flowId of ledger.billingChanged.keys()) {
      assert.equal(state.flows[flowId]?.status, 'completed', `flow ${flowId} was confirmed as done but is not completed`);
    }
    const changesOfWeb = state.audit.filter((entry) => entry.organizationId === ORG_WEB);
    assert.ok(changesOfWeb.length >= ledger.billingChanged.size, 'every confirmed billing change is in the audit log');
    const last = changesOfWeb[changesOfWeb.length - 1];
    assert.equal(state.links[ORG_WEB]?.subscriptionId, last?.toSubscriptionId, 'the link agrees with the last audited change');
    if (changesOfWeb.length === ledger.billingChanged.size && ledger.billingChanged.size > 0) {
      assert.equal(state.links[ORG_WEB]?.subscriptionId, [...ledger.billingChanged.values()].pop(), 'the last confirmed change is in force');
    }
  }

  it(`keeps every confirmed change across ${ITERATIONS} SIGKILLs in the middle of bursts of writes`, async () => {
    const ledger = new Ledger();
    const kills: string[] = [];
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      bot = await BotProcess.start({ stateFile, cwd: folder, env: BURSTS_ALLOWED });
      if (iteration > 0) {
        assert.ok(bot.logs.some((l) => /left by process \d+, which is no longer running.*taking it over/.test(l.msg)), 'the dead process lock was taken over');
      }
      const linkedTo = (await stateOnDisk()).links[ORG_WEB]?.subscriptionId;
      // A fresh process answers its first requests slowly while it warms up; a running bot is warm.
      await warmUp(ledger);
      const burst = Promise.allSettled([
        // Alex's own set-ups would replace the one his billing move starts (one open flow per person
        // and kind), so only Megan starts flows beside it.
        startFlows(ledger, MEGAN_SENDER),
        typeCommands(),
        moveBilling(ledger, linkedTo),
      ]);
      // Kill at a random moment once the burst is under way (a time alone would say little on a
      // slow machine); every third time only after a billing change, so that those are tested too.
      const confirmedBefore = ledger.confirmations;
      const changesBefore = ledger.billingChanged.size;
      const afterConfirmations = 1 + Math.floor(Math.random() * 12);
      const jitter = Math.floor(Math.random() * 40);
      await until(() => ledger.confirmations >= confirmedBefore + afterConfirmations, 30_000);
      if (iteration % 3 === 1) await until(() => ledger.billingChanged.size > changesBefore, 30_000);
      await delay(jitter);
      kills.push(`${ledger.confirmations - confirmedBefore}+${jitter}ms`);
      const exit = await bot.kill();
      assert.equal(exit.signal, 'SIGKILL');
      await burst;
      assertEverythingConfirmedIsThere(await stateOnDisk(), ledger);
    }

    // One last start: the bot accepts what the last kill left, and answers from it.
    bot = await BotProcess.start({ stateFile, cwd: folder, env: BURSTS_ALLOWED });
    const status = await post(teamsActivity(connector.url, { type: 'message', text: 'status' }));
    assert.equal(status.status, 200);
    assertEverythingConfirmedIsThere(await stateOnDisk(), ledger);
    bot.signal('SIGTERM');
    assert.deepEqual(await bot.exited, { code: 0, signal: null });

    // The loop is only a test if the kills really cut off requests mid-burst.
    assert.ok(cutOff >= ITERATIONS, `only ${cutOff} requests were cut off by ${ITERATIONS} kills (${kills.join(', ')})`);
    assert.ok(ledger.flowsShown.size > ITERATIONS * 2, `only ${ledger.flowsShown.size} flows were confirmed`);
    assert.ok(ledger.billingChanged.size > 0, 'at least one billing change was confirmed');
  });
});
