import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { lockFileFor, parseHolder } from '../../../src/store/fileLock';
import { openLowdbStore } from '../../../src/store/lowdbStore';
import { StateFileError, type StateStore } from '../../../src/store/port';
import { StateWriteError } from '../../../src/domain/ports/store';
import { STATE_SCHEMA_VERSION, emptyState, type BotState } from '../../../src/store/state';
import type { BillingLink, Flow } from '../../../src/domain/model';
import type { ReadTransaction } from '../../../src/domain/ports/store';
import { readSavedState } from '../../support/savedState';
import { exists, lockContent, makeTempFolder, pidOfExitedProcess, removeTempFolder } from './helpers';

const run = promisify(execFile);

/** The compiled store module, as another bot process would load it (tests run from dist/test/unit/store). */
const STORE_MODULE = path.join(__dirname, '../../../src/store/lowdbStore.js');

function link(organizationId: string): BillingLink {
  return { organizationId, subscriptionId: `sub-${organizationId}`, linkedBy: 'user-1', linkedAt: '2024-01-01T00:00:00.000Z' };
}

/** Every file of a folder with its content, to show that nothing was written. */
async function folderContent(folder: string): Promise<Record<string, string>> {
  const names = (await fs.readdir(folder, { withFileTypes: true })).filter((entry) => !entry.isDirectory()).map((entry) => entry.name).sort();
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await fs.readFile(path.join(folder, name), 'utf8')] as const)));
}

/** A journal line as the bot writes it: the CRC-32 of the JSON in 8 hex digits, a space, the JSON. */
function checksummed(json: string): string {
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}`;
}

/** The folders a start moved files into, and what each holds. */
async function asideFolders(folder: string): Promise<Record<string, Record<string, string>>> {
  const names = (await fs.readdir(folder)).filter((name) => name.startsWith('aside-')).sort();
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await folderContent(path.join(folder, name))] as const)));
}

function isStateFileErrorNaming(file: string, pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof StateFileError, `expected a StateFileError, got ${String(error)}`);
    assert.ok(error.message.includes(file), `the message should name ${file}: ${error.message}`);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('lowdbStore', () => {
  let folder: string;
  let stateFile: string;
  let warnings: string[];
  const opened: StateStore[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
  };

  async function open(file = stateFile): Promise<StateStore> {
    const store = await openLowdbStore(file, { warn });
    opened.push(store);
    return store;
  }

  beforeEach(async () => {
    folder = await makeTempFolder();
    stateFile = path.join(folder, 'data', 'nested', 'state.json');
    warnings = [];
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await removeTempFolder(folder);
  });

  describe('opening', () => {
    it('starts fresh by creating the parent folder and an empty state', async () => {
      const store = await open();
      assert.deepEqual(store.snapshot(), emptyState());
      assert.deepEqual(await readSavedState(stateFile), emptyState());
      assert.equal(await exists(lockFileFor(stateFile)), true);
    });

    it('keeps the state across close and reopen, and releases the lock on close', async () => {
      const first = await open();
      await first.updateState((draft) => {
        draft.links['org-1'] = link('org-1');
      });
      await first.close();
      await first.close(); // idempotent
      assert.equal(await exists(lockFileFor(stateFile)), false);

      const second = await open();
      assert.deepEqual(second.snapshot().links['org-1'], link('org-1'));
    });

    it('refuses a second open of the same file in this process until the first is closed', async () => {
      const first = await open();
      const samePathSpelledDifferently = path.join(path.dirname(stateFile), '..', 'nested', 'state.json');
      await assert.rejects(open(samePathSpelledDifferently), isStateFileErrorNaming(stateFile, /already open in this process/));
      await first.close();
      await open();
    });

    it('refuses an open from another process, naming the file and the holder pid', async () => {
      await open();
      const script = `
        const { openLowdbStore } = require(process.env.STORE_MODULE);
        openLowdbStore(process.env.STATE_FILE).then(
          (store) => store.close().then(() => console.log('OPENED')),
          (error) => console.log(error.name + ': ' + error.message),
        );`;
      const { stdout } = await run(process.execPath, ['-e', script], {
        env: { ...process.env, STORE_MODULE, STATE_FILE: stateFile },
      });
      assert.match(stdout, /^StateFileError: /);
      assert.ok(stdout.includes(stateFile), stdout);
      assert.ok(stdout.includes(`process ${process.pid} on host`), stdout);
      assert.ok(stdout.includes('STATE_FILE'), stdout);
    });

    it('takes over a lock left by a process that has exited', async () => {
      await fs.mkdir(path.dirname(stateFile), { recursive: true });
      const deadPid = pidOfExitedProcess();
      await fs.writeFile(lockFileFor(stateFile), lockContent(deadPid));
      const store = await open();
      assert.deepEqual(store.snapshot(), emptyState());
      assert.equal(parseHolder(await fs.readFile(lockFileFor(stateFile), 'utf8'))?.pid, process.pid);
      assert.equal(warnings.length, 1);
      assert.ok(warnings[0]?.includes(String(deadPid)), warnings[0]);
    });

    const unusable: ReadonlyArray<readonly [string, string, RegExp]> = [
      ['is not JSON', '{"schemaVersion": 1, "links": {', /is not valid JSON/],
      ['is empty', '', /is empty/],
      ['has only whitespace', '  \n', /is empty/],
      ['holds an array', '[]', /does not hold a JSON object/],
      ['has another schemaVersion', JSON.stringify({ ...emptyState(), schemaVersion: STATE_SCHEMA_VERSION + 1 }), /newer version/],
      ['has an older schemaVersion', JSON.stringify({ ...emptyState(), schemaVersion: 0 }), /has schemaVersion 0, but this version/],
      ['has schemaVersion as a string', JSON.stringify({ ...emptyState(), schemaVersion: String(STATE_SCHEMA_VERSION) }), /has schemaVersion "/],
      ['has no schemaVersion', JSON.stringify({ links: {}, flows: {}, conversations: {}, audit: [] }), /has no schemaVersion/],
      ['has links that are not an object', JSON.stringify({ ...emptyState(), links: [] }), /links that is not an object/],
      ['has no audit array', JSON.stringify({ ...emptyState(), audit: undefined }), /audit that is not an array/],
      ['has an outbox that is not an object', JSON.stringify({ ...emptyState(), outbox: [] }), /outbox that is not an object/],
      ['has quantities that are not an object', JSON.stringify({ ...emptyState(), quantities: [] }), /quantities that is not an object/],
      ['has purchases that are not an object', JSON.stringify({ ...emptyState(), purchases: 'none' }), /purchases that is not an object/],
      ['has quantities without paid', JSON.stringify({ ...emptyState(), quantities: { 'org-1': { basicUsers: 3 } } }), /quantities for "org-1" without a "paid" object/],
      ['has a negative paid quantity', JSON.stringify({ ...emptyState(), quantities: { 'org-1': { paid: { basicUsers: -3 } } } }), /paid quantity -3 for basicUsers of "org-1", which is not a whole number/],
      ['has a fractional paid quantity', JSON.stringify({ ...emptyState(), quantities: { 'org-1': { paid: { artifactsGiB: 2.5 } } } }), /paid quantity 2\.5 for artifactsGiB/],
      ['has a paid quantity as text', JSON.stringify({ ...emptyState(), quantities: { 'org-1': { paid: { selfHostedJobs: '2' } } } }), /paid quantity "2" for selfHostedJobs/],
    ];
    for (const [what, content, problem] of unusable) {
      it(`refuses to start when the file ${what}, and leaves it untouched`, async () => {
        await fs.mkdir(path.dirname(stateFile), { recursive: true });
        await fs.writeFile(stateFile, content);
        const before = await fs.readFile(stateFile);

        await assert.rejects(open(), isStateFileErrorNaming(stateFile, problem));
        await assert.rejects(open(), isStateFileErrorNaming(stateFile, /restore it from a backup, or move it aside/));

        assert.deepEqual(await fs.readFile(stateFile), before);
        assert.equal(await exists(lockFileFor(stateFile)), false, 'the lock must be released');
        assert.deepEqual(await fs.readdir(path.dirname(stateFile)), ['state.json'], 'nothing else may be written');
      });
    }

    it('opens a state file written before managers and notifications existed, with those parts empty', async () => {
      await fs.mkdir(path.dirname(stateFile), { recursive: true });
      const firstRelease = { schemaVersion: STATE_SCHEMA_VERSION, links: { org: link('org') }, flows: {}, conversations: {}, audit: [] };
      await fs.writeFile(stateFile, JSON.stringify(firstRelease));
      const store = await open();
      assert.deepEqual(store.snapshot().links, firstRelease.links);
      assert.deepEqual(store.snapshot().outbox, {});
      assert.deepEqual(store.snapshot().directoryOverlay, { granted: [], revoked: [] });
      await store.updateState((state) => {
        state.reach.someone = { status: 'delivered', at: '2026-11-26T09:00:00.000Z' };
      });
      const onDisk = (await readSavedState(stateFile)) as unknown as BotState;
      assert.equal(onDisk.reach.someone?.status, 'delivered');
      assert.deepEqual(onDisk.links, firstRelease.links);
    });

    it('opens a file written before paid quantities existed as having none, and keeps its links', async () => {
      await fs.mkdir(path.dirname(stateFile), { recursive: true });
      const older = { schemaVersion: STATE_SCHEMA_VERSION, links: { 'org-1': link('org-1') }, flows: {}, conversations: {}, audit: [] };
      await fs.writeFile(stateFile, JSON.stringify(older));
      const store = await open();
      assert.deepEqual(store.snapshot().quantities, {});
      assert.deepEqual(store.snapshot().purchases, {});
      assert.deepEqual(store.snapshot().links['org-1'], link('org-1'));
      await store.updateState((draft) => {
        draft.quantities['org-1'] = { paid: { basicUsers: 4, basicTestPlansUsers: 0, microsoftHostedJobs: 0, selfHostedJobs: 0, artifactsGiB: 0 }, changedBy: 'u', changedAt: 't' };
      });
      const onDisk = (await readSavedState(stateFile)) as unknown as { quantities: Record<string, { paid: { basicUsers: number } }> };
      assert.equal(onDisk.quantities['org-1']?.paid.basicUsers, 4);
    });

    it('keeps paid quantities across close and reopen', async () => {
      const first = await open();
      await first.updateState((draft) => {
        draft.quantities['org-1'] = { paid: { basicUsers: 0, basicTestPlansUsers: 2, microsoftHostedJobs: 1, selfHostedJobs: 0, artifactsGiB: 9 }, changedBy: 'u', changedAt: 't' };
      });
      await first.close();
      opened.splice(opened.indexOf(first), 1);
      const second = await open();
      assert.deepEqual(second.snapshot().quantities['org-1']?.paid, { basicUsers: 0, basicTestPlansUsers: 2, microsoftHostedJobs: 1, selfHostedJobs: 0, artifactsGiB: 9 });
    });

    it('refuses a state file path that is a folder', async () => {
      await fs.mkdir(stateFile, { recursive: true });
      await assert.rejects(open(), isStateFileErrorNaming(stateFile, /Could not read the state file/));
    });
  });

  describe('updating', () => {
    it('applies 100 concurrent updates one at a time, in call order, and persists them all', async () => {
      const store = await open();
      const seen = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          store.updateState((draft) => {
            const before = Object.keys(draft.links).length;
            draft.links[`org-${i}`] = link(`org-${i}`);
            return before;
          }),
        ),
      );
      assert.deepEqual(seen, Array.from({ length: 100 }, (_, i) => i));
      assert.equal(Object.keys(store.snapshot().links).length, 100);

      await store.close();
      const onDisk = (await readSavedState(stateFile)) as unknown as BotState;
      assert.equal(Object.keys(onDisk.links).length, 100);
      const reopened = await open();
      assert.deepEqual(reopened.snapshot(), onDisk);
    });

    it("finds a person's open flows as each transaction sees them: its own changes, those saved with it in one write, and after a restart", async () => {
      const store = await open();
      const flow = (id: string, ownerId: string, status: Flow['status'] = 'open'): Flow => ({
        id, kind: 'setup', ownerId, tenantId: 'tenant-1', conversationId: `chat-${ownerId}`, createdAt: '2024-01-01T00:00:00.000Z', expiresAt: '2024-01-01T00:15:00.000Z', status,
      });
      const openOf = async (tx: ReadTransaction, ownerId: string): Promise<string[]> => (await tx.flows.listOpenOf(ownerId)).map((f) => f.id).sort();
      await store.transaction(async (tx) => {
        for (const f of [flow('a-open', 'alice'), flow('a-done', 'alice', 'completed'), flow('b-open', 'bob')]) await tx.flows.put(f);
      });
      assert.deepEqual(await store.read((tx) => openOf(tx, 'alice')), ['a-open']);
      // Three transactions queued at once are saved in one write, each on what the ones before it left.
      const seen = await Promise.all([
        store.transaction(async (tx) => {
          await tx.flows.put(flow('a-new', 'alice'));
          await tx.flows.put({ ...flow('b-open', 'alice') });
          return openOf(tx, 'alice');
        }),
        store.transaction(async (tx) => {
          const before = await openOf(tx, 'alice');
          await tx.flows.delete('a-open');
          await tx.flows.put(flow('a-done', 'alice'));
          return [...before, '|', ...(await openOf(tx, 'alice'))];
        }),
        store.transaction(async (tx) => {
          await tx.flows.put(flow('a-new', 'alice', 'replaced'));
          return [...(await openOf(tx, 'alice')), '|', ...(await openOf(tx, 'bob'))];
        }),
      ]);
      assert.deepEqual(seen, [
        ['a-new', 'a-open', 'b-open'],
        ['a-new', 'a-open', 'b-open', '|', 'a-done', 'a-new', 'b-open'],
        ['a-done', 'b-open', '|'],
      ]);
      assert.deepEqual(await store.read((tx) => openOf(tx, 'alice')), ['a-done', 'b-open']);
      assert.deepEqual(await store.read((tx) => openOf(tx, 'bob')), []);
      await store.close();
      const reopened = await open();
      assert.deepEqual(await reopened.read((tx) => openOf(tx, 'alice')), ['a-done', 'b-open']);
    });

    it('returns what the mutation returns', async () => {
      const store = await open();
      assert.equal(await store.updateState(() => 42), 42);
    });

    it('leaves the state and the file unchanged when the mutation throws, and keeps going', async () => {
      const store = await open();
      await store.updateState((draft) => {
        draft.links['org-1'] = link('org-1');
      });
      const before = structuredClone(store.snapshot());
      const filesBefore = await folderContent(path.dirname(stateFile));

      await assert.rejects(
        store.updateState((draft) => {
          draft.links['org-2'] = link('org-2');
          delete draft.links['org-1'];
          throw new Error('validation failed');
        }),
        /validation failed/,
      );
      assert.deepEqual(store.snapshot(), before);
      assert.deepEqual(await folderContent(path.dirname(stateFile)), filesBefore);

      await store.updateState((draft) => {
        draft.links['org-3'] = link('org-3');
      });
      assert.deepEqual(Object.keys(store.snapshot().links), ['org-1', 'org-3']);
    });

    it('does not expose the draft to readers before it is saved', async () => {
      const store = await open();
      const saving = store.updateState((draft) => {
        draft.links['org-1'] = link('org-1');
      });
      assert.deepEqual(store.snapshot().links, {});
      await saving;
      assert.deepEqual(Object.keys(store.snapshot().links), ['org-1']);
    });

    // A transaction may await its repositories: what it changes after an await is saved with the rest,
    // and one that fails after an await leaves nothing.
    it('keeps what an asynchronous update changes after awaiting, and nothing of one that then fails', async () => {
      const store = await open();
      await store.updateState(async (draft) => {
        await new Promise((resolve) => setImmediate(resolve));
        draft.links['org-1'] = link('org-1');
      });
      assert.deepEqual(Object.keys(store.snapshot().links), ['org-1']);
      await assert.rejects(
        store.updateState(async (draft) => {
          draft.links['org-2'] = link('org-2');
          await new Promise((resolve) => setImmediate(resolve));
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.deepEqual(Object.keys(store.snapshot().links), ['org-1']);
    });

    it('raises StateWriteError when the disk refuses the write, keeps the old state, and recovers', async () => {
      const store = await open();
      await store.updateState((draft) => {
        draft.links['org-1'] = link('org-1');
      });
      const before = structuredClone(store.snapshot());

      // Root ignores folder permissions, so break the path instead: a file where the folder was
      // makes the temp-file write fail with ENOTDIR.
      const stateFolder = path.dirname(stateFile);
      const movedAway = `${stateFolder}-moved`;
      await fs.rename(stateFolder, movedAway);
      await fs.writeFile(stateFolder, 'not a folder');

      await assert.rejects(
        store.updateState((draft) => {
          draft.links['org-2'] = link('org-2');
        }),
        (error: unknown) => {
          assert.ok(error instanceof StateWriteError, String(error));
          assert.equal(error.file, stateFile);
          assert.ok(error.message.includes(stateFile), error.message);
          return true;
        },
      );
      assert.deepEqual(store.snapshot(), before);

      await fs.rm(stateFolder);
      await fs.rename(movedAway, stateFolder);
      await store.updateState((draft) => {
        draft.links['org-3'] = link('org-3');
      });
      assert.deepEqual(Object.keys(store.snapshot().links), ['org-1', 'org-3']);
      const onDisk = (await readSavedState(stateFile)) as unknown as BotState;
      assert.deepEqual(Object.keys(onDisk.links), ['org-1', 'org-3']);
    });
  });

  describe('closing', () => {
    it('waits for queued updates before releasing the lock, and refuses updates afterwards', async () => {
      const store = await open();
      const updates = Array.from({ length: 5 }, (_, i) =>
        store.updateState((draft) => {
          draft.links[`org-${i}`] = link(`org-${i}`);
        }),
      );
      await store.close();
      await Promise.all(updates);
      assert.equal(await exists(lockFileFor(stateFile)), false);
      const onDisk = (await readSavedState(stateFile)) as unknown as BotState;
      assert.equal(Object.keys(onDisk.links).length, 5);

      await assert.rejects(
        store.updateState(() => undefined),
        /is closed/,
      );
    });
  });

  describe('journals', () => {
    const journal = (collection: string, generation = 1): string => path.join(path.dirname(stateFile), `state.${collection}.${generation}.jsonl`);

    function reference(i: number) {
      return { conversationId: `conversation-${i}`, serviceUrl: 'https://smba.example/', channelId: 'msteams', botId: 'bot', updatedAt: '2024-01-01T00:00:00.000Z' };
    }

    it('keeps what grows out of the state file, one line per change in its journal', async () => {
      const store = await open();
      const emptySize = (await fs.stat(stateFile)).size;
      for (let i = 0; i < 200; i++) {
        await store.updateState((draft) => {
          draft.links[`org-${i}`] = link(`org-${i}`);
          draft.conversations[`conversation-${i}`] = reference(i);
          draft.audit.push({ id: `audit-${i}`, at: '2024-01-01T00:00:00.000Z', actorId: 'user-1', action: 'billing.setup', organizationId: `org-${i}` });
        });
      }
      // Only the journals' saved lengths grew a digit or two.
      assert.ok((await fs.stat(stateFile)).size < emptySize + 20, 'the state file must not grow with the collections');
      for (const collection of ['links', 'conversations', 'audit']) {
        const lines = (await fs.readFile(journal(collection), 'utf8')).split('\n').filter((line) => line !== '');
        assert.equal(lines.length, 200, collection);
      }
      assert.deepEqual(await readSavedState(stateFile), store.snapshot());
    });

    it('writes nothing for an update that changes nothing', async () => {
      const store = await open();
      await store.updateState((draft) => {
        draft.links['org-1'] = link('org-1');
      });
      const before = await folderContent(path.dirname(stateFile));
      const stampBefore = (await fs.stat(stateFile)).mtimeMs;
      await store.updateState((draft) => {
        const existing = draft.links['org-1'];
        if (existing) draft.links['org-1'] = { ...existing };
        return Object.keys(draft.links).length;
      });
      assert.deepEqual(await folderContent(path.dirname(stateFile)), before);
      assert.equal((await fs.stat(stateFile)).mtimeMs, stampBefore);
    });

    it('opens a state file written before journals, and moves its collections into journals without losing anything', async () => {
      const old: BotState = emptyState();
      old.links['org-1'] = link('org-1');
      old.conversations['conversation-1'] = reference(1);
      old.audit.push({ id: 'audit-1', at: '2024-01-01T00:00:00.000Z', actorId: 'user-1', action: 'billing.setup', organizationId: 'org-1' });
      await fs.mkdir(path.dirname(stateFile), { recursive: true });
      await fs.writeFile(stateFile, JSON.stringify(old, null, 2));

      const store = await open();
      assert.deepEqual(store.snapshot(), old);
      const stateFileNow = JSON.parse(await fs.readFile(stateFile, 'utf8')) as Record<string, unknown>;
      assert.deepEqual(Object.keys(stateFileNow).sort(), ['directoryOverlay', 'journals', 'schemaVersion'], 'what grows is in journals; small values stay');
      assert.deepEqual(await readSavedState(stateFile), old);
      await store.close();
      assert.deepEqual((await open()).snapshot(), old);
    });

    it('drops the end of a write that never completed, and keeps the saved state', async () => {
      const first = await open();
      await first.updateState((draft) => {
        draft.links['org-1'] = link('org-1');
      });
      await first.close();
      await fs.appendFile(journal('links'), '{"set":"org-9","value":{"organiz');

      const store = await open();
      assert.deepEqual(Object.keys(store.snapshot().links), ['org-1']);
      assert.ok(warnings.some((w) => w.includes(journal('links')) && /never completed/.test(w)), warnings.join('\n'));
      await store.updateState((draft) => {
        draft.links['org-2'] = link('org-2');
      });
      assert.ok((await fs.readFile(journal('links'), 'utf8')).endsWith('}}\n'));
      assert.deepEqual(Object.keys(((await readSavedState(stateFile)) as unknown as BotState).links), ['org-1', 'org-2']);
    });

    it('keeps the saved state when a save stopped after writing its journal lines and its new state file, before putting that file in place', async () => {
      const first = await open();
      await first.updateState((draft) => {
        draft.links['org-1'] = link('org-1');
      });
      await first.close();
      // What a crash at that point leaves: the line past the saved length, and the temp file that records it.
      const saved = JSON.parse(await fs.readFile(stateFile, 'utf8')) as { journals: Record<string, { bytes: number }> };
      await fs.appendFile(journal('links'), `${checksummed(JSON.stringify({ set: 'org-2', value: link('org-2') }))}\n`);
      const links = { ...saved.journals.links, bytes: (await fs.stat(journal('links'))).size };
      const temp = path.join(path.dirname(stateFile), '.state.json.tmp');
      await fs.writeFile(temp, JSON.stringify({ ...saved, journals: { ...saved.journals, links } }, null, 2));

      const store = await open();
      assert.deepEqual(Object.keys(store.snapshot().links), ['org-1']);
      assert.ok(warnings.some((w) => w.includes(journal('links')) && /never completed/.test(w)), warnings.join('\n'));
      await store.updateState((draft) => {
        draft.links['org-3'] = link('org-3');
      });
      await store.close();
      assert.equal(await exists(temp), false, 'closing leaves no temp file beside the state file');

      const reopened = await open();
      assert.deepEqual(Object.keys(reopened.snapshot().links), ['org-1', 'org-3']);
    });

    interface Damage {
      readonly what: string;
      readonly damage: (journalFile: string) => Promise<void>;
      readonly problem: RegExp;
      /** Record the damaged file's length in the state file, so that only its content is wrong. */
      readonly recordLength: boolean;
    }
    const damages: readonly Damage[] = [
      { what: 'a line of a journal is not JSON', damage: (file) => fs.writeFile(file, `${checksummed('not json')}\n`), problem: /Line 1 of the journal .* is not valid JSON/, recordLength: true },
      { what: 'a journal line is not a change', damage: (file) => fs.writeFile(file, `${checksummed(JSON.stringify({ put: 'org-1' }))}\n`), problem: /Line 1 of the journal .* is neither/, recordLength: true },
      { what: 'a journal was cut short', damage: (file) => fs.truncate(file, 10), problem: /was cut short/, recordLength: false },
      { what: 'a journal is missing', damage: (file) => fs.rm(file), problem: /cannot be opened \(it does not exist\)/, recordLength: false },
      {
        what: 'a journal line was overwritten in place, keeping its length',
        damage: async (file) => fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('"org-1"', '"org-9"')),
        problem: /Line 1 of the journal .* does not match its checksum: it was changed or damaged after the bot wrote it\. The bot did not start and left the file untouched: restore the folder from a backup\./,
        recordLength: false,
      },
      {
        what: 'a journal line lost its checksum',
        damage: (file) => fs.writeFile(file, `${JSON.stringify({ set: 'org-1', value: link('org-1') })}\n`),
        problem: /Line 1 of the journal .* does not start with a checksum, as every line of this journal must/,
        recordLength: true,
      },
      {
        what: 'a journal is a symbolic link to a file elsewhere',
        damage: async (file) => {
          const elsewhere = path.join(folder, 'elsewhere.jsonl');
          await fs.rename(file, elsewhere);
          await fs.symlink(elsewhere, file);
        },
        problem: /is a symbolic link to .*elsewhere\.jsonl, not a file\. The bot reads and writes its journals only as regular files inside the state's folder/,
        recordLength: false,
      },
    ];
    for (const { what, damage, problem, recordLength } of damages) {
      it(`refuses to start when ${what}, and leaves every file untouched`, async () => {
        const first = await open();
        await first.updateState((draft) => {
          draft.links['org-1'] = link('org-1');
        });
        await first.close();
        const file = journal('links');
        await damage(file);
        if (recordLength) {
          const recorded = JSON.parse(await fs.readFile(stateFile, 'utf8')) as { journals: Record<string, { bytes: number }> };
          const links = recorded.journals.links;
          assert.ok(links);
          links.bytes = (await fs.stat(file)).size;
          await fs.writeFile(stateFile, JSON.stringify(recorded, null, 2));
        }
        const before = await folderContent(path.dirname(stateFile));

        await assert.rejects(open(), (error: unknown) => {
          assert.ok(error instanceof StateFileError, String(error));
          assert.ok(error.message.includes(file), error.message);
          assert.match(error.message, problem);
          return true;
        });
        assert.deepEqual(await folderContent(path.dirname(stateFile)), before);
        assert.equal(await exists(lockFileFor(stateFile)), false, 'the lock must be released');
      });
    }

    it('refuses a state file whose journal list names a file outside its folder', async () => {
      await fs.mkdir(path.dirname(stateFile), { recursive: true });
      const file = { ...emptyState(), links: undefined, journals: { links: { kind: 'keyed', file: '../elsewhere.jsonl', bytes: 0 } } };
      await fs.writeFile(stateFile, JSON.stringify(file));
      await assert.rejects(open(), isStateFileErrorNaming(stateFile, /lists the journal of "links"/));
    });

    it('moves a journal left behind by a compaction that never finished into a dated folder, and deletes nothing', async () => {
      await (await open()).close();
      const stray = journal('links', 7);
      const unknown = journal('mystery', 3);
      await fs.writeFile(stray, `${checksummed('{"set":"org-1","value":{}}')}\n`);
      await fs.writeFile(unknown, 'whatever it holds\n');
      const store = await open();
      assert.deepEqual(store.snapshot().links, {});
      assert.equal(await exists(stray), false);
      const aside = await asideFolders(path.dirname(stateFile));
      const [name, content] = Object.entries(aside)[0] ?? assert.fail('no aside folder');
      assert.match(name, /^aside-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-/);
      assert.deepEqual(content, { 'state.links.7.jsonl': `${checksummed('{"set":"org-1","value":{}}')}\n`, 'state.mystery.3.jsonl': 'whatever it holds\n' });
      for (const file of [stray, unknown]) {
        assert.ok(warnings.some((w) => w.includes(file) && w.includes(path.join(path.dirname(stateFile), name, path.basename(file))) && /Nothing in it was deleted/.test(w)), warnings.join('\n'));
      }
    });

    it('refuses to start when the state file is missing but its journals hold a state, naming them, and changes nothing', async () => {
      const first = await open();
      await first.updateState((draft) => {
        draft.links['org-1'] = link('org-1');
      });
      await first.close();
      await fs.rm(stateFile);
      const before = await folderContent(path.dirname(stateFile));

      await assert.rejects(open(), (error: unknown) => {
        assert.ok(error instanceof StateFileError, String(error));
        assert.ok(error.message.includes(`The state file ${stateFile} does not exist, but its folder holds files of a state`), error.message);
        assert.ok(error.message.includes(journal('links')) && error.message.includes(journal('audit')), error.message);
        assert.match(error.message, /Restore .*state\.json from a backup; or, to start with an empty state on purpose, move those files out of/);
        return true;
      });
      assert.deepEqual(await folderContent(path.dirname(stateFile)), before, 'every journal is still there, unchanged');
      assert.equal(await exists(lockFileFor(stateFile)), false, 'the lock must be released');
    });

    it('starts fresh when the state file is missing and its journals hold nothing, moving them aside', async () => {
      await (await open()).close();
      await fs.rm(stateFile);
      const store = await open();
      assert.deepEqual(store.snapshot(), emptyState());
      const aside = Object.values(await asideFolders(path.dirname(stateFile)))[0] ?? assert.fail('no aside folder');
      assert.ok(Object.keys(aside).includes('state.links.1.jsonl'), Object.keys(aside).join(', '));
      assert.ok(warnings.some((w) => /holds nothing and belongs to no state file/.test(w)), warnings.join('\n'));
    });

    it('reads journals written before line checksums, rewrites them with checksums, and keeps the old files aside', async () => {
      const folderOfState = path.dirname(stateFile);
      await fs.mkdir(folderOfState, { recursive: true });
      const links = `${JSON.stringify({ set: 'org-1', value: link('org-1') })}\n${JSON.stringify({ set: 'org-2', value: link('org-2') })}\n${JSON.stringify({ delete: 'org-2' })}\n`;
      const audit = `${JSON.stringify({ id: 'audit-1', at: '2024-01-01T00:00:00.000Z', actorId: 'user-1', action: 'billing.setup', organizationId: 'org-1' })}\n`;
      await fs.writeFile(journal('links'), links);
      await fs.writeFile(journal('audit'), audit);
      await fs.writeFile(stateFile, JSON.stringify({
        schemaVersion: STATE_SCHEMA_VERSION,
        flows: {},
        conversations: {},
        journals: { links: { kind: 'keyed', file: 'state.links.1.jsonl', bytes: links.length }, audit: { kind: 'append-only', file: 'state.audit.1.jsonl', bytes: audit.length } },
      }));

      const store = await open();
      assert.deepEqual(Object.keys(store.snapshot().links), ['org-1']);
      assert.equal(store.snapshot().audit.length, 1);
      const listed = (JSON.parse(await fs.readFile(stateFile, 'utf8')) as { journals: Record<string, { file: string; checksum?: string }> }).journals;
      assert.deepEqual({ file: listed.links?.file, checksum: listed.links?.checksum }, { file: 'state.links.2.jsonl', checksum: 'crc32' });
      assert.deepEqual({ file: listed.audit?.file, checksum: listed.audit?.checksum }, { file: 'state.audit.2.jsonl', checksum: 'crc32' });
      assert.equal(await fs.readFile(journal('links', 2), 'utf8'), `${checksummed(JSON.stringify({ set: 'org-1', value: link('org-1') }))}\n`);
      const aside = Object.values(await asideFolders(folderOfState))[0] ?? assert.fail('no aside folder');
      assert.deepEqual(aside, { 'state.audit.1.jsonl': audit, 'state.links.1.jsonl': links }, 'the old journals are kept, unchanged');
      await store.updateState((draft) => {
        draft.links['org-3'] = link('org-3');
      });
      await store.close();
      assert.deepEqual(Object.keys((await open()).snapshot().links).sort(), ['org-1', 'org-3']);
    });

    it('compacts a journal that is mostly out of date, without losing the updates made meanwhile', async function () {
      this.timeout(60_000);
      const store = await open();
      // Ten entries rewritten over and over, one save each: the journal soon holds far more lines
      // than live entries, and the updates after that go on while it is being compacted.
      const writes: Promise<void>[] = [];
      for (let round = 0; round < 130; round++) {
        for (let i = 0; i < 10; i++) {
          const update = store.updateState((draft) => {
            draft.conversations[`conversation-${i}`] = { ...reference(i), updatedAt: new Date(Date.UTC(2024, 0, 1, 0, round)).toISOString() };
          });
          if (round < 110) await update;
          else writes.push(update);
        }
      }
      await Promise.all(writes);
      const expected = structuredClone(store.snapshot());
      await store.close();

      const listed = (JSON.parse(await fs.readFile(stateFile, 'utf8')) as { journals: Record<string, { file: string }> }).journals.conversations;
      assert.ok(listed && listed.file !== 'state.conversations.1.jsonl', `the journal was not compacted: ${JSON.stringify(listed)}`);
      assert.equal(await exists(journal('conversations', 1)), false, 'the old journal is deleted');
      const lines = (await fs.readFile(path.join(path.dirname(stateFile), listed.file), 'utf8')).split('\n').length;
      assert.ok(lines < 1300, `the compacted journal still has ${lines} lines`);
      assert.deepEqual(await readSavedState(stateFile), expected);
      assert.deepEqual((await open()).snapshot(), expected);
      assert.equal(expected.conversations['conversation-3']?.updatedAt, new Date(Date.UTC(2024, 0, 1, 0, 129)).toISOString());
    });
  });
});
