import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import { DefaultAzureCredential } from '@azure/identity';
import { ContainerClient } from '@azure/storage-blob';

/** How to reach the storage account: a connection string (a key, a SAS, or Azurite), or its endpoints as the managed identity. */
export type StorageAccountAccess =
  | { readonly connectionString: string }
  | { readonly tableEndpoint: string; readonly blobEndpoint: string; readonly managedIdentityClientId: string | undefined };

/** A user waits for the answer: fail over to "try again" within a second or two, not a minute. */
const RETRY = { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 };

export function tableClientFor(access: StorageAccountAccess, tableName: string, additionalPolicies: TableServiceClientOptions['additionalPolicies'] = []): TableClient {
  const options = { retryOptions: RETRY, additionalPolicies };
  if ('connectionString' in access) {
    return TableClient.fromConnectionString(access.connectionString, tableName, { ...options, allowInsecureConnection: plainHttp(access.connectionString) });
  }
  return new TableClient(access.tableEndpoint, tableName, credentialFor(access.managedIdentityClientId), { ...options, allowInsecureConnection: access.tableEndpoint.startsWith('http:') });
}

export function containerClientFor(access: StorageAccountAccess, container: string): ContainerClient {
  const options = { retryOptions: { maxTries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 } };
  if ('connectionString' in access) return new ContainerClient(access.connectionString, container, options);
  return new ContainerClient(`${access.blobEndpoint.replace(/\/+$/, '')}/${container}`, credentialFor(access.managedIdentityClientId), options);
}

/** Azurite speaks plain http; the SDK refuses to send a key over it unless told this is on purpose. */
function plainHttp(connectionString: string): boolean {
  return /UseDevelopmentStorage=true/i.test(connectionString) || /Endpoint=http:/i.test(connectionString);
}

function credentialFor(managedIdentityClientId: string | undefined): DefaultAzureCredential {
  return new DefaultAzureCredential(managedIdentityClientId ? { managedIdentityClientId } : {});
}
