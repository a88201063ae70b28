import { messageOf } from './errorDetails';
import type { CollectionValue } from './journal';
import { checkedLine } from './journalLines';
import { setEntry } from './jsonValues';
import { StateFileError } from './port';
import type { CollectionKind } from './state';

/**
 * The collection a journal's saved text describes, for readers that must not touch the file (a
 * snapshot beside a running bot).
 * @throws StateFileError naming the journal when a line is not what this collection holds.
 */
export function parseJournal(file: string, collection: string, kind: CollectionKind, text: string, checksummed: boolean): CollectionValue {
  const content = new JournalContent(file, collection, kind, checksummed);
  if (text !== '' && !text.endsWith('\n')) {
    throw new StateFileError(`The journal ${file} of the state's "${collection}" does not end where the state file says a line ended. Restore the folder from a backup.`);
  }
  content.add(text.split('\n').slice(0, -1));
  return content.finish().value;
}

/** A journal's lines folded into the collection they describe, as they are read. */
export class JournalContent {
  private readonly items: unknown[] = [];
  private lineCount = 0;

  constructor(
    private readonly file: string,
    private readonly collection: string,
    private readonly kind: CollectionKind,
    private readonly checksummed: boolean,
    /** Where a keyed journal's entries go: a new record, or one the state already holds (a collection read after start). */
    private readonly entries: Record<string, unknown> = {},
  ) {}

  add(lines: readonly string[]): void {
    for (const saved of lines) {
      this.apply(this.parse(this.checksummed ? this.checked(saved) : saved));
      this.lineCount++;
    }
  }

  private checked(saved: string): string {
    const json = checkedLine(saved);
    if (json !== undefined) return json;
    throw this.bad(
      /^[0-9a-f]{8} /.test(saved)
        ? 'does not match its checksum: it was changed or damaged after the bot wrote it'
        : 'does not start with a checksum, as every line of this journal must: it was changed or damaged after the bot wrote it',
    );
  }

  private apply(change: unknown): void {
    if (this.kind === 'append-only') {
      this.items.push(change);
      return;
    }
    if (typeof change === 'object' && change !== null && !Array.isArray(change)) {
      const { set, value, delete: removed } = change as Record<string, unknown>;
      if (typeof set === 'string' && value !== undefined) {
        setEntry(this.entries, set, value);
        return;
      }
      if (typeof removed === 'string') {
        delete this.entries[removed];
        return;
      }
    }
    throw this.bad('is neither {"set":key,"value":...} nor {"delete":key}');
  }

  finish(): { value: CollectionValue; lines: number; live: number } {
    if (this.kind === 'append-only') return { value: this.items, lines: this.lineCount, live: this.items.length };
    return { value: this.entries, lines: this.lineCount, live: Object.keys(this.entries).length };
  }

  private parse(line: string): unknown {
    try {
      return JSON.parse(line) as unknown;
    } catch (error) {
      throw this.bad(`is not valid JSON (${messageOf(error)})`);
    }
  }

  private bad(why: string): StateFileError {
    return new StateFileError(
      `Line ${this.lineCount + 1} of the journal ${this.file} of the state's "${this.collection}" ${why}. ` +
        'The bot did not start and left the file untouched: restore the folder from a backup.',
    );
  }
}
