import { readFile } from 'node:fs/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { createBillingService } from '../../src/billing/billingService';
import type { Outcome } from '../../src/domain/outcome';
import type { Caller } from '../../src/domain/caller';
import { LocalDirectory } from '../../src/directory/localDirectory';
import { openLowdbStore } from '../../src/store/lowdbStore';
import type { StateStore } from '../../src/store/port';
import { announceFailure, announceReady, childOptions, serveParent } from '../lib/child';
import { EventLoopWatch } from '../lib/eventLoopWatch';
import { percentile, round } from '../lib/stats';
import { World, type WorldShape } from '../lib/world';

/**
 * Link operations straight on the billing service, with the product's directory and state file and
 * nothing else in the process: each operation is one whole set-up (of an unlinked organization) or
 * change (of a linked one), alternating, and every step is timed. The event loop is watched only
 * while the operations run, so start-up does not count.
 */

type Step = 'start' | 'organization' | 'subscription' | 'confirm';
const STEPS: readonly Step[] = ['start', 'organization', 'subscription', 'confirm'];

async function main(): Promise<void> {
  const options = childOptions();
  const shape = options.shape as WorldShape;
  const operations = Number(options.operations);
  const maxMs = Number(options.maxSeconds) * 1000;
  const world = new World(shape);
  const directory = await LocalDirectory.open(String(options.directoryFile));
  const store = await openLowdbStore(String(options.stateFile));
  const billing = createBillingService({ directory, store, flowTtlMs: 15 * 60_000 });
  const timings: Record<Step, number[]> = { start: [], organization: [], subscription: [], confirm: [] };
  const watch = new EventLoopWatch();
  watch.report(true);
  // Garbage-collection pauses, to tell a long event-loop delay caused by the heap from one caused by the code.
  let gcMaxMs = 0;
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMaxMs = Math.max(gcMaxMs, entry.duration);
  });
  gcObserver.observe({ entryTypes: ['gc'] });

  const began = performance.now();
  let done = 0;
  let failed = '';
  const targets = world.confirmableFlows(operations, new Date()).confirmable;
  for (const target of targets) {
    if (performance.now() - began > maxMs) break;
    const caller: Caller = { userId: target.user.aadObjectId, tenantId: target.user.tenantId, conversationId: target.user.conversationId };

    const step = async <T>(name: Step, work: () => Promise<Outcome<T>>): Promise<T> => {
      const t = performance.now();
      const outcome = await work();
      timings[name].push(performance.now() - t);
      if (!outcome.ok) throw new Error(`${name} was refused (${outcome.problem.code}): ${outcome.problem.message}`);
      return outcome.value;
    };
    try {
      const flowId = (await step('start', () => billing.startFlow(caller, target.kind))).flow.id;
      await step('organization', () => billing.chooseOrganization(caller, flowId, target.organizationId));
      await step('subscription', () => billing.chooseSubscription(caller, flowId, target.subscriptionId));
      await step('confirm', () => billing.confirm(caller, flowId, false));
      done++;
    } catch (error) {
      failed = error instanceof Error ? error.message : String(error);
      break;
    }
  }
  const elapsedMs = performance.now() - began;
  const loop = watch.report(false);
  await observedEntries();
  const steps = Object.fromEntries(
    STEPS.map((name) => {
      const sorted = [...timings[name]].sort((a, b) => a - b);
      return [name, { p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted[sorted.length - 1] ?? 0) }];
    }),
  );
  const linkGcMaxMs = gcMaxMs;
  // The compaction's own longest GC pause, apart from the link operations'.
  gcMaxMs = 0;
  const compacted = options.compaction === true ? await compactReferences(store, String(options.stateFile), watch) : undefined;
  await observedEntries();
  gcObserver.disconnect();
  const compaction = compacted ? { ...compacted, gcMaxMs: round(gcMaxMs) } : undefined;
  await store.close();
  serveParent({}, async () => undefined);
  announceReady({ operations: done, elapsedMs: Math.round(elapsedMs), steps, failed, ...loop, gcMaxMs: round(linkGcMaxMs), ...(compaction ? { compaction } : {}) });
}

/** Performance observers are told of entries a moment later; give them that moment. */
function observedEntries(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}

/**
 * Rewrites every conversation reference once, and some twice, so that the journal crosses its
 * compaction threshold, then keeps making one small update every 10 ms while the compaction runs
 * in the background: how long it takes, how long the event loop was held meanwhile, and how long
 * those updates waited.
 */
async function compactReferences(store: StateStore, stateFile: string, watch: EventLoopWatch): Promise<Record<string, number>> {
  const journalFile = async (): Promise<string> => {
    const content = JSON.parse(await readFile(stateFile, 'utf8')) as { journals?: Record<string, { file?: string }> };
    return content.journals?.conversations?.file ?? '';
  };
  const before = await journalFile();
  const keys = Object.keys(store.snapshot().conversations);
  const rewrites = keys.length + 1100;
  for (let i = 0; i < rewrites; i += 500) {
    const slice = Array.from({ length: Math.min(500, rewrites - i) }, (_, j) => keys[(i + j) % keys.length] ?? '');
    await Promise.all(
      slice.map((key, j) =>
        store.updateState((draft) => {
          const reference = draft.conversations[key];
          if (reference) draft.conversations[key] = { ...reference, updatedAt: new Date(Date.UTC(2030, 0, 1, 0, 0, 0, i + j)).toISOString() };
        }),
      ),
    );
  }
  watch.report(true);
  const began = performance.now();
  const waits: number[] = [];
  let tick = 0;
  while ((await journalFile()) === before && performance.now() - began < 60_000) {
    const key = keys[tick++ % keys.length] ?? '';
    const asked = performance.now();
    await store.updateState((draft) => {
      const reference = draft.conversations[key];
      if (reference) draft.conversations[key] = { ...reference, updatedAt: new Date(Date.UTC(2031, 0, 1, 0, 0, 0, tick)).toISOString() };
    });
    waits.push(performance.now() - asked);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const loop = watch.report(true);
  waits.sort((a, b) => a - b);
  return {
    references: keys.length,
    compacted: (await journalFile()) === before ? 0 : 1,
    compactionMs: Math.round(performance.now() - began),
    eventLoopMaxMs: loop.eventLoopMaxMs,
    updatesMeanwhile: waits.length,
    updateP99Ms: round(percentile(waits, 99)),
    updateMaxMs: round(waits[waits.length - 1] ?? 0),
  };
}

main().catch(announceFailure);
