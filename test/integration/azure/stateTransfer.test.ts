import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startAzurite, type RunningAzurite } from '../../../scripts/lib/azurite';
import type { ChangeEvent } from '../../../src/domain/changeEvent';
import { openLowdbStore } from '../../../src/store/lowdbStore';
import { PROJECT_ROOT } from '../../support/demoWorld';

const SCRIPT = path.join(PROJECT_ROOT, 'dist', 'scripts', 'state.js');
const AT = '2026-11-30T09:00:00.000Z';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run state -- <args>` as a person runs it, in a folder of its own (no .env of the developer's). */
function state(args: readonly string[], cwd: string, env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, [SCRIPT, ...args], { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

function countIn(run: Run, collection: string): number {
  const match = new RegExp(`^\\s+${collection}\\s+(\\d+)$`, 'm').exec(run.stdout);
  assert.ok(match, `no count of ${collection} in:\n${run.stdout}${run.stderr}`);
  return Number(match[1]);
}

const event: ChangeEvent = { id: 'evt-1', kind: 'billing.setup', organization: { id: 'org-a', name: 'contoso-web' }, to: { id: 'sub-1', name: 'Pay-As-You-Go' }, actor: { id: 'alex', name: 'Alex' }, at: AT };

/** A state file with something in every collection, written through the store as the bot writes it. */
async function seedFileState(stateFile: string): Promise<void> {
  const store = await openLowdbStore(stateFile);
  try {
    await store.transaction(async (tx) => {
      for (const organizationId of ['org-a', 'org-b', '__proto__']) {
        await tx.links.put({ organizationId, subscriptionId: 'sub-1', linkedBy: 'alex', linkedAt: AT });
        await tx.audit.append({ id: `audit-${organizationId}-1`, at: AT, actorId: 'alex', action: 'billing.setup', organizationId, toSubscriptionId: 'sub-1' });
        await tx.audit.append({ id: `audit-${organizationId}-2`, at: '2026-11-30T09:05:00.000Z', actorId: 'alex', action: 'quantities.purchase', organizationId });
      }
      await tx.flows.put({ id: 'flow-1', kind: 'setup', ownerId: 'alex', tenantId: 't', conversationId: 'c-alex', createdAt: AT, expiresAt: AT, status: 'completed', organizationId: 'org-a', finishedAt: AT, outcome: 'linked' });
      await tx.flows.put({ id: 'flow-2', kind: 'change', ownerId: 'megan', tenantId: 't', conversationId: 'c-megan', createdAt: AT, expiresAt: '2099-01-01T00:00:00.000Z', status: 'open' });
      await tx.purchases.put({ id: 'buy-1', ownerId: 'alex', tenantId: 't', conversationId: 'c-alex', createdAt: AT, expiresAt: AT, status: 'open', organizationId: 'org-a' });
      await tx.managerFlows.put({ id: 'mgr-1', kind: 'add', ownerId: 'alex', tenantId: 't', conversationId: 'c-alex', createdAt: AT, expiresAt: AT, status: 'cancelled', principalId: 'patti' });
      await tx.quantities.put('org-a', { paid: { basicUsers: 5, basicTestPlansUsers: 0, microsoftHostedJobs: 1, selfHostedJobs: 0, artifactsGiB: 3 }, changedBy: 'alex', changedAt: AT });
      await tx.managers.put('org-a', { principalId: 'patti', subscriptionId: 'sub-1', role: 'Contributor', addedBy: 'alex', addedAt: AT });
      await tx.managers.put('org-a', { principalId: 'megan', subscriptionId: 'sub-1', role: 'Owner', addedBy: 'alex', addedAt: AT });
      await tx.outbox.put({ key: 'evt-1/patti', recipientId: 'patti', tenantId: 't', card: 'change', event, createdAt: AT, status: 'pending', attempts: 0 });
      await tx.outbox.put({ key: 'evt-1/megan', recipientId: 'megan', tenantId: 't', card: 'change', event, createdAt: AT, status: 'delivered', attempts: 1, finishedAt: AT, conversationId: 'c-megan' });
      await tx.reach.put('megan', { status: 'delivered', at: AT });
      await tx.conversations.put({ conversationId: 'c-alex', aadObjectId: 'alex', tenantId: 't', conversationType: 'personal', serviceUrl: 'https://smba.example/', channelId: 'msteams', botId: 'bot', updatedAt: AT });
      await tx.changeEvents.put({ ...event, id: 'evt-old' });
      await tx.directoryOverlay.put({ granted: [{ subscriptionId: 'sub-1', principalId: 'patti', role: 'Contributor' }], revoked: [] });
    });
  } finally {
    await store.close();
  }
}

describe('npm run state -- export / import between the file store and the Azure store', function () {
  this.timeout(120_000);
  let folder: string;
  let azurite: RunningAzurite;

  before(async () => {
    azurite = await startAzurite();
  });

  after(async () => {
    await azurite?.stop();
  });

  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'state transfer '));
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('export from the file, import into Azure (twice), export again: identical; and back into a new file: identical', async () => {
    const stateFile = path.join(folder, 'old state', 'state.json');
    await seedFileState(stateFile);
    const file = { STATE_STORE: 'file', STATE_FILE: stateFile };
    const azure = { STATE_STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, STATE_TABLE_PREFIX: `t${randomUUID().replace(/-/g, '').slice(0, 12)}` };

    const exported = await state(['export', 'from file.json'], folder, file);
    assert.equal(exported.code, 0, exported.stderr);
    const expected = { links: 3, flows: 2, purchases: 1, managerFlows: 1, quantities: 1, managers: 2, audit: 6, outbox: 2, reach: 1, conversations: 1, changeEvents: 1 };
    for (const [collection, count] of Object.entries(expected)) assert.equal(countIn(exported, collection), count, collection);

    for (const round of [1, 2]) {
      const imported = await state(['import', 'from file.json'], folder, azure);
      assert.equal(imported.code, 0, `import ${round}: ${imported.stderr}`);
      for (const [collection, count] of Object.entries(expected)) assert.equal(countIn(imported, collection), count, `${collection}, import ${round}`);
    }
    const again = await state(['export', 'from azure.json'], folder, azure);
    assert.equal(again.code, 0, again.stderr);
    const original = await readFile(path.join(folder, 'from file.json'), 'utf8');
    assert.equal(await readFile(path.join(folder, 'from azure.json'), 'utf8'), original, 'the Azure export is the file export, byte for byte (importing twice added nothing)');

    const newFile = { STATE_STORE: 'file', STATE_FILE: path.join(folder, 'new state', 'state.json') };
    assert.equal((await state(['import', 'from azure.json'], folder, newFile)).code, 0);
    assert.equal((await state(['export', 'back to file.json'], folder, newFile)).code, 0);
    assert.equal(await readFile(path.join(folder, 'back to file.json'), 'utf8'), original, 'and back to a file: the same');
  });

  it('refuses a file that is not an export, names it, and writes nothing', async () => {
    const azure = { STATE_STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, STATE_TABLE_PREFIX: `t${randomUUID().replace(/-/g, '').slice(0, 12)}` };
    const stateFile = path.join(folder, 'state.json');
    await seedFileState(stateFile);
    const wrong = await state(['import', stateFile], folder, azure);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /state\.json is not a state export \(format "devops-billing-bot\/state", version 1\)\. Give a file written by "npm run state -- export"\./);
    const empty = await state(['export', 'empty.json'], folder, azure);
    assert.equal(countIn(empty, 'links'), 0, 'nothing was imported');
    const usage = await state(['copy', 'x'], folder, azure);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^Usage: npm run state -- export FILE/);
  });
});
