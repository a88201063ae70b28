import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireStateFileLock, lockFileFor, parseHolder, processStartOf } from '../../../src/store/fileLock';
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

  describe('a pid that may have been reused (Linux, where /proc tells when a process started)', () => {
    let bootId: string;
    beforeEach(async function () {
      const text = await fs.readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => undefined);
      if (text === undefined || (await processStartOf(process.pid)) === undefined) this.skip();
      bootId = (text ?? '').trim();
    });

    it('records the boot and when the holding process started', async () => {
      const lock = await acquireStateFileLock(stateFile, { warn });
      const holder = parseHolder(await fs.readFile(lockFile, 'utf8'));
      assert.equal(holder?.bootId, bootId);
      assert.equal(holder?.processStart, await processStartOf(process.pid));
      await lock.release();
    });

    it('takes over, with a warning, a lock naming a live pid that started at another time than the holder', async () => {
      const other = startIdleProcess();
      try {
        const start = await processStartOf(other.pid);
        assert.ok(start !== undefined);
        await fs.writeFile(lockFile, lockContent(other.pid, os.hostname(), undefined, { bootId, processStart: start + 1 }));
        const lock = await acquireStateFileLock(stateFile, { warn });
        assert.equal(parseHolder(await fs.readFile(lockFile, 'utf8'))?.pid, process.pid);
        assert.equal(warnings.length, 1);
        assert.ok(warnings[0]?.includes(`process ${other.pid}`), warnings[0]);
        assert.match(warnings[0] ?? '', /which is no longer running: pid \d+ now belongs to a process that started at another time \(since .*\); taking it over/);
        await lock.release();
      } finally {
        await stopProcess(other);
      }
    });

    it('takes over a lock naming pid 1 with a start time pid 1 does not have (a restarted container)', async () => {
      const start = await processStartOf(1);
      if (start === undefined) return;
      await fs.writeFile(lockFile, lockContent(1, os.hostname(), undefined, { bootId, processStart: start + 12345 }));
      const lock = await acquireStateFileLock(stateFile, { warn });
      assert.equal(parseHolder(await fs.readFile(lockFile, 'utf8'))?.pid, process.pid);
      assert.match(warnings[0] ?? '', /pid 1 now belongs to a process that started at another time/);
      await lock.release();
    });

    it('takes over a lock taken before the machine last started, whatever its pid is now', async () => {
      const other = startIdleProcess();
      try {
        const start = await processStartOf(other.pid);
        await fs.writeFile(lockFile, lockContent(other.pid, os.hostname(), undefined, { bootId: 'an-earlier-boot', ...(start === undefined ? {} : { processStart: start }) }));
        const lock = await acquireStateFileLock(stateFile, { warn });
        assert.match(warnings[0] ?? '', /which is no longer running: it ran before this machine last started \(since .*\); taking it over/);
        await lock.release();
      } finally {
        await stopProcess(other);
      }
    });

    it('refuses while the holder is alive with the start time it recorded, as before', async () => {
      const other = startIdleProcess();
      try {
        const start = await processStartOf(other.pid);
        assert.ok(start !== undefined);
        const content = lockContent(other.pid, os.hostname(), undefined, { bootId, processStart: start });
        await fs.writeFile(lockFile, content);
        await assert.rejects(acquireStateFileLock(stateFile, { warn }), (error: unknown) => {
          assert.ok(error instanceof StateFileError);
          assert.ok(error.message.includes(`process ${other.pid} on host ${os.hostname()}`), error.message);
          assert.match(error.message, /Stop that process, or point STATE_FILE at another file\./);
          return true;
        });
        assert.equal(await fs.readFile(lockFile, 'utf8'), content);
        assert.deepEqual(warnings, []);
      } finally {
        await stopProcess(other);
      }
    });
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
