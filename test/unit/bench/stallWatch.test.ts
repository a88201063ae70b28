import assert from 'node:assert/strict';
import { StallWatch } from '../../../bench/lib/stallWatch';

describe('The stall watch of the benchmark', () => {
  it('finds a stretch of synchronous work as the longest stall, and does not call it garbage collection beyond its length', async () => {
    const watch = new StallWatch();
    try {
      await pause(20);
      const until = Date.now() + 80;
      while (Date.now() < until) {
        // Holding the loop, as a long sort or parse would.
      }
      await pause(20);
      const report = watch.report(true);
      assert.ok(report.longestStallMs >= 60, `longest stall ${report.longestStallMs} ms`);
      assert.ok(report.gcInLongestStallMs <= report.longestStallMs + 5);
      assert.ok(watch.report(false).longestStallMs < report.longestStallMs, 'a reset starts over');
    } finally {
      watch.stop();
    }
  });
});

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
