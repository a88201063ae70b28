import { z } from 'zod';
import { ConfigError } from './configError';
import { parsedUrl, type Settings } from './settings';
import type { StateStoreConfig } from './types';

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** An Azure table name starts with a letter and holds letters and digits; the prefix leaves room for the rest. */
const TABLE_PREFIX = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,49}$/, ', but it must start with a letter and hold only letters and digits (at most 50): it starts the name of an Azure table.');
const CONTAINER = z.string().regex(/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/, ', but a blob container name is 3 to 63 lower-case letters, digits and single hyphens.');

/** A storage endpoint: https, or plain http on this machine (Azurite). */
const STORAGE_URL = z.string().transform((value, context) => {
  const url = parsedUrl(value);
  if (!url) {
    context.addIssue({ code: 'custom', message: ", which is not a URL. Give the account's endpoint, such as https://<account>.table.core.windows.net/." });
    return z.NEVER;
  }
  const loopback = url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname);
  if (url.protocol !== 'https:' && !loopback) {
    context.addIssue({ code: 'custom', message: ', but it must be an https address (plain http only for localhost).' });
    return z.NEVER;
  }
  return url.href;
});

/**
 * STATE_STORE, and for `azure` how to reach the storage account: a connection string (Azurite's
 * `UseDevelopmentStorage=true` works), or, as infra/azure.bicep deploys it, the table and blob
 * endpoints reached as the managed identity (no keys). STATE_TABLE_PREFIX starts the table's name.
 */
export function readStateStore(settings: Settings): StateStoreConfig {
  const kind = settings.oneOf<StateStoreConfig['kind']>('STATE_STORE', ['file', 'azure'], 'file');
  if (kind === 'file') return { kind };
  const tablePrefix = settings.parsed('STATE_TABLE_PREFIX', TABLE_PREFIX, 'billingbot');
  const leaseContainer = settings.parsed('AZURE_STORAGE_STATE_CONTAINER', CONTAINER, `${tablePrefix.toLowerCase()}leases`);
  const connectionString = settings.text('AZURE_STORAGE_CONNECTION_STRING');
  const tableEndpoint = settings.parsed<string | undefined>('AZURE_STORAGE_TABLE_ENDPOINT', STORAGE_URL, undefined);
  const blobEndpoint = settings.parsed<string | undefined>('AZURE_STORAGE_BLOB_ENDPOINT', STORAGE_URL, undefined);
  if (connectionString !== undefined) {
    if (tableEndpoint !== undefined || blobEndpoint !== undefined) {
      throw new ConfigError('Both AZURE_STORAGE_CONNECTION_STRING and AZURE_STORAGE_TABLE_ENDPOINT/AZURE_STORAGE_BLOB_ENDPOINT are set. Set the connection string alone (a key or Azurite), or the two endpoints alone (the managed identity).');
    }
    checkConnectionString(connectionString);
    return { kind, tablePrefix, leaseContainer, account: { connectionString } };
  }
  if (tableEndpoint === undefined || blobEndpoint === undefined) {
    throw new ConfigError(
      'STATE_STORE is "azure" but the storage account is not named. Set AZURE_STORAGE_CONNECTION_STRING (UseDevelopmentStorage=true for Azurite), or AZURE_STORAGE_TABLE_ENDPOINT and AZURE_STORAGE_BLOB_ENDPOINT to reach it as the managed identity; or use STATE_STORE=file.',
    );
  }
  return { kind, tablePrefix, leaseContainer, account: { tableEndpoint, blobEndpoint, managedIdentityClientId: settings.text('AZURE_CLIENT_ID') } };
}

/** Refuses what is not a storage connection string, without repeating it (it may hold a key). */
function checkConnectionString(connectionString: string): void {
  const names = new Set(connectionString.split(';').map((part) => part.split('=')[0]?.trim().toLowerCase() ?? ''));
  const development = /(^|;)\s*UseDevelopmentStorage\s*=\s*true\s*(;|$)/i.test(connectionString);
  const keyed = names.has('accountname') && names.has('accountkey');
  const signed = names.has('sharedaccesssignature') && (names.has('accountname') || names.has('tableendpoint'));
  if (!development && !keyed && !signed) {
    throw new ConfigError(
      'AZURE_STORAGE_CONNECTION_STRING is not a storage connection string: it needs AccountName and AccountKey (or SharedAccessSignature), a TableEndpoint with a SharedAccessSignature, or UseDevelopmentStorage=true for Azurite. Copy it from the storage account\'s "Access keys" page.',
    );
  }
}
