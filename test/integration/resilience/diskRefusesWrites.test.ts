import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BotProcess, permissionBoundRunAvailable } from '../../support/botProcess';
import { ConnectorStub } from '../../support/connectorStub';
import { MEGAN, ORG_WEB } from '../../support/demoWorld';
import { ALEX_SENDER, flowIdIn, request, teamsActivity, type HttpAnswer, type Sender } from '../../support/httpBot';
import { assertReadable } from '../../support/invariants';
import { readSavedState } from '../../support/savedState';

const MEGAN_SENDER: Sender = { aadObjectId: MEGAN, name: 'Megan Bowen' };
const STORAGE_REFUSED = /I could not save that: the bot's storage refused the write, so nothing was changed/;

/**
 * The state folder turns read-only under a running bot. Root ignores permissions, so when the tests
 * run as root the bot runs without the capabilities that let it (through setpriv); the folder's mode
 * is then what a read-only mount or a full disk would be to the bot: every save fails. The bot keeps
 * its own user, so it reads the checkout even where only that user may (a clone in a 0700 folder).
 */
describe('When the disk refuses writes', function () {
  this.timeout(60_000);
  let folder: string;
  let stateFile: string;
  let connector: ConnectorStub;
  let bot: BotProcess | undefined;

  before(function () {
    if (!permissionBoundRunAvailable()) this.skip();
  });

  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'billing-bot-readonly-'));
    stateFile = path.join(folder, 'state.json');
    connector = await ConnectorStub.start();
    bot = await BotProcess.start({ stateFile, cwd: folder, boundByFilePermissions: true });
  });

  afterEach(async () => {
    await chmod(folder, 0o755);
    await bot?.kill();
    await connector.stop();
    await rm(folder, { recursive: true, force: true });
  });

  function post(activity: Record<string, unknown>): Promise<HttpAnswer> {
    return request(`${bot?.base ?? ''}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  }

  function click(verb: string, data: Record<string, unknown>, sender: Sender = ALEX_SENDER): Promise<HttpAnswer> {
    return post(teamsActivity(connector.url, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } }, sender));
  }

  async function say(text: string, sender: Sender = ALEX_SENDER): Promise<string> {
    const before = connector.sends.length;
    const answer = await post(teamsActivity(connector.url, { type: 'message', text }, sender));
    assert.equal(answer.status, 200, answer.text);
    return connector.sends.slice(before).map((s) => JSON.stringify(s.body)).join('\n');
  }

  it('tells the user, writes nothing half-way, keeps serving reads, and recovers when the disk does', async () => {
    const started = await click('flow.start', { kind: 'setup' });
    const flowId = flowIdIn(started.json);
    assert.ok(flowId, started.text);
    const before = await readFile(stateFile, 'utf8');
    const savedBefore = await readSavedState(stateFile);
    const filesBefore = (await readdir(folder)).sort();

    await chmod(folder, 0o555);

    const refused = await click('flow.organization', { flowId, organizationId: ORG_WEB });
    assert.equal(refused.status, 200);
    assert.match(refused.text, STORAGE_REFUSED);
    assertReadable(refused.text);
    assert.match(await say('set up billing'), STORAGE_REFUSED);

    // Reads still work, even for someone whose conversation reference cannot be saved now.
    assert.match(await say('status'), /Billing status/);
    assert.match(await say('status', MEGAN_SENDER), /Billing status/);
    assert.match(await say('help', MEGAN_SENDER), /What I can do/);
    assert.equal((await request(`${bot?.base ?? ''}/healthz`, {})).status, 200);

    assert.equal(await readFile(stateFile, 'utf8'), before, 'the state file is exactly as it was');
    // A journal may hold bytes past its saved length (a write the state file never counted); they are not the state.
    assert.deepEqual(await readSavedState(stateFile), savedBefore, 'the saved state is exactly as it was');
    assert.deepEqual((await readdir(folder)).sort(), filesBefore, 'no temporary file was left behind');
    assert.ok(bot?.logs.some((l) => l.level >= 50 && /could not be saved/.test(l.msg)), 'the operator sees the failure in the log');

    await chmod(folder, 0o755);
    const recovered = await click('flow.organization', { flowId, organizationId: ORG_WEB });
    assert.match(recovered.text, /Step 2 of 3/);
    const saved = (await readSavedState(stateFile)) as { flows: Record<string, { organizationId?: string }> };
    assert.equal(saved.flows[flowId]?.organizationId, ORG_WEB);
  });
});
