import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PreparedWorld } from './blocks';
import type { BenchOptions } from './options';
import type { Rig } from './rig';
import { World, type WorldShape } from './world';
import { benchPlan, generateWorld, type WorldRequest } from './worldFiles';

export interface PreparedWorldFiles extends PreparedWorld {
  readonly stateMB: number;
  readonly directoryMB: number;
  readonly generatedMs: number;
  /** The first open of the generated state by the product's store (a no-op, or a one-time conversion). */
  readonly firstOpenMs: number;
}

/** Generates a world's directory and state under the run's scratch folder. */
export async function prepareWorld(rig: Rig, label: string, shape: WorldShape, options: BenchOptions): Promise<PreparedWorldFiles> {
  const folder = path.join(rig.scratch, label);
  const pristineFolder = path.join(folder, 'pristine');
  const request: WorldRequest = {
    shape,
    directoryFile: path.join(folder, 'directory.json'),
    writeDirectory: true,
    stateFile: path.join(pristineFolder, 'state.json'),
    serviceUrl: rig.serviceUrl,
    at: new Date().toISOString(),
    benchUsers: options.benchUsers,
    confirmFlows: 0,
  };
  const generated = await generateWorld(request);
  const world = new World(shape);
  return {
    label,
    world,
    request,
    pristineFolder,
    plan: benchPlan(world, request),
    stateMB: await folderMB(pristineFolder),
    directoryMB: (await stat(request.directoryFile)).size / 1024 / 1024,
    ...generated,
  };
}

async function folderMB(folder: string): Promise<number> {
  let bytes = 0;
  for (const name of await readdir(folder)) bytes += (await stat(path.join(folder, name))).size;
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}
