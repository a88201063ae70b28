import { mkdtempSync, rmSync, chmodSync, writeFileSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLowdbStore } from '../../../src/store/lowdbStore';
import { createMemoryStore } from '../../../src/store/memoryStore';
import type { StateStore } from '../../../src/store/port';
import { describeStoreContract } from '../../support/storeContract';

/**
 * Whether a read-only folder stops this process from writing in it. It does not for root (or any
 * process allowed to override file permissions), which then needs another way to make a write fail.
 */
function readOnlyFolderStopsWrites(): boolean {
  const probe = mkdtempSync(path.join(os.tmpdir(), 'store contract probe '));
  try {
    chmodSync(probe, 0o555);
    try {
      writeFileSync(path.join(probe, 'probe'), 'x');
      return false;
    } catch {
      return true;
    }
  } finally {
    chmodSync(probe, 0o755);
    rmSync(probe, { recursive: true, force: true });
  }
}

describeStoreContract('memory store', {
  open: async () => createMemoryStore(),
  noRestartReason: 'the memory store keeps nothing outside the process, so there is nothing to restart from',
  failNextWrite: (store) => store.failNextWrite(),
});

describe('file store on a real folder', () => {
  let folder: string;
  let stateFile: string;
  const permissionsBind = readOnlyFolderStopsWrites();

  beforeEach(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'store contract '));
    // A space in the path on purpose: paths with spaces must work.
    stateFile = path.join(folder, 'bot state', 'state.json');
  });

  afterEach(async () => {
    await fs.chmod(path.dirname(stateFile), 0o755).catch(() => undefined);
    await fs.rm(folder, { recursive: true, force: true });
  });

  describeStoreContract<StateStore>('file store (openLowdbStore)', {
    open: () => openLowdbStore(stateFile),
    async reopen(store) {
      await store.close();
      return openLowdbStore(stateFile);
    },
    writeFailureDescription: permissionsBind
      ? 'its folder made read-only'
      : 'its folder moved away and a plain file put in its place: this process ignores file permissions (root), so a read-only folder would not stop the write',
    async failNextWrite() {
      const stateFolder = path.dirname(stateFile);
      if (permissionsBind) {
        await fs.chmod(stateFolder, 0o555);
        return () => fs.chmod(stateFolder, 0o755);
      }
      const aside = `${stateFolder} moved away`;
      await fs.rename(stateFolder, aside);
      await fs.writeFile(stateFolder, 'not a folder');
      return async () => {
        await fs.rm(stateFolder);
        await fs.rename(aside, stateFolder);
      };
    },
  });
});
