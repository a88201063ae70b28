import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises';
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
    assert.deepEqual((await readdir(path.join(target, 'dist'))).sort(), ['cards', 'scripts', 'src']);
    assert.deepEqual(await readdir(path.join(target, 'dist', 'scripts')), ['state.js']);
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

  it('carries the state tool, which exports a state from where it is staged', async () => {
    const target = path.join(folder, 'deploy');
    stageDeployment(PROJECT_ROOT, target);
    // App Service installs the production dependencies beside the package (npm ci --omit=dev); here the
    // project's own stand in. A link, since ES modules (lowdb) are not found through NODE_PATH.
    await symlink(path.join(PROJECT_ROOT, 'node_modules'), path.join(target, 'node_modules'), 'dir');
    const exported = path.join(folder, 'export.json');
    const env = { PATH: process.env.PATH ?? '', STATE_FILE: path.join(folder, 'state', 'state.json') };
    const { stdout } = await run(process.execPath, [path.join(target, 'dist', 'scripts', 'state.js'), 'export', exported], { cwd: folder, env });
    assert.match(stdout, /Exported the state of .* to /);
    const document = JSON.parse(await readFile(exported, 'utf8')) as { format?: unknown; links?: unknown };
    assert.equal(document.format, 'devops-billing-bot/state');
    assert.deepEqual(document.links, []);
  });

  it('refuses to stage an unbuilt project, naming what is missing', async () => {
    assert.throws(() => stageDeployment(folder, path.join(folder, 'deploy')), /Cannot stage the deployment: dist\/src, dist\/cards, dist\/scripts\/state\.js, demo, package\.json, package-lock\.json missing under .* Run npm run build first\./);
  });
});
