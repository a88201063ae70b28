import type { TableServiceClientOptions } from '@azure/data-tables';
import { StateConflictError, type ReadTransaction, type Store, type Transaction } from '../../domain/ports/store';
import { StateFileError } from '../port';
import { commitSession } from './commitSession';
import { flowRows } from './flowRows';
import { auditRows, linkRows, managerRows, outboxRows, quantitiesRows } from './organizationRows';
import { changeEventRows, conversationRows, overlayRows, reachRows } from './personRows';
import { ConcurrencyConflict, unavailable } from './tableErrors';
import { TableSession } from './tableSession';
import { TableArchive } from './tableArchive';
import { dumpAzureState } from './azureDump';
import type { StateExport } from '../stateTransfer';
import { tableClientFor, type StorageAccountAccess } from './storageAccount';

export interface AzureStoreSettings {
  readonly account: StorageAccountAccess;
  /** Starts the table's name, so that several bots can share one storage account. */
  readonly tablePrefix: string;
}

export interface AzureStoreOptions {
  /** Told when a write after the commit point failed (see commitSession). */
  readonly warn?: (fields: Readonly<Record<string, unknown>>, message: string) => void;
  /** How often a transaction runs before a conflict is given up on. */
  readonly maxAttempts?: number;
  readonly random?: () => number;
  /** Extra steps in every request's pipeline: tests use one to make the service refuse a write. */
  readonly additionalPolicies?: TableServiceClientOptions['additionalPolicies'];
}

/** Enough to outlast a few instances racing for one organization, short enough to answer in time. */
const DEFAULT_ATTEMPTS = 8;
const BACKOFF_STEP_MS = 25;

export const AZURE_STATE_TABLE_SUFFIX = 'state';

/** The store, and where the deliverer moves finished notifications (beside the state, in the same table). */
export interface AzureStore extends Store {
  readonly archive: TableArchive;
  /** The whole state as an export document: for `npm run state -- export` only. */
  dump(): Promise<StateExport>;
}

/**
 * The store port on Azure Table Storage (or Azure Cosmos DB for Table, or Azurite), shared by every
 * instance of the bot. A transaction reads what it needs, keeps its writes aside, and commits them
 * with ETags (see commitSession); when another instance won a race it runs again on fresh data, a
 * bounded number of times, then fails with StateConflictError. Within one process transactions run
 * one at a time, as on the file store, so that races happen only between instances.
 */
export async function openAzureStore(settings: AzureStoreSettings, options: AzureStoreOptions = {}): Promise<AzureStore> {
  const tableName = `${settings.tablePrefix}${AZURE_STATE_TABLE_SUFFIX}`;
  const where = `Azure table ${tableName}`;
  const table = tableClientFor(settings.account, tableName, options.additionalPolicies);
  try {
    await table.createTable();
  } catch (error) {
    throw new StateFileError(`The bot could not open its state in ${where}: ${error instanceof Error ? error.message : String(error)}. Check AZURE_STORAGE_CONNECTION_STRING (or the storage endpoints and the identity's access to them) and that the storage account, or Azurite, is reachable.`);
  }
  const maxAttempts = options.maxAttempts ?? DEFAULT_ATTEMPTS;
  const random = options.random ?? Math.random;
  let tail: Promise<unknown> = Promise.resolve();
  let closed = false;

  const attemptAll = async <T>(work: (tx: Transaction) => Promise<T>): Promise<T> => {
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const session = new TableSession(table, where);
      const result = await work(repositoriesOf(session));
      try {
        const problems = await commitSession(table, session, where);
        for (const problem of problems) {
          options.warn?.({ partitionKey: problem.partitionKey, err: problem.error }, 'A change was saved, but a record it also touched elsewhere (a flow, a reach record, an index) could not be updated; it is left as it was.');
        }
        return result;
      } catch (error) {
        if (!(error instanceof ConcurrencyConflict)) throw unavailable(where, error);
        await pause(BACKOFF_STEP_MS * attempt * (0.5 + random()));
      }
    }
    throw new StateConflictError(where, maxAttempts);
  };

  return {
    archive: new TableArchive(table),
    dump: async () => {
      try {
        return await dumpAzureState(table);
      } catch (error) {
        throw unavailable(where, error);
      }
    },
    read: async <T>(work: (tx: ReadTransaction) => Promise<T>): Promise<T> => work(repositoriesOf(new TableSession(table, where))),
    transaction: <T>(work: (tx: Transaction) => Promise<T>): Promise<T> => {
      if (closed) return Promise.reject(unavailable(where, new Error('the store was closed')));
      const run = tail.then(() => attemptAll(work));
      tail = run.catch(() => undefined);
      return run;
    },
    close: async () => {
      closed = true;
      await tail;
    },
  };
}

function repositoriesOf(session: TableSession): Transaction {
  return {
    links: linkRows(session),
    flows: flowRows(session, 'flow'),
    purchases: flowRows(session, 'purchase'),
    managerFlows: flowRows(session, 'managerflow'),
    accessFlows: flowRows(session, 'accessflow'),
    quantities: quantitiesRows(session),
    managers: managerRows(session),
    outbox: outboxRows(session),
    reach: reachRows(session),
    conversations: conversationRows(session),
    changeEvents: changeEventRows(session),
    directoryOverlay: overlayRows(session),
    audit: auditRows(session),
  };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
