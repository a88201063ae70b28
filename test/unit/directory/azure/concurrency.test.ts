import assert from 'node:assert/strict';
import { ConcurrencyLimit } from '../../../../src/directory/azure/concurrencyLimit';
import { RecentReads } from '../../../../src/directory/azure/recentReads';

describe('ConcurrencyLimit', () => {
  it('never runs more than its limit at once, and runs everything in the order asked', async () => {
    const limit = new ConcurrencyLimit(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => limit.run(async () => {
      started.push(i);
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 1 + (i % 4)));
      running -= 1;
      return i * 2;
    })));
    assert.equal(most, 3);
    assert.deepEqual(started, Array.from({ length: 20 }, (_, i) => i));
    assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => i * 2));
  });

  it('frees the slot of work that fails', async () => {
    const limit = new ConcurrencyLimit(1);
    await assert.rejects(limit.run(() => Promise.reject(new Error('refused'))), /refused/);
    assert.equal(await limit.run(async () => 'next'), 'next');
  });

  it('refuses a limit below one', () => {
    assert.throws(() => new ConcurrencyLimit(0), /at least 1/);
  });
});

describe('RecentReads', () => {
  let now = 0;
  const clock = (): number => now;

  beforeEach(() => {
    now = 1_000;
  });

  it('answers the same user\'s question from the first read within the lifetime, then reads again', async () => {
    const reads = new RecentReads(60_000, clock);
    let calls = 0;
    const read = async (): Promise<number> => (calls += 1);
    assert.equal(await reads.remember('alex', 'organizations', read), 1);
    now += 59_000;
    assert.equal(await reads.remember('alex', 'organizations', read), 1);
    assert.equal(await reads.remember('megan', 'organizations', read), 2, 'another user reads their own');
    now += 2_000;
    assert.equal(await reads.remember('alex', 'organizations', read), 3);
  });

  it('keeps neither a failed read nor one the caller calls partial', async () => {
    const reads = new RecentReads(60_000, clock);
    await assert.rejects(reads.remember('alex', 'profile', () => Promise.reject(new Error('503'))));
    assert.equal(await reads.remember('alex', 'profile', async () => 'read again'), 'read again');
    await reads.remember('alex', 'organizations', async () => ['partial'], () => false);
    assert.deepEqual(await reads.remember('alex', 'organizations', async () => ['whole']), ['whole']);
  });

  it('holds a bounded number of users', async () => {
    const reads = new RecentReads(60_000, clock, 2);
    let calls = 0;
    const read = async (): Promise<number> => (calls += 1);
    await reads.remember('a', 'q', read);
    await reads.remember('b', 'q', read);
    await reads.remember('c', 'q', read);
    assert.equal(await reads.remember('a', 'q', read), 4, 'the oldest user was dropped');
  });
});
