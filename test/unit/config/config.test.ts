import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LIST_PRICES_USD } from '../../../src/billing/prices';
import { ConfigError, loadEnvironment, readConfig } from '../../../src/config';

describe('Configuration', () => {
  it('defaults to local development on the demo directory and ./data/state.json', () => {
    const config = readConfig({});
    assert.equal(config.port, 3978);
    assert.equal(config.directory, 'local');
    assert.equal(config.stateFile, path.resolve('data', 'state.json'));
    assert.match(config.directoryFile, /demo[/\\]directory\.json$/);
    assert.equal(config.credentials, undefined);
    assert.equal(config.flowTtlMinutes, 15);
    assert.equal(config.inactiveDays, 30);
    assert.deepEqual(config.notifications, { perConversationPerSecond: 7, perSecond: 50, maxAttempts: 5, sendTimeoutSeconds: 15, coalesceSeconds: 5 });
    assert.deepEqual(config.limits, { flowStartsPerMinute: 10, cardClicksPerMinute: 60, conversationMaxAgeDays: 180 });
  });

  it('reads the per-person limits and the age at which a conversation is forgotten', () => {
    const config = readConfig({ FLOW_STARTS_PER_MINUTE: '3', CARD_CLICKS_PER_MINUTE: '30', CONVERSATION_MAX_AGE_DAYS: '30' });
    assert.deepEqual(config.limits, { flowStartsPerMinute: 3, cardClicksPerMinute: 30, conversationMaxAgeDays: 30 });
  });

  it('reads how many days without signing in make a paid user inactive', () => {
    assert.equal(readConfig({ INACTIVE_DAYS: '90' }).inactiveDays, 90);
  });

  it('reads the notification pacing and retry settings', () => {
    const config = readConfig({ NOTIFY_PER_CONVERSATION_PER_SECOND: '3', NOTIFY_PER_SECOND: '20', NOTIFY_MAX_ATTEMPTS: '8', NOTIFY_SEND_TIMEOUT_SECONDS: '5', NOTIFY_COALESCE_SECONDS: '0' });
    assert.deepEqual(config.notifications, { perConversationPerSecond: 3, perSecond: 20, maxAttempts: 8, sendTimeoutSeconds: 5, coalesceSeconds: 0 });
  });

  const invalid: { env: Record<string, string>; names: RegExp }[] = [
    { env: { PORT: 'eighty' }, names: /^PORT is "eighty", but it must be a whole number from 0 to 65535\.$/ },
    { env: { PORT: '70000' }, names: /^PORT/ },
    { env: { LOG_LEVEL: 'loud' }, names: /^LOG_LEVEL is "loud", but it must be one of: fatal, error, warn, info, debug, trace, silent\.$/ },
    { env: { DIRECTORY: 'ldap' }, names: /^DIRECTORY is "ldap"/ },
    { env: { MicrosoftAppPassword: 'secret' }, names: /MicrosoftAppPassword is set but MicrosoftAppId is not/ },
    { env: { MicrosoftAppId: 'app' }, names: /MicrosoftAppId is set but MicrosoftAppPassword is not/ },
    { env: { MicrosoftAppId: 'app', MicrosoftAppPassword: 'p', MicrosoftAppType: 'SingleTenant' }, names: /needs MicrosoftAppTenantId/ },
    { env: { MicrosoftAppId: 'app', MicrosoftAppPassword: 'p', MicrosoftAppType: 'Sideways' }, names: /^MicrosoftAppType is "Sideways"/ },
    { env: { MicrosoftAppId: 'app', MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: 't', MicrosoftAppPassword: 'p' }, names: /^MicrosoftAppType is UserAssignedMSI, which signs in as the managed identity and takes no secret, but MicrosoftAppPassword is set\. Remove MicrosoftAppPassword/ },
    { env: { MicrosoftAppId: 'app', MicrosoftAppType: 'UserAssignedMSI' }, names: /^MicrosoftAppType is UserAssignedMSI, which needs MicrosoftAppTenantId/ },
    { env: { MicrosoftAppId: 'app', MicrosoftAppPassword: 'p', MicrosoftAppType: 'SingleTenant' }, names: /^MicrosoftAppType is SingleTenant, which needs MicrosoftAppTenantId/ },
    { env: { MicrosoftAppId: 'app', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: 't' }, names: /MicrosoftAppType SingleTenant needs the app registration's client secret/ },
    { env: { MicrosoftAppId: 'app', MicrosoftAppType: 'MultiTenant' }, names: /MicrosoftAppType MultiTenant needs the app registration's client secret; for a managed identity without a secret set MicrosoftAppType=UserAssignedMSI/ },
    { env: { MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: 't' }, names: /^MicrosoftAppType or MicrosoftAppTenantId is set but MicrosoftAppId is not, so the bot would accept unauthenticated requests/ },
    { env: { FLOW_TTL_MINUTES: '0' }, names: /^FLOW_TTL_MINUTES/ },
    { env: { INACTIVE_DAYS: '0' }, names: /^INACTIVE_DAYS is "0", but it must be a whole number from 1 to 3650\.$/ },
    { env: { INACTIVE_DAYS: 'a month' }, names: /^INACTIVE_DAYS is "a month"/ },
    { env: { FLOW_STARTS_PER_MINUTE: '0' }, names: /^FLOW_STARTS_PER_MINUTE is "0", but it must be a whole number from 1 to 1000000\.$/ },
    { env: { CARD_CLICKS_PER_MINUTE: 'many' }, names: /^CARD_CLICKS_PER_MINUTE is "many"/ },
    { env: { CONVERSATION_MAX_AGE_DAYS: '0' }, names: /^CONVERSATION_MAX_AGE_DAYS/ },
    { env: { NOTIFY_COALESCE_SECONDS: '-1' }, names: /^NOTIFY_COALESCE_SECONDS is "-1", but it must be a whole number from 0 to 300\.$/ },
    { env: { NOTIFY_PER_SECOND: '0' }, names: /^NOTIFY_PER_SECOND is "0", but it must be a whole number from 1 to 1000\.$/ },
    { env: { NOTIFY_PER_CONVERSATION_PER_SECOND: 'fast' }, names: /^NOTIFY_PER_CONVERSATION_PER_SECOND is "fast"/ },
    { env: { NOTIFY_PER_CONVERSATION_PER_SECOND: '10', NOTIFY_PER_SECOND: '5' }, names: /^NOTIFY_PER_CONVERSATION_PER_SECOND is 10, more than NOTIFY_PER_SECOND \(5\)/ },
    { env: { NOTIFY_MAX_ATTEMPTS: '0' }, names: /^NOTIFY_MAX_ATTEMPTS/ },
    { env: { NOTIFY_MAX_ATTEMPTS: '21' }, names: /^NOTIFY_MAX_ATTEMPTS/ },
    { env: { NOTIFY_SEND_TIMEOUT_SECONDS: '1.5' }, names: /^NOTIFY_SEND_TIMEOUT_SECONDS/ },
  ];
  for (const { env, names } of invalid) {
    it(`refuses ${JSON.stringify(env)} with a message naming the variable`, () => {
      assert.throws(() => readConfig(env), (error: unknown) => error instanceof ConfigError && names.test(error.message));
    });
  }

  it('accepts complete credentials', () => {
    const config = readConfig({ MicrosoftAppId: 'app', MicrosoftAppPassword: 'p', MicrosoftAppType: 'singletenant', MicrosoftAppTenantId: 't' });
    assert.deepEqual(config.credentials, { appId: 'app', appPassword: 'p', appType: 'SingleTenant', tenantId: 't' });
  });

  it('accepts a user-assigned managed identity: its client id, its tenant, no password', () => {
    const config = readConfig({ MicrosoftAppId: 'identity-client-id', MicrosoftAppType: 'userassignedmsi', MicrosoftAppTenantId: 't' });
    assert.deepEqual(config.credentials, { appId: 'identity-client-id', appPassword: '', appType: 'UserAssignedMSI', tenantId: 't' });
  });

  it('accepts DIRECTORY=azure with a managed identity', () => {
    const config = readConfig({
      DIRECTORY: 'azure',
      MicrosoftAppId: 'identity-client-id',
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppTenantId: 't',
      AZURE_ARM_CONNECTION_NAME: 'arm',
      AZURE_DEVOPS_CONNECTION_NAME: 'devops',
    });
    assert.equal(config.credentials?.appType, 'UserAssignedMSI');
    assert.equal(config.azure?.signIn.devOpsConnection, 'devops');
  });

  const AZURE: Record<string, string> = {
    DIRECTORY: 'azure',
    MicrosoftAppId: 'app',
    MicrosoftAppPassword: 'p',
    AZURE_ARM_CONNECTION_NAME: 'arm',
    AZURE_DEVOPS_CONNECTION_NAME: 'devops',
  };

  it('reads DIRECTORY=azure with the public Azure endpoints and deep-link billing writes by default', () => {
    const config = readConfig(AZURE);
    assert.equal(config.directory, 'azure');
    assert.deepEqual(config.azure, {
      signIn: { resourceManagerConnection: 'arm', devOpsConnection: 'devops', tokenExchangeUri: undefined },
      endpoints: {
        resourceManager: 'https://management.azure.com',
        devOpsProfile: 'https://app.vssps.visualstudio.com',
        devOpsGraph: 'https://vssps.dev.azure.com',
        devOpsCommerce: 'https://azdevopscommerce.dev.azure.com',
        devOpsEntitlements: 'https://vsaex.dev.azure.com',
        devOpsWeb: 'https://dev.azure.com',
        microsoftGraph: 'https://graph.microsoft.com',
      },
      http: { timeoutMs: 10_000, maxRetries: 3, maxRetryAfterMs: 10_000 },
      billingWrites: 'deep-link',
    });
    assert.equal(readConfig({}).azure, undefined);
  });

  it('takes endpoints, limits, SSO and API writes from the environment', () => {
    const config = readConfig({
      ...AZURE,
      ARM_ENDPOINT: 'https://127.0.0.1:8443/arm/',
      AZURE_DEVOPS_GRAPH_ENDPOINT: 'https://localhost:9443/vssps',
      AZURE_DEVOPS_ENTITLEMENTS_ENDPOINT: 'https://localhost:9443/vsaex/',
      AZURE_REQUEST_TIMEOUT_SECONDS: '5',
      AZURE_MAX_RETRIES: '0',
      AZURE_MAX_RETRY_AFTER_SECONDS: '30',
      AZURE_BILLING_WRITES: 'api',
      AZURE_SSO_TOKEN_EXCHANGE_URI: 'api://botid-1234',
      AZURE_GRAPH_CONNECTION_NAME: 'graph',
      MICROSOFT_GRAPH_ENDPOINT: 'https://127.0.0.1:8443/graph',
    });
    assert.equal(config.azure?.signIn.graphConnection, 'graph');
    assert.equal(config.azure?.endpoints.microsoftGraph, 'https://127.0.0.1:8443/graph');
    assert.equal(config.azure?.endpoints.resourceManager, 'https://127.0.0.1:8443/arm');
    assert.equal(config.azure?.endpoints.devOpsGraph, 'https://localhost:9443/vssps');
    assert.equal(config.azure?.endpoints.devOpsEntitlements, 'https://localhost:9443/vsaex');
    assert.deepEqual(config.azure?.http, { timeoutMs: 5_000, maxRetries: 0, maxRetryAfterMs: 30_000 });
    assert.equal(config.azure?.billingWrites, 'api');
    assert.equal(config.azure?.signIn.tokenExchangeUri, 'api://botid-1234');
  });

  const invalidAzure: { env: Record<string, string>; names: RegExp }[] = [
    { env: { DIRECTORY: 'azure' }, names: /^DIRECTORY is "azure", which signs users in through the Bot Framework token service and so needs the bot's MicrosoftAppId/ },
    { env: { ...AZURE, AZURE_ARM_CONNECTION_NAME: '' }, names: /^DIRECTORY is "azure" but AZURE_ARM_CONNECTION_NAME is not set/ },
    { env: { ...AZURE, AZURE_DEVOPS_CONNECTION_NAME: ' ' }, names: /^DIRECTORY is "azure" but AZURE_DEVOPS_CONNECTION_NAME is not set/ },
    { env: { ...AZURE, ARM_ENDPOINT: 'http://management.azure.com' }, names: /^ARM_ENDPOINT is "http:\/\/management\.azure\.com", but it must be an https:\/\/ URL/ },
    { env: { ...AZURE, AZURE_DEVOPS_COMMERCE_ENDPOINT: 'not a url' }, names: /^AZURE_DEVOPS_COMMERCE_ENDPOINT is "not a url"/ },
    { env: { ...AZURE, AZURE_DEVOPS_PROFILE_ENDPOINT: 'https://app.vssps.visualstudio.com/?x=1' }, names: /^AZURE_DEVOPS_PROFILE_ENDPOINT .* without query or fragment/ },
    { env: { ...AZURE, AZURE_BILLING_WRITES: 'always' }, names: /^AZURE_BILLING_WRITES is "always", but it must be one of: deep-link, api\.$/ },
    { env: { ...AZURE, AZURE_REQUEST_TIMEOUT_SECONDS: '0' }, names: /^AZURE_REQUEST_TIMEOUT_SECONDS/ },
    { env: { ...AZURE, AZURE_MAX_RETRIES: '11' }, names: /^AZURE_MAX_RETRIES/ },
    { env: { ...AZURE, AZURE_SSO_TOKEN_EXCHANGE_URI: 'https://bot' }, names: /^AZURE_SSO_TOKEN_EXCHANGE_URI is "https:\/\/bot", but it must be the Application ID URI/ },
  ];
  for (const { env, names } of invalidAzure) {
    it(`refuses an Azure setting ${JSON.stringify(env).slice(0, 120)} with a message naming the variable`, () => {
      assert.throws(() => readConfig(env), (error: unknown) => error instanceof ConfigError && names.test(error.message));
    });
  }

  describe('PRICES_FILE', () => {
    let folder: string;
    beforeEach(async () => {
      folder = await mkdtemp(path.join(os.tmpdir(), 'billing-bot-prices-'));
    });
    afterEach(async () => {
      await rm(folder, { recursive: true, force: true });
    });

    it('uses the shipped list prices when unset', () => {
      assert.deepEqual(readConfig({}).prices, LIST_PRICES_USD);
    });

    it('replaces the list prices with the file', async () => {
      const file = path.join(folder, 'prices.json');
      await writeFile(file, JSON.stringify({ ...LIST_PRICES_USD, basicUsers: 5.5, note: 'agreed prices' }));
      assert.equal(readConfig({ PRICES_FILE: file }).prices.basicUsers, 5.5);
    });

    const bad: { name: string; content?: string; says: RegExp }[] = [
      { name: 'a missing file', says: /^PRICES_FILE is ".*missing\.json", which cannot be read as JSON.*unset PRICES_FILE/ },
      { name: 'a file that is not JSON', content: '{ basicUsers: 6 }', says: /cannot be read as JSON/ },
      { name: 'a price table with a gap', content: JSON.stringify({ ...LIST_PRICES_USD, artifactsGiB: null }), says: /is not a usable price table: "artifactsGiB" must be a price/ },
    ];
    for (const { name, content, says } of bad) {
      it(`refuses ${name}, naming the variable and the file`, async () => {
        const file = path.join(folder, content === undefined ? 'missing.json' : 'prices.json');
        if (content !== undefined) await writeFile(file, content);
        assert.throws(() => readConfig({ PRICES_FILE: file }), (error: unknown) => error instanceof ConfigError && says.test(error.message) && error.message.includes(file));
      });
    }
  });

  it('reads .env beneath the real environment, which wins', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'billing-bot-env-'));
    try {
      const file = path.join(folder, '.env');
      await writeFile(file, 'PORT=4000\nLOG_LEVEL=debug\n');
      const env = loadEnvironment({ PORT: '5000' }, file);
      const config = readConfig(env);
      assert.equal(config.port, 5000);
      assert.equal(config.logLevel, 'debug');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
