import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Results } from '../../bench/lib/results';
import { BASELINE_SCENARIOS, PRODUCT_SCENARIOS, twinOf } from '../../bench/lib/scenarios';

const run = promisify(execFile);

/** The compiled benchmark, from dist/test/integration. */
const BENCH_MAIN = path.join(__dirname, '..', '..', 'bench', 'main.js');
/** This checkout, the folder that holds dist/. */
const CHECKOUT = path.join(__dirname, '..', '..', '..');

/**
 * The benchmark's smoke run: every part of `npm run bench` once, briefly, on tiny worlds, so that it
 * cannot rot. It checks that each run measured the right answers, never how fast they came.
 */
describe('npm run bench -- --smoke', function () {
  this.timeout(300_000);
  let folder: string;

  before(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'bench-smoke-'));
  });

  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('measures every scenario on the real servers, with only right answers, and writes its results', async () => {
    const out = path.join(folder, 'results.json');
    const { stdout } = await run(process.execPath, ['--disable-warning=DEP0111', BENCH_MAIN, '--smoke', `--out=${out}`], { maxBuffer: 16 * 1024 * 1024 });
    assert.match(stdout, /Turns: the product against its bare teams-ai twin/);
    assert.match(stdout, /State growth/);
    assert.match(stdout, /Targets \(issue 17\)/);
    const results = JSON.parse(await readFile(out, 'utf8')) as Results;

    const cells = results.turns?.cells ?? [];
    assert.deepEqual(new Set(cells.map((c) => c.scenario)), new Set([...BASELINE_SCENARIOS, ...PRODUCT_SCENARIOS, ...PRODUCT_SCENARIOS.map(twinOf)]));
    for (const cell of cells) {
      assert.ok(cell.requests > 0, `${cell.scenario} made no requests`);
      assert.deepEqual(
        { errors: cell.errors, timeouts: cell.timeouts, non2xx: cell.non2xx, unexpected: cell.unexpected },
        { errors: 0, timeouts: 0, non2xx: 0, unexpected: 0 },
        `${cell.scenario} at ${cell.connections} connections got wrong answers`,
      );
    }

    const targets = results.targets ?? [];
    for (const scenario of PRODUCT_SCENARIOS) {
      assert.ok(targets.some((t) => t.target.includes(scenario === 'setup-text' ? 'set up billing' : scenario) && t.ratio !== undefined && t.verdict !== 'no target'), `the targets table has a line for ${scenario} against its twin`);
    }
    assert.ok(targets.some((t) => t.target.startsWith('start-up')), 'the targets table has the start-up');
    assert.ok(targets.some((t) => t.target.includes('on the Azure store, 2 instances') && t.verdict === 'no target'), 'the targets table has the Azure store, without a target');
    for (const cell of results.stores?.cells ?? []) assert.equal(cell.errors + cell.timeouts + cell.non2xx + cell.unexpected, 0, `${cell.scenario} on the ${cell.world} got wrong answers`);
    assert.ok((results.stores?.cells.length ?? 0) > 0, 'the Azure store phase ran');
    assert.deepEqual(results.stores?.failures, [], 'every turn on the Azure store was measured');
    assert.equal(targets.filter((t) => t.target.startsWith('fan-out')).length, 3, 'the targets table has every fan-out run');

    const [grown] = results.growth;
    assert.ok(grown, 'the state-growth phase ran');
    assert.equal(grown.startup.runs.length, results.options.startups);
    assert.equal(grown.startup.twinRuns.length, results.options.startups, 'the twin started as often as the product, interleaved');
    assert.equal(grown.linkOperations.failed, '');
    assert.equal(grown.linkOperations.operations, results.options.linkOperations);

    const fanout = results.fanout;
    assert.ok(fanout, 'the fan-out phase ran');
    assert.deepEqual(fanout.runs.map((r) => r.chats), ['stored', 'stored', 'started']);
    for (const fanRun of fanout.runs) {
      const expected = { delivered: fanRun.recipients, lost: 0, duplicates: 0, earlyRetries: 0, outbox: { delivered: fanRun.recipients, failed: 0, pending: 0 } };
      const seen = { delivered: fanRun.delivered, lost: fanRun.lost, duplicates: fanRun.duplicates, earlyRetries: fanRun.earlyRetries, outbox: { delivered: fanRun.outbox.delivered, failed: fanRun.outbox.failed, pending: fanRun.outbox.pending } };
      assert.deepEqual(seen, expected, `${fanRun.run}: every manager hears once, the outbox agrees, Retry-After is honoured`);
    }
    assert.ok((fanout.runs[1]?.throttled ?? 0) > 0, 'the throttled run injected 429s');
    assert.equal(fanout.runs[2]?.chatsStarted, fanout.runs[2]?.recipients, 'a chat was started with each manager who had none');

    const azure = results.azure;
    assert.ok(azure, 'the azure phase ran');
    assert.deepEqual(azure.runs.map((r) => [r.run, r.problems]), [['first', 0], ['again', 0]], 'every organization answered, none unreadable, every request in the specs');
    assert.ok((azure.runs[1]?.requests ?? 0) < (azure.runs[0]?.requests ?? 0), 'the second status reuses the organizations read by the first');
  });

  it('with --compareBuild, measures the other build\'s confirmations in every block, against the same echo runs, with only right answers', async () => {
    const out = path.join(folder, 'compared.json');
    // This checkout compared with itself: the test is about what the option measures, not about two builds.
    const { stdout } = await run(process.execPath, ['--disable-warning=DEP0111', BENCH_MAIN, '--smoke', '--phases=turns', `--compareBuild=${CHECKOUT}`, `--out=${out}`], { maxBuffer: 16 * 1024 * 1024 });
    assert.match(stdout, /flow\.confirm-compared/);
    const results = JSON.parse(await readFile(out, 'utf8')) as Results;
    const cells = results.turns?.cells ?? [];
    const blocks = results.options.rounds * results.options.connections.length;
    for (const scenario of ['flow.confirm', 'flow.confirm-compared', 'echo'] as const) {
      const runs = cells.filter((c) => c.scenario === scenario);
      assert.equal(runs.length, scenario === 'echo' ? 2 * blocks : blocks, `${scenario} runs once a block (the echo bot twice)`);
      for (const cell of runs) {
        assert.ok(cell.requests > 0, `${scenario} made no requests`);
        assert.deepEqual({ errors: cell.errors, timeouts: cell.timeouts, non2xx: cell.non2xx, unexpected: cell.unexpected }, { errors: 0, timeouts: 0, non2xx: 0, unexpected: 0 }, `${scenario} got wrong answers`);
      }
    }
    const compared = results.turns?.summary.find((r) => r.scenario === 'flow.confirm-compared');
    assert.ok(compared && compared.ratioToEcho > 0 && compared.cpuRatioToEcho > 0, 'the compared build is set against the echo runs of its blocks');
  });

  it('with --compareBuild naming a checkout that is not built, stops before measuring and says what to do', async () => {
    await assert.rejects(
      run(process.execPath, ['--disable-warning=DEP0111', BENCH_MAIN, '--smoke', '--phases=turns', `--compareBuild=${folder}`, `--out=${path.join(folder, 'never.json')}`]),
      (error: Error & { stderr?: string }) => {
        assert.match(error.stderr ?? '', /has no .*productServer\.js\. Build that checkout first/);
        return true;
      },
    );
  });
});
