import { BillingService } from '../../src/billing/billingService';
import type { Outcome } from '../../src/billing/problems';
import type { Caller } from '../../src/billing/views';
import { LocalDirectory } from '../../src/directory/localDirectory';
import { openLowdbStore } from '../../src/store/lowdbStore';
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
  const billing = new BillingService({ directory, store, flowTtlMs: 15 * 60_000 });
  const timings: Record<Step, number[]> = { start: [], organization: [], subscription: [], confirm: [] };
  const watch = new EventLoopWatch();
  watch.report(true);

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
  const steps = Object.fromEntries(
    STEPS.map((name) => {
      const sorted = [...timings[name]].sort((a, b) => a - b);
      return [name, { p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted[sorted.length - 1] ?? 0) }];
    }),
  );
  await store.close();
  serveParent({}, async () => undefined);
  announceReady({ operations: done, elapsedMs: Math.round(elapsedMs), steps, failed, ...loop });
}

main().catch(announceFailure);
