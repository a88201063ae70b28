import path from 'node:path';
import { startAzurite } from '../../scripts/lib/azurite';
import { FIRST_PART, measureOn, type CellResult } from './blocks';
import { startChild } from './child';
import type { BenchOptions } from './options';
import type { Product, Rig } from './rig';
import { createScenario } from './scenarios';
import { summarize, type SummaryRow } from './summary';
import type { WorldShape } from './world';
import { prepareWorld } from './worlds';

/**
 * The same turns on the Azure Table store (Azurite on this machine), one instance and two sharing
 * one state, right beside the file store in the same block: each turn on the file store, on one
 * Azure instance, then on two (the connections split between them). The state is the same world's,
 * copied into the table as `npm run state -- import` would. No target: what the Azure store costs.
 * The confirmations are not measured here (each uses up a flow; `npm run bench:stores` times them).
 */

export const STORE_WORLDS = { file: 'file store', one: 'Azure store, 1 instance', two: 'Azure store, 2 instances' } as const;

export interface AzureStoreResult {
  readonly world: WorldShape;
  readonly cells: CellResult[];
  readonly summary: SummaryRow[];
  /** Runs that could not be measured (a probe answered with something else), so that the rest of the bench still runs. */
  readonly failures: string[];
}

export async function measureAzureStore(rig: Rig, options: BenchOptions, log: (line: string) => void): Promise<AzureStoreResult> {
  const organizations = Math.min(options.freshOrganizations, 1_000);
  const shape: WorldShape = { organizations, linked: false, auditPerLink: 0, references: Math.max(50, Math.floor(organizations / 2)) };
  log(`stores: a world of ${organizations} organizations, on the file store and on Azurite`);
  const prepared = await prepareWorld(rig, 'stores', shape, options);
  const azurite = await startAzurite();
  const cells: CellResult[] = [];
  const failures: string[] = [];
  const started: Product[] = [];
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const connections of options.storeConnections) {
        const azure = async (tablePrefix: string, instances: number): Promise<Product[]> => {
          const importer = await startChild('importState', { stateFile: path.join(prepared.pristineFolder, 'state.json'), connectionString: azurite.connectionString, tablePrefix }, 600_000);
          await importer.stop();
          const products = [];
          for (let i = 0; i < instances; i++) products.push(await rig.startProduct(await rig.copyState(prepared.pristineFolder, `stores-${tablePrefix}-${i}`), prepared.request.directoryFile, undefined, { connectionString: azurite.connectionString, tablePrefix }));
          started.push(...products);
          return products;
        };
        const file = await rig.startProduct(await rig.copyState(prepared.pristineFolder, 'stores-file'), prepared.request.directoryFile);
        started.push(file);
        const setups = [
          { world: STORE_WORLDS.file, products: [file] },
          { world: STORE_WORLDS.one, products: await azure(`benchone${round}c${connections}`, 1) },
          { world: STORE_WORLDS.two, products: await azure(`benchtwo${round}c${connections}`, 2) },
        ];
        await new Promise((resolve) => setTimeout(resolve, 1000));
        for (const name of FIRST_PART.filter((turn) => options.storeTurns.length === 0 || options.storeTurns.includes(turn))) {
          for (const { world, products } of setups) {
            const scenario = createScenario(name, prepared.plan, rig.serviceUrl);
            try {
              const { cell } = await measureOn(rig, scenario, products.map((p) => ({ url: p.url, server: p.child })), connections, options);
              cells.push({ ...cell, world, connections, round });
            } catch (error) {
              // Kept, and the run goes on: the other phases are worth more than one store's line.
              failures.push(`${name} on the ${world}, round ${round}: ${(error instanceof Error ? error.message : String(error)).slice(0, 1500)}`);
              log(`stores: ${failures[failures.length - 1] ?? ''}`);
            }
          }
        }
        log(`stores: round ${round}, ${connections} connections: ${cells.filter((c) => c.round === round && c.connections === connections).map((c) => `${c.world} ${c.scenario} ${Math.round(c.reqPerSec)}/s`).join(', ')}`);
        for (const product of started.splice(0)) await product.stop();
      }
    }
  } finally {
    for (const product of started) await product.stop();
    await azurite.stop();
  }
  return { world: shape, cells, summary: summarize(cells), failures };
}
