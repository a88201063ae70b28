import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseBicep } from '../../support/bicep';
import { PROJECT_ROOT, environmentFile, placeholders, projectFile, settingsReadByConfig } from '../../support/toolkitProject';

/**
 * The Agents Toolkit project files: every m365agents*.yml, parsed, names only files, npm scripts,
 * environment variables and Bicep outputs that exist, in the order the toolkit runs its actions.
 */

interface Action {
  readonly uses: string;
  readonly name?: string;
  readonly with?: Record<string, unknown>;
  readonly writeToEnvironmentFile?: Record<string, string>;
}

interface ProjectYaml {
  readonly version: string;
  readonly environmentFolderPath?: string;
  readonly provision?: readonly Action[];
  readonly deploy?: readonly Action[];
  readonly publish?: readonly Action[];
}

/** The actions of schema v1.11 the project uses (https://aka.ms/teamsfx-actions). */
const KNOWN_ACTIONS = new Set([
  'teamsApp/create',
  'teamsApp/validateManifest',
  'teamsApp/zipAppPackage',
  'teamsApp/validateAppPackage',
  'teamsApp/update',
  'teamsApp/publishAppPackage',
  'aadApp/create',
  'aadApp/update',
  'arm/deploy',
  'botFramework/create',
  'cli/runNpmCommand',
  'azureAppService/zipDeploy',
  'file/createOrUpdateEnvironmentFile',
  'script',
]);

/** Each yml file and the environment it runs in (env/.env.<environment>). */
const PROJECT_FILES: Readonly<Record<string, string>> = {
  'm365agents.yml': 'dev',
  'm365agents.local.yml': 'local',
  'm365agents.playground.yml': 'playground',
};

/**
 * Variables that may stay empty in the committed env file although they are used: the toolkit asks
 * for the subscription and resource group on the first provision; SSO is off until it is set; the
 * tunnel's address is filled in when the tunnel opens.
 */
const FILLED_OUTSIDE_THE_ACTIONS = new Set(['AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME', 'AZURE_SSO_TOKEN_EXCHANGE_URI', 'BOT_ENDPOINT', 'BOT_DOMAIN']);

/** Set by the toolkit itself in every environment. */
const BUILT_IN = new Set(['TEAMSFX_ENV']);

function readProject(file: string): ProjectYaml {
  return parseYaml(projectFile(file)) as ProjectYaml;
}

function actionsOf(project: ProjectYaml): Action[] {
  return [...(project.provision ?? []), ...(project.deploy ?? []), ...(project.publish ?? [])];
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

function withString(action: Action, key: string): string | undefined {
  const value = action.with?.[key];
  return typeof value === 'string' ? value : undefined;
}

interface Template {
  readonly path: string;
  readonly parameters: string;
}

function templatesOf(action: Action): Template[] {
  const templates = action.with?.templates;
  return Array.isArray(templates) ? (templates as Template[]) : [];
}

/** The files an action reads, whose placeholders the toolkit resolves when it runs the action. */
function filesReadBy(action: Action): string[] {
  const files: string[] = [];
  if (action.uses === 'arm/deploy') for (const template of templatesOf(action)) files.push(template.path, template.parameters);
  const manifest = withString(action, 'manifestPath');
  if (manifest !== undefined) files.push(manifest);
  return files;
}

/** What an action adds to the environment: writeToEnvironmentFile, Bicep outputs, ::set-teamsfx-env. */
function variablesWrittenBy(action: Action): string[] {
  const written = Object.values(action.writeToEnvironmentFile ?? {});
  if (action.uses === 'arm/deploy') {
    for (const template of templatesOf(action)) written.push(...parseBicep(projectFile(template.path)).outputs.map((output) => output.name));
  }
  if (action.uses === 'script') {
    for (const text of stringsIn(action.with)) written.push(...[...text.matchAll(/::set-teamsfx-env ([A-Za-z0-9_]+)=/g)].map((m) => m[1] ?? ''));
  }
  return written;
}

/** Variables an action makes itself before it resolves its files: aadApp/update's SSO scope id. */
function generatedBy(action: Action): string[] {
  return action.uses === 'aadApp/update' ? ['AAD_APP_ACCESS_AS_USER_PERMISSION_ID'] : [];
}

describe('the Agents Toolkit project', () => {
  it('has the three project files, each for one environment with its own env file', () => {
    const ymlFiles = readdirSync(PROJECT_ROOT).filter((file) => /^m365agents.*\.yml$/.test(file)).sort();
    assert.deepEqual(ymlFiles, Object.keys(PROJECT_FILES).sort());
    for (const environment of Object.values(PROJECT_FILES)) {
      assert.ok(existsSync(path.join(PROJECT_ROOT, 'env', `.env.${environment}`)), `env/.env.${environment} is missing.`);
    }
  });

  it('keeps every environment\'s secrets out of git (env/.env.*.user)', () => {
    const ignored = projectFile('.gitignore').split('\n').map((line) => line.trim());
    assert.ok(ignored.includes('env/.env.*.user'));
    for (const environment of Object.values(PROJECT_FILES)) {
      const secrets = Object.keys(environmentFile(environment)).filter((name) => name.startsWith('SECRET_'));
      assert.deepEqual(secrets, [], `env/.env.${environment} must not hold secrets.`);
    }
  });

  for (const [file, environment] of Object.entries(PROJECT_FILES)) {
    describe(file, () => {
      let project: ProjectYaml;
      before(() => {
        project = readProject(file);
      });

      it('declares schema v1.11 and names it for the editor', () => {
        assert.equal(project.version, 'v1.11');
        assert.match(projectFile(file), /^# yaml-language-server: \$schema=https:\/\/aka\.ms\/m365-agents-toolkits\/v1\.11\/yaml\.schema\.json$/m);
      });

      it('uses only actions the toolkit has', () => {
        const unknown = actionsOf(project).map((action) => action.uses).filter((uses) => !KNOWN_ACTIONS.has(uses));
        assert.deepEqual(unknown, []);
      });

      it('names files that exist and npm scripts that package.json has', () => {
        const scripts = (JSON.parse(projectFile('package.json')) as { scripts: Record<string, string> }).scripts;
        for (const action of actionsOf(project)) {
          for (const read of filesReadBy(action)) assert.ok(existsSync(path.join(PROJECT_ROOT, read)), `${action.uses} reads ${read}, which does not exist.`);
          if (action.uses === 'cli/runNpmCommand') {
            const run = /^run (\S+)/.exec(withString(action, 'args') ?? '');
            if (run?.[1] !== undefined) assert.ok(scripts[run[1]] !== undefined, `npm run ${run[1]}: no such script in package.json.`);
          }
        }
      });

      it('uses only variables that env/.env.' + environment + ' declares or an earlier action writes, and declares every one it writes', () => {
        const declared = environmentFile(environment);
        const known = new Set([...BUILT_IN, ...Object.keys(declared).filter((name) => declared[name] !== '' || FILLED_OUTSIDE_THE_ACTIONS.has(name))]);
        const written = new Set<string>();
        for (const action of actionsOf(project)) {
          for (const name of generatedBy(action)) {
            known.add(name);
            written.add(name);
          }
          const texts = [...stringsIn(action.with), ...filesReadBy(action).map(projectFile)];
          for (const name of texts.flatMap(placeholders)) {
            // A SECRET_ variable lives in env/.env.<environment>.user, written by the action that made the secret.
            assert.ok(known.has(name), `${file}: ${action.uses}${action.name ? ` (${action.name})` : ''} uses \${{${name}}}, which nothing sets before it.`);
          }
          for (const name of variablesWrittenBy(action)) {
            known.add(name);
            written.add(name);
          }
        }
        const undeclared = [...written].filter((name) => !name.startsWith('SECRET_') && !(name in declared));
        assert.deepEqual(undeclared, [], `env/.env.${environment} should list every variable provision writes, empty.`);
      });
    });
  }

  describe('m365agents.yml (dev)', () => {
    let project: ProjectYaml;
    before(() => {
      project = readProject('m365agents.yml');
    });

    it('provisions in the order the issue and the toolkit templates give', () => {
      const uses = (project.provision ?? []).map((action) => action.uses);
      const order = ['teamsApp/create', 'arm/deploy', 'teamsApp/validateManifest', 'teamsApp/zipAppPackage', 'teamsApp/update'];
      const positions = order.map((name) => uses.indexOf(name));
      assert.ok(positions.every((position) => position >= 0), `provision lacks one of ${order.join(', ')}: ${uses.join(', ')}`);
      assert.deepEqual([...positions].sort((a, b) => a - b), positions);
      assert.ok(uses.indexOf('aadApp/update') > uses.indexOf('arm/deploy'), 'aadApp/update needs BOT_ID, which arm/deploy writes.');
    });

    it('deploys arm/deploy\'s infra/azure.bicep with its parameters file', () => {
      const deploy = (project.provision ?? []).find((action) => action.uses === 'arm/deploy');
      assert.deepEqual(
        templatesOf(deploy ?? { uses: '' }).map((template) => [template.path, template.parameters]),
        [['./infra/azure.bicep', './infra/azure.parameters.json']],
      );
    });

    it('builds, stages the production package, and zip-deploys it to the web app the Bicep outputs name', () => {
      const deploy = project.deploy ?? [];
      const steps = deploy.map((action) => `${action.uses} ${withString(action, 'args') ?? ''}`.trim());
      assert.ok(steps.includes('cli/runNpmCommand run build'), steps.join('\n'));
      assert.ok(steps.includes('cli/runNpmCommand run stage'), steps.join('\n'));
      const zip = deploy.find((action) => action.uses === 'azureAppService/zipDeploy');
      assert.equal(withString(zip ?? { uses: '' }, 'artifactFolder'), './build/deploy');
      assert.equal(withString(zip ?? { uses: '' }, 'resourceId'), '${{AZURE_APP_SERVICE_RESOURCE_ID}}');
      const outputs = parseBicep(projectFile('infra/azure.bicep')).outputs.map((output) => output.name);
      assert.ok(outputs.includes('AZURE_APP_SERVICE_RESOURCE_ID'));
      const productionInstall = deploy.find((action) => withString(action, 'workingDirectory') === './build/deploy');
      assert.match(withString(productionInstall ?? { uses: '' }, 'args') ?? '', /^ci --omit=dev\b/);
    });

    it('passes every parameter infra/azure.bicep requires, and no other', () => {
      const declared = parseBicep(projectFile('infra/azure.bicep')).params;
      const given = Object.keys((JSON.parse(projectFile('infra/azure.parameters.json')) as { parameters: Record<string, unknown> }).parameters);
      const unknown = given.filter((name) => !declared.some((param) => param.name === name));
      const missing = declared.filter((param) => !param.hasDefault && !given.includes(param.name)).map((param) => param.name);
      assert.deepEqual(unknown, []);
      assert.deepEqual(missing, []);
    });
  });

  describe('m365agents.local.yml', () => {
    it('registers the bot on the tunnel\'s address with the Teams channel', () => {
      const bot = (readProject('m365agents.local.yml').provision ?? []).find((action) => action.uses === 'botFramework/create');
      assert.equal(withString(bot ?? { uses: '' }, 'messagingEndpoint'), '${{BOT_ENDPOINT}}/api/messages');
      assert.deepEqual(bot?.with?.channels, [{ name: 'msteams' }]);
    });

    it('gives the bot, through .localConfigs, only settings the config module knows', () => {
      const envs = (readProject('m365agents.local.yml').deploy ?? []).find((action) => action.uses === 'file/createOrUpdateEnvironmentFile')?.with?.envs;
      const names = Object.keys((envs ?? {}) as Record<string, unknown>);
      const read = settingsReadByConfig();
      assert.deepEqual(names.filter((name) => !read.has(name)), []);
      assert.match(projectFile('package.json'), /"start:local": ".*--env-file=\.localConfigs dist\/src\/index\.js"/);
    });
  });
});
