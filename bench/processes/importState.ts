import { readConfig } from '../../src/config';
import { openAzureStore } from '../../src/store/azure/azureStore';
import { openLowdbStore } from '../../src/store/lowdbStore';
import { exportOfState, importInto } from '../../src/store/stateTransfer';
import { announceFailure, announceReady, childOptions, serveParent } from '../lib/child';

/**
 * Copies a generated file state into an Azure Table state (Azurite), as `npm run state -- import`
 * would, so that the Azure store's turns are measured on the same world, flows and references as the
 * file store's.
 */
async function main(): Promise<void> {
  const options = childOptions();
  const config = readConfig({ STATE_STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: String(options.connectionString), STATE_TABLE_PREFIX: String(options.tablePrefix), LOG_LEVEL: 'warn' });
  if (config.stateStore.kind !== 'azure') throw new Error('The Azure store was not configured.');
  const started = performance.now();
  const file = await openLowdbStore(String(options.stateFile));
  const document = exportOfState(file.snapshot());
  await file.close();
  const azure = await openAzureStore(config.stateStore);
  try {
    await importInto(azure, document);
  } finally {
    await azure.close();
  }
  serveParent({}, async () => undefined);
  announceReady({ importMs: Math.round(performance.now() - started) });
}

main().catch(announceFailure);
