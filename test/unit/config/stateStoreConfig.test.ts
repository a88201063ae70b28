import assert from 'node:assert/strict';
import { ConfigError, readConfig } from '../../../src/config';

const ACCOUNT = 'DefaultEndpointsProtocol=https;AccountName=billingbotstate;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net';

describe('Configuration: where the state lives (STATE_STORE)', () => {
  it('defaults to the state file', () => {
    assert.deepEqual(readConfig({}).stateStore, { kind: 'file' });
  });

  const accepted: { readonly env: Record<string, string>; readonly expected: unknown }[] = [
    { env: { STATE_STORE: 'file', AZURE_STORAGE_CONNECTION_STRING: ACCOUNT }, expected: { kind: 'file' } },
    {
      env: { STATE_STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' },
      expected: { kind: 'azure', account: { connectionString: 'UseDevelopmentStorage=true' }, tablePrefix: 'billingbot', leaseContainer: 'billingbotleases' },
    },
    {
      env: { STATE_STORE: 'Azure', AZURE_STORAGE_CONNECTION_STRING: ACCOUNT, STATE_TABLE_PREFIX: 'contosoBot2' },
      expected: { kind: 'azure', account: { connectionString: ACCOUNT }, tablePrefix: 'contosoBot2', leaseContainer: 'contosobot2leases' },
    },
    {
      env: { STATE_STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: 'TableEndpoint=https://acct.table.core.windows.net/;SharedAccessSignature=sv=2022&sig=abc' },
      expected: { kind: 'azure', account: { connectionString: 'TableEndpoint=https://acct.table.core.windows.net/;SharedAccessSignature=sv=2022&sig=abc' }, tablePrefix: 'billingbot', leaseContainer: 'billingbotleases' },
    },
    {
      // As infra/azure.bicep deploys it: no key, the managed identity.
      env: {
        STATE_STORE: 'azure', STATE_TABLE_PREFIX: 'billing', AZURE_STORAGE_TABLE_ENDPOINT: 'https://acct.table.core.windows.net/', AZURE_STORAGE_BLOB_ENDPOINT: 'https://acct.blob.core.windows.net/',
        AZURE_STORAGE_STATE_CONTAINER: 'state', AZURE_CLIENT_ID: 'identity-client-id',
      },
      expected: {
        kind: 'azure', tablePrefix: 'billing', leaseContainer: 'state',
        account: { tableEndpoint: 'https://acct.table.core.windows.net/', blobEndpoint: 'https://acct.blob.core.windows.net/', managedIdentityClientId: 'identity-client-id' },
      },
    },
  ];
  for (const { env, expected } of accepted) {
    it(`reads ${JSON.stringify(env).slice(0, 110)}`, () => {
      assert.deepEqual(readConfig(env).stateStore, expected);
    });
  }

  const refused: { readonly env: Record<string, string>; readonly message: RegExp }[] = [
    { env: { STATE_STORE: 'redis' }, message: /^STATE_STORE is "redis", but it must be one of: file, azure\.$/ },
    { env: { STATE_STORE: 'azure' }, message: /^STATE_STORE is "azure" but the storage account is not named\. Set AZURE_STORAGE_CONNECTION_STRING \(UseDevelopmentStorage=true for Azurite\)/ },
    { env: { STATE_STORE: 'azure', AZURE_STORAGE_TABLE_ENDPOINT: 'https://acct.table.core.windows.net/' }, message: /^STATE_STORE is "azure" but the storage account is not named/ },
    { env: { STATE_STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: ACCOUNT, AZURE_STORAGE_TABLE_ENDPOINT: 'https://acct.table.core.windows.net/' }, message: /^Both AZURE_STORAGE_CONNECTION_STRING and AZURE_STORAGE_TABLE_ENDPOINT/ },
    { env: { STATE_STORE: 'azure', AZURE_STORAGE_TABLE_ENDPOINT: 'http://acct.table.core.windows.net/', AZURE_STORAGE_BLOB_ENDPOINT: 'https://acct.blob.core.windows.net/' }, message: /^AZURE_STORAGE_TABLE_ENDPOINT is "http:\/\/acct\.table\.core\.windows\.net\/", but it must be an https address/ },
    { env: { STATE_STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: ACCOUNT, AZURE_STORAGE_STATE_CONTAINER: 'State_Blobs' }, message: /^AZURE_STORAGE_STATE_CONTAINER is "State_Blobs"/ },
    { env: { STATE_STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: 'https://acct.table.core.windows.net' }, message: /^AZURE_STORAGE_CONNECTION_STRING is not a storage connection string: it needs AccountName and AccountKey/ },
    { env: { STATE_STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: 'AccountName=acct' }, message: /^AZURE_STORAGE_CONNECTION_STRING is not a storage connection string/ },
    { env: { STATE_STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: ACCOUNT, STATE_TABLE_PREFIX: 'billing-bot' }, message: /^STATE_TABLE_PREFIX is "billing-bot", but it must start with a letter and hold only letters and digits/ },
    { env: { STATE_STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: ACCOUNT, STATE_TABLE_PREFIX: '1bot' }, message: /^STATE_TABLE_PREFIX is "1bot"/ },
  ];
  for (const { env, message } of refused) {
    it(`refuses ${JSON.stringify(env).slice(0, 110)} with a message naming the variable`, () => {
      assert.throws(() => readConfig(env), (error: unknown) => error instanceof ConfigError && message.test(error.message));
    });
  }

  it('never repeats the account key in a message', () => {
    assert.throws(
      () => readConfig({ STATE_STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: 'AccountKey=c2VjcmV0', STATE_TABLE_PREFIX: 'ok' }),
      (error: unknown) => error instanceof ConfigError && !error.message.includes('c2VjcmV0'),
    );
  });
});
