import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openLowdbStore } from '../../src/store/lowdbStore';

/**
 * How long opening the state takes with large journals: `node dist/bench/processes/journalStartup.js [entries]`.
 * Writes a state folder in the format of the release before line checksums (links and audit with
 * `entries` lines each), then opens it: the first open converts the journals, the later ones read
 * them as every start does.
 */

const entries = Number(process.argv[2] ?? 200_000);
const OPENS = 5;

function link(i: number): string {
  const value = { organizationId: `org-${i}`, subscriptionId: `0b1f6a3e-5c2d-4e8f-9a7b-${String(i).padStart(12, '0')}`, linkedBy: `user-${i % 977}`, linkedAt: '2025-01-01T00:00:00.000Z' };
  return JSON.stringify({ set: `org-${i}`, value });
}

function audit(i: number): string {
  return JSON.stringify({ id: `audit-${i}`, at: '2025-01-01T00:00:00.000Z', actorId: `user-${i % 977}`, action: 'billing.setup', organizationId: `org-${i}`, toSubscriptionId: `sub-${i}` });
}

async function writeLegacyFolder(folder: string): Promise<string> {
  const stateFile = path.join(folder, 'state.json');
  const links = Array.from({ length: entries }, (_, i) => `${link(i)}\n`).join('');
  const audits = Array.from({ length: entries }, (_, i) => `${audit(i)}\n`).join('');
  await fs.writeFile(path.join(folder, 'state.links.1.jsonl'), links);
  await fs.writeFile(path.join(folder, 'state.audit.1.jsonl'), audits);
  const journals = {
    links: { kind: 'keyed', file: 'state.links.1.jsonl', bytes: Buffer.byteLength(links) },
    audit: { kind: 'append-only', file: 'state.audit.1.jsonl', bytes: Buffer.byteLength(audits) },
  };
  await fs.writeFile(stateFile, JSON.stringify({ schemaVersion: 1, flows: {}, conversations: {}, journals }));
  return stateFile;
}

async function timedOpen(stateFile: string): Promise<number> {
  const started = performance.now();
  const store = await openLowdbStore(stateFile);
  const elapsed = performance.now() - started;
  if (Object.keys(store.snapshot().links).length !== entries) throw new Error('The state did not open whole.');
  await store.close();
  return elapsed;
}

async function main(): Promise<void> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'journal-startup-'));
  try {
    const stateFile = await writeLegacyFolder(folder);
    const sizes = await Promise.all(['state.links.1.jsonl', 'state.audit.1.jsonl'].map(async (f) => (await fs.stat(path.join(folder, f))).size));
    const first = await timedOpen(stateFile);
    const later: number[] = [];
    for (let i = 0; i < OPENS; i++) later.push(await timedOpen(stateFile));
    later.sort((a, b) => a - b);
    const files = (await fs.readdir(folder)).filter((f) => f.endsWith('.jsonl'));
    const bytes = (await Promise.all(files.map(async (f) => (await fs.stat(path.join(folder, f))).size))).reduce((a, b) => a + b, 0);
    console.log(JSON.stringify({
      entries,
      legacyMegabytes: Number((sizes.reduce((a, b) => a + b, 0) / 1e6).toFixed(1)),
      firstOpenMs: Math.round(first),
      laterOpenMsMedian: Math.round(later[Math.floor(later.length / 2)] ?? 0),
      laterOpenMsMin: Math.round(later[0] ?? 0),
      journalsAfter: files,
      megabytesAfter: Number((bytes / 1e6).toFixed(1)),
    }));
  } finally {
    await fs.rm(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
