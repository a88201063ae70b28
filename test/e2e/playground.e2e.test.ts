/**
 * End-to-end tests through the Microsoft 365 Agents Playground in headless Chromium.
 * Run with `npm run test:e2e` (needs Debian's chromium: apt-get install -y chromium).
 * Screenshots and logs: test-artifacts/e2e/.
 */
import * as assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness';

describe('e2e: the bot in the Agents Playground', function () {
  // Starting the bot, the playground and Chromium takes 5-10 s on 2 cores (mostly the page's 9 MB script).
  this.timeout(180_000);

  let h: Harness;

  before(async function () {
    h = await startHarness({ name: 'smoke' });
  });

  after(async function () {
    await h?.stop();
  });

  it('answers "help"', async function () {
    await h.step('help', async () => {
      const from = await h.say('help');
      const reply = await h.waitForBotText(/\S/, { from });
      assert.ok((await reply.innerText()).trim().length > 0);
    });
    assert.deepEqual(h.blockedRequests.filter((u) => /^https?:\/\/(localhost|127\.0\.0\.1)[:/]/.test(u)), []);
  });
});
