import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CONTOSO_TENANT, DEMO_DIRECTORY, ORG_WEB, SUB_EA, SUB_PAYG } from '../../support/demoWorld';
import { ALEX_SENDER, flowIdIn, type HttpAnswer, type Sender } from '../../support/httpBot';
import { assertReadable } from '../../support/invariants';
import { SharedStateBots } from '../../support/sharedStateBots';


interface DemoDocument {
  users: unknown[];
  organizations: { id: string; projectCollectionAdministrators: string[]; members: string[] }[];
  roleAssignments: unknown[];
}

/** The demo world with more project collection administrators of contoso-web, each Owner of both subscriptions. */
function withAdministrators(document: DemoDocument, administrators: readonly Sender[]): DemoDocument {
  const web = document.organizations.find((organization) => organization.id === ORG_WEB);
  if (!web) throw new Error('The demo world has no contoso-web.');
  for (const { aadObjectId, name } of administrators) {
    document.users.push({ id: aadObjectId, displayName: name, email: `${aadObjectId}@contoso.example`, tenantId: CONTOSO_TENANT });
    web.projectCollectionAdministrators.push(aadObjectId);
    web.members.push(aadObjectId);
    for (const subscriptionId of [SUB_EA, SUB_PAYG]) document.roleAssignments.push({ subscriptionId, principalId: aadObjectId, role: 'Owner' });
  }
  return document;
}
const LINKED = /Billing is set up/;
const ALREADY = /Billing for contoso-web is already set up\. Type \\"change billing\\"/;
/** A loser whose checks ran after the winner's commit is refused before its write, as the subscription picker would. */
const ALREADY_PAYS = /Nothing was changed.*Contoso (Pay-As-You-Go|Enterprise Agreement) already pays for contoso-web\. Pick another subscription\./;

/** Two bot processes on one state in Azurite: what one does, the other sees at once. */
describe('Two instances on one Azure Table state (Azurite)', function () {
  this.timeout(180_000);
  let bots: SharedStateBots;
  const folders: string[] = [];

  beforeEach(async () => {
    bots = await SharedStateBots.start(2);
  });

  afterEach(async () => {
    await bots.stop();
    for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
  });

  /** Runs a set-up flow to its confirmation card, each click on the instance `on` picks; returns the flow id. */
  async function flowToConfirmation(who: Sender, subscriptionId: string, on: (step: number) => number): Promise<string> {
    const started = await bots.click(on(0), 'flow.start', { kind: 'setup' }, who);
    const flowId = flowIdIn(started.json);
    assert.ok(flowId, started.text);
    const organization = await bots.click(on(1), 'flow.organization', { flowId, organizationId: ORG_WEB }, who);
    assert.match(organization.text, /Step 2 of 3/);
    const subscription = await bots.click(on(2), 'flow.subscription', { flowId, subscriptionId }, who);
    assert.match(subscription.text, /Step 3 of 3/);
    return flowId;
  }

  it('completes a set-up flow whose clicks alternate between the instances, and a status on the other shows it at once', async () => {
    const flowId = await flowToConfirmation(ALEX_SENDER, SUB_PAYG, (step) => step % 2);
    const confirmed = await bots.click(1, 'flow.confirm', { flowId });
    assert.match(confirmed.text, LINKED);
    // A second click on the finished card, on the other instance, changes nothing and says so.
    const again = await bots.click(0, 'flow.confirm', { flowId });
    assert.doesNotMatch(again.text, LINKED);
    assertReadable(again.text);
    const status = await bots.say(0, 'status');
    assert.match(status, /contoso-web/);
    assert.match(status, /Contoso Pay-As-You-Go/, 'instance A shows the subscription instance B linked');
    const store = await bots.openStore();
    try {
      await store.read(async (tx) => {
        assert.equal((await tx.links.get(ORG_WEB))?.subscriptionId, SUB_PAYG);
        assert.deepEqual((await tx.audit.listOf(ORG_WEB)).map((entry) => entry.action), ['billing.setup']);
        assert.equal((await tx.flows.get(flowId))?.status, 'completed');
      });
    } finally {
      await store.close();
    }
  });

  it('50 concurrent set-up confirmations for one organization over both instances: exactly one link and 49 clear refusals', async () => {
    // 50 administrators, since one person has one set-up open at a time (a new start replaces the old).
    const administrators = Array.from({ length: 50 }, (_, index): Sender => ({ aadObjectId: `00000000-0000-0000-0000-1000000000${String(index).padStart(2, '0')}`, name: `Administrator ${index}` }));
    const folder = await mkdtemp(path.join(os.tmpdir(), 'fifty administrators '));
    folders.push(folder);
    const directoryFile = path.join(folder, 'directory.json');
    await writeFile(directoryFile, JSON.stringify(withAdministrators(JSON.parse(await readFile(DEMO_DIRECTORY, 'utf8')) as DemoDocument, administrators)));
    await bots.stop();
    bots = await SharedStateBots.start(2, { env: { DIRECTORY_FILE: directoryFile } });
    const flows: { readonly flowId: string; readonly who: Sender }[] = [];
    for (let index = 0; index < 50; index += 1) {
      const who = administrators[index] as Sender;
      flows.push({ flowId: await flowToConfirmation(who, index % 3 ? SUB_EA : SUB_PAYG, (step) => (index + step) % 2), who });
    }
    const answers: HttpAnswer[] = await Promise.all(flows.map(({ flowId, who }, index) => bots.click(index % 2, 'flow.confirm', { flowId }, who)));
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([200]), 'every attempt got an answer');
    const winners = answers.filter((answer) => LINKED.test(answer.text));
    assert.equal(winners.length, 1, 'exactly one confirmation linked the organization');
    const losers = answers.filter((answer) => !LINKED.test(answer.text));
    assert.equal(losers.length, 49);
    for (const loser of losers) {
      assert.ok(ALREADY.test(loser.text) || ALREADY_PAYS.test(loser.text), `a clear refusal: ${loser.text}`);
      assertReadable(loser.text);
    }
    const store = await bots.openStore();
    try {
      await store.read(async (tx) => {
        const link = await tx.links.get(ORG_WEB);
        assert.ok(link);
        assert.equal((await tx.audit.listOf(ORG_WEB)).length, 1, 'one change, audited once');
        const completed = (await Promise.all(flows.map(({ flowId }) => tx.flows.get(flowId)))).filter((flow) => flow?.status === 'completed');
        assert.equal(completed.length, 1, 'only the winning flow completed');
        assert.equal(completed[0]?.subscriptionId, link.subscriptionId);
        assert.equal(completed[0]?.ownerId, link.linkedBy, 'the link names the winner');
      });
    } finally {
      await store.close();
    }
  });
});
