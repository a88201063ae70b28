import assert from 'node:assert/strict';
import { readStateSnapshot } from '../../src/store/stateSnapshot';
import type { BotState } from '../../src/store/state';
import type { HttpAnswer, HttpBot } from './httpBot';

/** What must hold after any request, however bad: the bot answers, and its state file is whole. */
export async function assertStillServing(bot: HttpBot): Promise<BotState> {
  const health = await bot.get('/healthz');
  assert.equal(health.status, 200, 'the bot still answers /healthz');
  // Reads the state file and its journals, throwing on anything the bot would refuse to load at start.
  return readStateSnapshot(bot.stateFile);
}

/** The billing facts nobody may change without authorization: links and the audit log. */
export function billingFacts(state: BotState): Pick<BotState, 'links' | 'audit'> {
  return { links: state.links, audit: state.audit };
}

/** A refusal a person can act on: a JSON message, not a stack trace or a shrug. */
export function assertClearRefusal(answer: HttpAnswer): void {
  const message = (answer.json as { message?: unknown } | undefined)?.message;
  assert.equal(typeof message, 'string', `a ${answer.status} carries a message: ${answer.text.slice(0, 200)}`);
  assertReadable(String(message));
}

/** No stack frames, no internal error names, no "something went wrong". */
export function assertReadable(text: string): void {
  assert.ok(text.trim().length > 0, 'the answer is not empty');
  assert.doesNotMatch(text, /\n\s+at |TypeError|ReferenceError|something went wrong|undefined|\[object Object\]/i, `unclear answer: ${text.slice(0, 300)}`);
}

/** Collects promise rejections nobody handled while a suite runs (mocha itself reports uncaught exceptions). */
export class ProcessFaults {
  readonly faults: unknown[] = [];
  private readonly record = (fault: unknown): void => {
    this.faults.push(fault);
  };

  listen(): void {
    process.on('unhandledRejection', this.record);
  }

  stop(): void {
    process.off('unhandledRejection', this.record);
  }

  assertNone(): void {
    assert.deepEqual(this.faults.map(String), [], 'no promise rejection went unhandled');
  }
}
