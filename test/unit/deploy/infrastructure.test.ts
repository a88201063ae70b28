import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { nameValueEntries, parseBicep, property, unquote, type BicepFile, type BicepResource } from '../../support/bicep';
import { PROJECT_ROOT, projectFile, settingsReadByConfig } from '../../support/toolkitProject';

/**
 * infra/: no Bicep compiler can be installed here (none ships in an npm or Debian package), so the
 * templates' structure is checked by reading them: resource types and API versions against the
 * published specs, module parameters, outputs, and the app settings against what the bot reads.
 */

/**
 * The API versions used, each a stable version published in Azure/azure-rest-api-specs (the spec
 * file named). Microsoft.Authorization's spec is also in test/fixtures/azure-specs and read below.
 */
const PUBLISHED_API_VERSIONS: Readonly<Record<string, { readonly version: string; readonly spec: string }>> = {
  'Microsoft.ManagedIdentity/userAssignedIdentities': {
    version: '2023-01-31',
    spec: 'specification/msi/resource-manager/Microsoft.ManagedIdentity/stable/2023-01-31/ManagedIdentity.json',
  },
  'Microsoft.Storage/storageAccounts': {
    version: '2023-05-01',
    spec: 'specification/storage/resource-manager/Microsoft.Storage/stable/2023-05-01/ (Storage.Management/StorageAccount.tsp)',
  },
  'Microsoft.Storage/storageAccounts/tableServices': {
    version: '2023-05-01',
    spec: 'specification/storage/resource-manager/Microsoft.Storage/stable/2023-05-01/',
  },
  'Microsoft.Storage/storageAccounts/blobServices': {
    version: '2023-05-01',
    spec: 'specification/storage/resource-manager/Microsoft.Storage/stable/2023-05-01/',
  },
  'Microsoft.Storage/storageAccounts/blobServices/containers': {
    version: '2023-05-01',
    spec: 'specification/storage/resource-manager/Microsoft.Storage/stable/2023-05-01/ (Storage.Management/BlobContainer.tsp)',
  },
  'Microsoft.Authorization/roleAssignments': {
    version: '2022-04-01',
    spec: 'specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json',
  },
  'Microsoft.Web/serverfarms': { version: '2023-12-01', spec: 'specification/web/resource-manager/Microsoft.Web/stable/2023-12-01/AppServicePlans.json' },
  'Microsoft.Web/sites': { version: '2023-12-01', spec: 'specification/web/resource-manager/Microsoft.Web/stable/2023-12-01/WebApps.json' },
  'Microsoft.BotService/botServices': { version: '2022-09-15', spec: 'specification/botservice/resource-manager/Microsoft.BotService/stable/2022-09-15/botservice.json' },
  'Microsoft.BotService/botServices/channels': {
    version: '2022-09-15',
    spec: 'specification/botservice/resource-manager/Microsoft.BotService/stable/2022-09-15/botservice.json',
  },
  'Microsoft.BotService/botServices/connections': {
    version: '2022-09-15',
    spec: 'specification/botservice/resource-manager/Microsoft.BotService/stable/2022-09-15/botservice.json',
  },
};

const AUTHORIZATION_SPEC = path.join(
  PROJECT_ROOT,
  'test/fixtures/azure-specs/Azure/azure-rest-api-specs/specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json',
);

const STORAGE_TABLE_DATA_CONTRIBUTOR = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3';
const STORAGE_BLOB_DATA_CONTRIBUTOR = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe';

/** App Service's own settings: read by the platform, not by the bot. */
const PLATFORM_SETTINGS = new Set(['WEBSITE_RUN_FROM_PACKAGE', 'SCM_DO_BUILD_DURING_DEPLOYMENT']);

function template(relative: string): BicepFile {
  return parseBicep(projectFile(relative));
}

function only(file: BicepFile, type: string): BicepResource {
  const matches = file.resources.filter((resource) => resource.type === type);
  assert.equal(matches.length, 1, `Expected one ${type}, found ${matches.length}.`);
  const [resource] = matches;
  assert.ok(resource);
  return resource;
}

/** The text of a DEPLOY.md section: from its heading to the next heading of the same or a higher level. */
function deploySection(heading: string): string {
  const text = projectFile('docs/DEPLOY.md');
  const start = text.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `docs/DEPLOY.md has no section "${heading}".`);
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const rest = text.slice(start + heading.length + 2);
  const next = new RegExp(`\\n#{1,${level}} `).exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

describe('infra/ (Bicep, checked without a compiler)', () => {
  const main = template('infra/azure.bicep');
  const bot = template('infra/botRegistration/azurebot.bicep');
  const webApp = only(main, 'Microsoft.Web/sites');
  const appSettings = nameValueEntries(property(webApp.body, 'properties', 'siteConfig', 'appSettings') ?? '');
  const setting = (name: string): string | undefined => appSettings.find((entry) => entry.name === name)?.value;

  it('uses for every resource a published stable API version', () => {
    for (const resource of [...main.resources, ...bot.resources]) {
      const published = PUBLISHED_API_VERSIONS[resource.type];
      assert.ok(published, `${resource.symbol}: ${resource.type} is not in the table of published versions.`);
      assert.equal(resource.apiVersion, published.version, `${resource.symbol}: ${resource.type}@${resource.apiVersion}; the table says ${published.version} (${published.spec}).`);
    }
  });

  it('assigns roles with the properties the published Authorization spec (2022-04-01) defines', () => {
    const spec = JSON.parse(readFileSync(AUTHORIZATION_SPEC, 'utf8')) as { definitions: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    const definition = spec.definitions.RoleAssignmentProperties;
    assert.ok(definition?.properties, 'RoleAssignmentProperties is in the spec.');
    const known = Object.keys(definition.properties);
    for (const assignment of main.resources.filter((resource) => resource.type === 'Microsoft.Authorization/roleAssignments')) {
      const properties = property(assignment.body, 'properties') ?? '';
      for (const required of definition.required ?? []) assert.ok(property(properties, required) !== undefined, `${assignment.symbol} lacks ${required}.`);
      const used = [...properties.slice(1, -1).matchAll(/^\s*([A-Za-z]+):/gm)].map((match) => match[1] ?? '');
      assert.deepEqual(used.filter((name) => !known.includes(name)), [], `${assignment.symbol} uses properties the spec does not define.`);
      assert.equal(property(assignment.body, 'scope'), 'storage');
      assert.equal(property(properties, 'principalId'), 'identity.properties.principalId');
      assert.equal(unquote(property(properties, 'principalType') ?? ''), 'ServicePrincipal');
    }
  });

  it('gives the managed identity table and blob data access to the Storage account, which takes no keys', () => {
    const roles = main.resources
      .filter((resource) => resource.type === 'Microsoft.Authorization/roleAssignments')
      .map((resource) => property(resource.body, 'properties', 'roleDefinitionId'));
    const source = projectFile('infra/azure.bicep');
    for (const [variable, id] of [
      ['storageTableDataContributor', STORAGE_TABLE_DATA_CONTRIBUTOR],
      ['storageBlobDataContributor', STORAGE_BLOB_DATA_CONTRIBUTOR],
    ] as const) {
      assert.ok(roles.includes(variable), `No role assignment uses ${variable}.`);
      assert.match(source, new RegExp(`var ${variable} = subscriptionResourceId\\('Microsoft\\.Authorization/roleDefinitions', '${id}'\\)`));
    }
    const storage = only(main, 'Microsoft.Storage/storageAccounts');
    assert.equal(property(storage.body, 'properties', 'allowSharedKeyAccess'), 'false');
    assert.equal(property(storage.body, 'properties', 'allowBlobPublicAccess'), 'false');
    only(main, 'Microsoft.Storage/storageAccounts/tableServices');
    only(main, 'Microsoft.Storage/storageAccounts/blobServices/containers');
    assert.equal(setting('AZURE_STORAGE_CONNECTION_STRING'), undefined, 'a connection string would carry a key');
  });

  it('runs the bot on Linux App Service, Node 22 LTS, HTTPS only, Always On, health check on /readyz (turns answered), as the managed identity', () => {
    const plan = only(main, 'Microsoft.Web/serverfarms');
    assert.equal(property(plan.body, 'properties', 'reserved'), 'true', 'reserved: true makes the plan Linux');
    assert.equal(unquote(property(webApp.body, 'kind') ?? ''), 'app,linux');
    assert.equal(property(webApp.body, 'properties', 'httpsOnly'), 'true');
    assert.equal(unquote(property(webApp.body, 'properties', 'siteConfig', 'linuxFxVersion') ?? ''), 'NODE|22-lts');
    assert.equal(unquote(property(webApp.body, 'properties', 'siteConfig', 'healthCheckPath') ?? ''), '/readyz');
    assert.equal(property(webApp.body, 'properties', 'siteConfig', 'alwaysOn'), 'true');
    assert.equal(unquote(property(webApp.body, 'properties', 'siteConfig', 'appCommandLine') ?? ''), 'npm start');
    assert.equal(unquote(property(webApp.body, 'identity', 'type') ?? ''), 'UserAssigned');
    assert.match(projectFile('src/host/server.ts'), /'\/readyz'/);
  });

  it('sets the bot\'s credentials to the managed identity, without a password, and the Azure directory', () => {
    assert.equal(unquote(setting('MicrosoftAppType') ?? ''), 'UserAssignedMSI');
    assert.equal(setting('MicrosoftAppId'), 'identity.properties.clientId');
    assert.equal(setting('MicrosoftAppTenantId'), 'identity.properties.tenantId');
    assert.equal(setting('MicrosoftAppPassword'), undefined);
    assert.equal(unquote(setting('DIRECTORY') ?? ''), 'azure');
    assert.equal(unquote(setting('STATE_STORE') ?? ''), 'azure');
  });

  it('sets every setting the bot\'s config module reads, or DEPLOY.md lists it as left at its default', () => {
    const optional = deploySection('### Settings the template leaves at their defaults');
    const missing = [...settingsReadByConfig()].filter((name) => setting(name) === undefined && !optional.includes(`\`${name}\``));
    assert.deepEqual(missing, []);
  });

  it('sets only settings that the bot reads, that App Service reads, or that DEPLOY.md names for the shared store', () => {
    const read = settingsReadByConfig();
    const store = deploySection('### Settings for the shared state store');
    const unexplained = appSettings.map((entry) => entry.name).filter((name) => !read.has(name) && !PLATFORM_SETTINGS.has(name) && !store.includes(`\`${name}\``));
    assert.deepEqual(unexplained, []);
  });

  it('registers the bot as the managed identity, with the Teams channel and the three OAuth connections the config names', () => {
    const service = only(bot, 'Microsoft.BotService/botServices');
    assert.equal(unquote(property(service.body, 'properties', 'msaAppType') ?? ''), 'UserAssignedMSI');
    assert.equal(property(service.body, 'properties', 'msaAppId'), 'identityClientId');
    assert.equal(property(service.body, 'properties', 'msaAppMSIResourceId'), 'identityResourceId');
    assert.equal(unquote(property(service.body, 'properties', 'endpoint') ?? ''), 'https://${botAppDomain}/api/messages');
    const channel = only(bot, 'Microsoft.BotService/botServices/channels');
    assert.equal(unquote(property(channel.body, 'properties', 'channelName') ?? ''), 'MsTeamsChannel');

    const connections = bot.resources.filter((resource) => resource.type === 'Microsoft.BotService/botServices/connections');
    const byName = new Map(connections.map((connection) => [property(connection.body, 'name'), connection]));
    const scopes = (name: string): string => unquote(property(byName.get(name)?.body ?? '', 'properties', 'scopes') ?? '');
    // The same parameters name the connections and the settings the bot reads them from.
    assert.equal(setting('AZURE_ARM_CONNECTION_NAME'), 'armConnectionName');
    assert.equal(setting('AZURE_DEVOPS_CONNECTION_NAME'), 'devOpsConnectionName');
    assert.match(scopes('armConnectionName'), /^https:\/\/management\.azure\.com\/user_impersonation offline_access openid profile$/);
    assert.match(scopes('devOpsConnectionName'), /^499b84ac-1321-427f-aa17-267ca6975798\/user_impersonation offline_access openid profile$/);
    assert.equal(setting('AZURE_GRAPH_CONNECTION_NAME'), 'graphConnectionName');
    // Least privilege for the people picker: basic profiles only, delegated.
    assert.match(scopes('graphConnectionName'), /^https:\/\/graph\.microsoft\.com\/User\.ReadBasic\.All offline_access openid profile$/);
    // The scopes are the ones the config module's messages tell an operator to set up.
    assert.match(projectFile('src/config/azure.ts'), /https:\/\/management\.azure\.com\/user_impersonation/);
    assert.match(projectFile('src/config/azure.ts'), /499b84ac-1321-427f-aa17-267ca6975798\/user_impersonation/);
  });

  it('passes the module every parameter it requires, and no other', () => {
    for (const module of main.modules) {
      const file = path.join(PROJECT_ROOT, 'infra', module.path);
      assert.ok(existsSync(file), `${module.path} does not exist.`);
      const declared = parseBicep(readFileSync(file, 'utf8')).params;
      const params = property(module.body, 'params') ?? '{}';
      const given = [...params.slice(1, -1).matchAll(/^\s*([A-Za-z]+):/gm)].map((match) => match[1] ?? '');
      assert.deepEqual(given.filter((name) => !declared.some((param) => param.name === name)), []);
      assert.deepEqual(declared.filter((param) => !param.hasDefault && !given.includes(param.name)).map((param) => param.name), []);
    }
  });

  it('refers only to symbols it declares', () => {
    for (const file of [main, bot]) {
      const declared = new Set([...file.params.map((p) => p.name), ...file.vars, ...file.resources.map((r) => r.symbol), ...file.modules.map((m) => m.symbol)]);
      const bodies = [...file.resources.map((r) => r.body), ...file.modules.map((m) => m.body), ...file.outputs.map((o) => o.expression)].join('\n');
      const referenced = [...bodies.matchAll(/(?<![.'\w])([a-z][A-Za-z0-9]*)\.(?:id|name|properties)\b/g)].map((match) => match[1] ?? '');
      assert.deepEqual([...new Set(referenced)].filter((symbol) => !declared.has(symbol)), []);
    }
  });
});
