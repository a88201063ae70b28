/**
 * `npm run state -- export FILE` and `npm run state -- import FILE`: moves a whole state between the
 * file store and the Azure store. Acts on the store the configuration names (STATE_STORE, with
 * STATE_FILE or the Azure settings, from the environment or .env), so a move is an export with one
 * configuration and an import with the other. Importing the same file twice changes nothing more.
 * Stop the bot first for a file store (it holds the file's lock), and for a consistent export.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readConfig, type Config } from '../src/config';
import { openAzureStore } from '../src/store/azure/azureStore';
import { openLowdbStore } from '../src/store/lowdbStore';
import { exportOfState, importInto, parseStateExport, countsOf, type CollectionCounts, type StateExport } from '../src/store/stateTransfer';

const USAGE = 'Usage: npm run state -- export FILE   (writes the state to FILE)\n       npm run state -- import FILE   (writes FILE into the state)\n';

async function main(args: readonly string[]): Promise<number> {
  const [command, file] = args;
  if ((command !== 'export' && command !== 'import') || file === undefined || args.length !== 2) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = readConfig();
  const target = path.resolve(file);
  if (command === 'export') {
    const document = await exportFrom(config);
    await writeFile(target, `${JSON.stringify(document, null, 2)}\n`, 'utf8');
    report(`Exported the state of ${where(config)} to ${target}:`, countsOf(document));
    return 0;
  }
  const document = parseStateExport(await readFile(target, 'utf8'), target);
  report(`Imported ${target} into the state of ${where(config)}:`, await importTo(config, document));
  return 0;
}

async function exportFrom(config: Config): Promise<StateExport> {
  const settings = config.stateStore;
  if (settings.kind === 'file') {
    const store = await openLowdbStore(config.stateFile, { warn: (message) => process.stderr.write(`${message}\n`) });
    try {
      return exportOfState(store.snapshot());
    } finally {
      await store.close();
    }
  }
  const store = await openAzureStore(settings);
  try {
    return await store.dump();
  } finally {
    await store.close();
  }
}

async function importTo(config: Config, document: StateExport): Promise<CollectionCounts> {
  const settings = config.stateStore;
  const store = settings.kind === 'file' ? await openLowdbStore(config.stateFile, { warn: (message) => process.stderr.write(`${message}\n`) }) : await openAzureStore(settings);
  try {
    return await importInto(store, document);
  } finally {
    await store.close();
  }
}

function where(config: Config): string {
  return config.stateStore.kind === 'file' ? config.stateFile : `Azure table ${config.stateStore.tablePrefix}state`;
}

function report(heading: string, counts: CollectionCounts): void {
  const width = Math.max(...Object.keys(counts).map((name) => name.length));
  process.stdout.write(`${heading}\n${Object.entries(counts).map(([name, count]) => `  ${name.padEnd(width)}  ${count}`).join('\n')}\n`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
