import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startBot } from '../../src/compose';
import { readConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';

describe('The bot with DIRECTORY=azure', function () {
  this.timeout(20_000);

  it('starts from environment settings alone, without a directory file, and serves', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'billing-bot-azure-'));
    try {
      const config = readConfig({
        PORT: '0',
        STATE_FILE: path.join(folder, 'state.json'),
        DIRECTORY: 'azure',
        DIRECTORY_FILE: path.join(folder, 'there-is-no-such-file.json'),
        MicrosoftAppId: '00000000-0000-0000-0000-0000000000aa',
        MicrosoftAppPassword: 'not-a-real-secret',
        AZURE_ARM_CONNECTION_NAME: 'azure-resource-manager',
        AZURE_DEVOPS_CONNECTION_NAME: 'azure-devops',
      });
      const bot = await startBot(config, silentLogger());
      try {
        const answer = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
        assert.equal(answer.status, 200);
      } finally {
        await bot.stop();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
