import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { STAGED_ENTRIES, stageDeployment } from '../../../scripts/stageDeploy';
import { PROJECT_ROOT } from '../../support/toolkitProject';

const run = promisify(execFile);

/** `npm run stage`: what m365agents.yml zip-deploys to App Service. */
describe('The deployment package', function () {
  this.timeout(30_000);
  let folder: string;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'billing-bot-stage-'));
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('holds the built bot, its cards, the demo world and the lockfile, and none of the tests or sources', async () => {
    const target = path.join(folder, 'deploy');
    stageDeployment(PROJECT_ROOT, target);
    assert.deepEqual((await readdir(target)).sort(), ['demo', 'dist', 'package-lock.json', 'package.json']);
    assert.deepEqual((await readdir(path.join(target, 'dist'))).sort(), ['cards', 'src']);
    for (const entry of STAGED_ENTRIES) assert.ok(existsSync(path.join(target, entry)), `${entry} is missing.`);
    assert.ok(existsSync(path.join(target, 'dist', 'src', 'index.js')));
  });

  it('runs from where it is staged: the bot finds its demo world and card templates inside the package', async () => {
    const target = path.join(folder, 'deploy');
    stageDeployment(PROJECT_ROOT, target);
    const script = [
      `const { readConfig } = require(${JSON.stringify(path.join(target, 'dist', 'src', 'config'))});`,
      `require(${JSON.stringify(path.join(target, 'dist', 'src', 'cards', 'templates.js'))});`,
      'process.stdout.write(readConfig({}).directoryFile);',
    ].join('\n');
    // Production dependencies come from the project's node_modules here; App Service gets its own (npm ci --omit=dev).
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: folder, env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(PROJECT_ROOT, 'node_modules') } });
    assert.equal(stdout, path.join(target, 'demo', 'directory.json'));
  });

  it('refuses to stage an unbuilt project, naming what is missing', async () => {
    assert.throws(() => stageDeployment(folder, path.join(folder, 'deploy')), /Cannot stage the deployment: dist\/src, dist\/cards, demo, package\.json, package-lock\.json missing under .* Run npm run build first\./);
  });
});
