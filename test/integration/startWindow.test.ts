import assert from 'node:assert/strict';
import { createAdapter } from '../../src/host/adapter';
import { startServer, type RunningServer, type TurnHandling } from '../../src/host/server';
import { silentLogger } from '../../src/logger';
import { Application } from '../../src/teams/teamsAi';
import type { BotTurnState } from '../../src/teams/turnState';
import { request, teamsActivity, type HttpAnswer } from '../support/httpBot';

const SERVICE_URL = 'https://smba.example.test/teams/';

/**
 * The server listens before the parts that answer turns are built (they are most of the start-up):
 * a health probe is answered at once, and a turn that arrives meanwhile waits for them instead of
 * being refused, or is answered with an error if they cannot be built.
 */
describe('Requests that arrive while the bot is still starting', () => {
  let server: RunningServer | undefined;
  let opened: ((turns: TurnHandling) => void) | undefined;
  let failed: ((error: unknown) => void) | undefined;

  beforeEach(async () => {
    const turns = new Promise<TurnHandling>((resolve, reject) => {
      opened = resolve;
      failed = reject;
    });
    turns.catch(() => undefined);
    server = await startServer({ port: 0, turns, logger: silentLogger() });
  });

  afterEach(async () => {
    // A request still waiting would keep the close waiting: the start is then over either way.
    failed?.(new Error('The test is over.'));
    await server?.close();
  });

  function click(): Promise<HttpAnswer> {
    return request(`http://127.0.0.1:${server?.port ?? 0}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teamsActivity(SERVICE_URL, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'ping', data: {} } } })),
    });
  }

  function turnHandling(): TurnHandling {
    const adapter = createAdapter(undefined);
    const app = new Application<BotTurnState>({ adapter, startTypingTimer: false, longRunningMessages: false });
    app.adaptiveCards.actionExecute('ping', async () => 'pong');
    return { adapter, app };
  }

  it('answers the health probe before turns can be answered, and says when they can be on /readyz', async () => {
    const base = `http://127.0.0.1:${server?.port ?? 0}`;
    assert.equal((await request(`${base}/healthz`, {})).status, 200);
    const starting = await request(`${base}/readyz`, {});
    assert.equal(starting.status, 503);
    assert.match(starting.text, /still starting/);
    opened?.(turnHandling());
    await new Promise((resolve) => setImmediate(resolve));
    const ready = await request(`${base}/readyz`, {});
    assert.equal(ready.status, 200, ready.text);
  });

  it('says on /readyz that the start failed, so a load balancer keeps sending elsewhere', async () => {
    failed?.(new Error('The Bot Framework adapter could not be built.'));
    await new Promise((resolve) => setImmediate(resolve));
    const answer = await request(`http://127.0.0.1:${server?.port ?? 0}/readyz`, {});
    assert.equal(answer.status, 503);
    assert.match(answer.text, /could not finish starting/);
  });

  it('holds a card click that arrives early and answers it once turns can be answered', async () => {
    let answered = false;
    const answer = click().then((result) => {
      answered = true;
      return result;
    });
    // Long enough for the request to reach the server and wait there.
    await request(`http://127.0.0.1:${server?.port ?? 0}/healthz`, {});
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(answered, false);
    opened?.(turnHandling());
    const result = await answer;
    assert.equal(result.status, 200, result.text);
    assert.match(result.text, /pong/);
  });

  it('answers a waiting card click with an error when the start fails, instead of leaving it hanging', async () => {
    const answer = click();
    await request(`http://127.0.0.1:${server?.port ?? 0}/healthz`, {});
    failed?.(new Error('The Bot Framework adapter could not be built.'));
    const result = await answer;
    assert.ok(result.status >= 500, `status ${result.status}: ${result.text}`);
  });
});
