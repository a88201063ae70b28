import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import * as teamsAiIndex from '@microsoft/teams-ai';
import * as teamsAi from '../../../src/teams/teamsAi';

const run = promisify(execFile);

describe('Loading the bot', () => {
  it('uses the very classes teams-ai exports, loaded from their own modules', () => {
    assert.equal(teamsAi.Application, teamsAiIndex.Application);
    assert.equal(teamsAi.TeamsAdapter, teamsAiIndex.TeamsAdapter);
    assert.equal(teamsAi.TurnState, teamsAiIndex.TurnState);
  });

  it('does not load the parts it never uses on the local directory: teams-ai\'s AI planners, the Azure SDK clients, and adaptivecards-templating until a card needs it', async function () {
    // A fresh process loads botbuilder from disk; on a busy two-core machine that can take over ten seconds.
    this.timeout(30_000);
    // In a fresh process: this one has loaded everything already.
    // compose.js, and composeTurns.js, which it loads once the server listens.
    const parts = ['compose.js', 'composeTurns.js'].map((file) => path.join(__dirname, '../../../src', file));
    const script = `${parts.map((file) => `require(${JSON.stringify(file)});`).join(' ')} process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
    const { stdout } = await run(process.execPath, ['--disable-warning=DEP0111', '-e', script]);
    const loaded = JSON.parse(stdout) as string[];
    assert.ok(loaded.some((file) => file.includes(`${path.sep}botbuilder${path.sep}`)), 'the check sees what was loaded');
    const unwanted = loaded.filter((file) => /teams-ai[\\/]lib[\\/](index|planners[\\/])|[\\/]openai[\\/]|arm-authorization|arm-resources-subscriptions|[\\/]adaptivecards-templating[\\/]/.test(file));
    assert.deepEqual(unwanted, []);
  });
});
