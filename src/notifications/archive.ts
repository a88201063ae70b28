import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { OutboxEntry } from '../domain/model';

/**
 * Where finished notifications go when they leave the hot state file. The state file is rewritten
 * whole on every change (about 13 ms per 4 MB), so what grows without bound lives elsewhere: here, an
 * append-only file with one JSON line per notification, for people who want the history.
 */
export interface NotificationArchive {
  append(entries: readonly OutboxEntry[]): Promise<void>;
}

/** `<state file without .json>.notifications.jsonl`, beside the state file. */
export function archiveFileFor(stateFile: string): string {
  const parsed = path.parse(stateFile);
  return path.join(parsed.dir, `${parsed.ext === '.json' ? parsed.name : parsed.base}.notifications.jsonl`);
}

export class JsonLinesArchive implements NotificationArchive {
  constructor(readonly file: string) {}

  async append(entries: readonly OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await fs.appendFile(this.file, entries.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');
  }
}

export class MemoryArchive implements NotificationArchive {
  readonly entries: OutboxEntry[] = [];

  async append(entries: readonly OutboxEntry[]): Promise<void> {
    this.entries.push(...structuredClone(entries));
  }
}
