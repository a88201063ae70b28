import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireStateFileLock, lockFileFor, parseHolder } from '../../../src/store/fileLock';
import { StateFileError } from '../../../src/store/port';
import {
  exists,
  lockContent,
  makeTempFolder,
  pidOfExitedProcess,
  removeTempFolder,
  startIdleProcess,
  stopProcess,
} from './helpers';

describe('fileLock', () => {
  let folder: string;
  let stateFile: string;
  let lockFile: string;
  let warnings: string[];
  const warn = (message: string): void => {
    warnings.push(message);
  };

  beforeEach(async () => {
    folder = await makeTempFolder();
    stateFile = path.join(folder, 'state.json');
    lockFile = lockFileFor(stateFile);
    warnings = [];
  });

  afterEach(async () => {
    await removeTempFolder(folder);
  });

  it('creates the lock file with our pid, host and start time, and deletes it on release', async () => {
    const lock = await acquireStateFileLock(stateFile, { warn });
    assert.equal(lock.lockFile, `${stateFile}.lock`);
    const holder = parseHolder(await fs.readFile(lockFile, 'utf8'));
    assert.ok(holder);
    assert.equal(holder.pid, process.pid);
    assert.equal(holder.hostname, os.hostname());
    assert.ok(!Number.isNaN(Date.parse(holder.startedAt)));

    await lock.release();
    await lock.release(); // idempotent
    assert.equal(await exists(lockFile), false);
    assert.deepEqual(warnings, []);
  });

  it('refuses a second lock on the same file within this process', async () => {
    const lock = await acquireStateFileLock(stateFile, { warn });
    try {
      await assert.rejects(acquireStateFileLock(stateFile, { warn }), (error: unknown) => {
        assert.ok(error instanceof StateFileError);
        assert.match(error.message, /already locked by this process/);
        return true;
      });
    } finally {
      await lock.release();
    }
    const again = await acquireStateFileLock(stateFile, { warn });
    await again.release();
  });

  it('lets only one of two concurrent calls in this process take the lock', async () => {
    const results = await Promise.allSettled([acquireStateFileLock(stateFile, { warn }), acquireStateFileLock(stateFile, { warn })]);
    const taken = results.filter((result) => result.status === 'fulfilled');
    assert.equal(taken.length, 1);
    assert.deepEqual(warnings, []);
    await Promise.all(taken.map((result) => result.value.release()));
  });

  it('refuses while the holder is alive, naming the file, the holder and what to do', async () => {
    const other = startIdleProcess();
    try {
      const content = lockContent(other.pid);
      await fs.writeFile(lockFile, content);
      await assert.rejects(acquireStateFileLock(stateFile, { warn }), (error: unknown) => {
        assert.ok(error instanceof StateFileError);
        assert.ok(error.message.includes(stateFile), error.message);
        assert.ok(error.message.includes(`process ${other.pid} on host ${os.hostname()}`), error.message);
        assert.ok(error.message.includes('since 2024-01-02T03:04:05.000Z'), error.message);
        assert.match(error.message, /Stop that process, or point STATE_FILE at another file\./);
        return true;
      });
      assert.equal(await fs.readFile(lockFile, 'utf8'), content);
    } finally {
      await stopProcess(other);
    }
  });

  it('takes over a lock whose holder has exited, with a warning', async () => {
    const deadPid = pidOfExitedProcess();
    await fs.writeFile(lockFile, lockContent(deadPid));
    const lock = await acquireStateFileLock(stateFile, { warn });
    assert.equal(parseHolder(await fs.readFile(lockFile, 'utf8'))?.pid, process.pid);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]?.includes(String(deadPid)), warnings[0]);
    await lock.release();
  });

  it('takes over a lock left by an earlier process that had our pid (a restarted container)', async () => {
    await fs.writeFile(lockFile, lockContent(process.pid));
    const lock = await acquireStateFileLock(stateFile, { warn });
    assert.equal(warnings.length, 1);
    await lock.release();
  });

  for (const [what, content] of [
    ['empty', ''],
    ['not JSON', 'garbage{'],
    ['missing the pid', JSON.stringify({ hostname: os.hostname(), startedAt: 'x' })],
    ['holding pid 0', JSON.stringify({ pid: 0, hostname: os.hostname(), startedAt: 'x' })],
  ] as const) {
    it(`takes over a lock file that is ${what}, with a warning`, async () => {
      await fs.writeFile(lockFile, content);
      const lock = await acquireStateFileLock(stateFile, { warn });
      assert.equal(parseHolder(await fs.readFile(lockFile, 'utf8'))?.pid, process.pid);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /unreadable/);
      await lock.release();
    });
  }

  it('refuses a lock held on another host, since it cannot tell whether that holder runs', async () => {
    await fs.writeFile(lockFile, lockContent(12345, 'some-other-host'));
    await assert.rejects(acquireStateFileLock(stateFile, { warn }), (error: unknown) => {
      assert.ok(error instanceof StateFileError);
      assert.ok(error.message.includes('on host some-other-host'), error.message);
      assert.ok(error.message.includes(`delete ${lockFile}`), error.message);
      return true;
    });
  });

  it('leaves the lock file alone on release if it is no longer ours', async () => {
    const lock = await acquireStateFileLock(stateFile, { warn });
    const someoneElses = lockContent(pidOfExitedProcess());
    await fs.writeFile(lockFile, someoneElses);
    await lock.release();
    assert.equal(await fs.readFile(lockFile, 'utf8'), someoneElses);
    assert.equal(warnings.length, 1);
  });

  it('explains a folder it cannot create the lock in', async () => {
    const missing = path.join(folder, 'no-such-folder', 'state.json');
    await assert.rejects(acquireStateFileLock(missing, { warn }), (error: unknown) => {
      assert.ok(error instanceof StateFileError);
      assert.ok(error.message.includes(missing), error.message);
      return true;
    });
  });
});
