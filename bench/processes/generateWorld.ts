import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openLowdbStore } from '../../src/store/lowdbStore';
import { announceFailure, announceReady, childOptions, serveParent } from '../lib/child';
import { benchFlows, parseWorldRequest } from '../lib/worldFiles';
import { World } from '../lib/world';

/**
 * Writes a synthetic directory file and state file (in its own process, so that a world of 100,000
 * organizations never sits in the load generator's heap), then opens and closes the state once with
 * the product's store, as a bot upgraded onto an existing file would.
 */
async function main(): Promise<void> {
  const request = parseWorldRequest(childOptions());
  const world = new World(request.shape);
  const at = new Date(request.at);
  await mkdir(path.dirname(request.stateFile), { recursive: true });
  const started = performance.now();
  if (request.writeDirectory) {
    await mkdir(path.dirname(request.directoryFile), { recursive: true });
    await writeFile(request.directoryFile, JSON.stringify(world.directory(), null, 2));
  }
  const state = world.state(request.serviceUrl, benchFlows(world, request, at), at);
  await writeFile(request.stateFile, JSON.stringify(state, null, 2));
  const generatedMs = performance.now() - started;
  const opening = performance.now();
  const store = await openLowdbStore(request.stateFile);
  await store.close();
  serveParent({}, async () => undefined);
  announceReady({ generatedMs: Math.round(generatedMs), firstOpenMs: Math.round(performance.now() - opening) });
}

main().catch(announceFailure);
