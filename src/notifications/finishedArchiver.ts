import type { Store } from '../domain/ports/store';
import type { NotificationArchive } from './archive';
import type { DeliveryLog } from './deliveryLog';
import { finishedToArchive, removeArchived } from './outbox';

const ARCHIVE_CHECK_EVERY_MS = 10_000;
const ARCHIVE_BATCH = 50;

export interface ArchiveSettings {
  /** Finished entries stay in the state file this long, then move to the archive. */
  readonly keepFinishedMs?: number;
  /** And at most this many stay, however recent. */
  readonly keepFinished?: number;
}

/** Moves finished notifications out of the hot state file into the archive beside it, in batches. */
export class FinishedArchiver {
  private lastCheck = Number.NEGATIVE_INFINITY;
  /** Entries finished since the archive was last looked at: enough of them, and it is looked at again. */
  private finishedSinceCheck = 0;

  constructor(
    private readonly store: Store,
    private readonly archive: NotificationArchive,
    private readonly logger: DeliveryLog,
    private readonly settings: ArchiveSettings,
  ) {}

  finished(count = 1): void {
    this.finishedSinceCheck += count;
  }

  async archiveIfDue(now: number): Promise<void> {
    const keep = this.settings.keepFinished ?? 200;
    // Looked at every ARCHIVE_BATCH finished entries, so that a busy outbox is archived in batches
    // (not one line at a time), and at least every ARCHIVE_CHECK_EVERY_MS; not on every pass, since
    // finding what leaves looks at the whole outbox.
    if (this.finishedSinceCheck < ARCHIVE_BATCH && now - this.lastCheck < ARCHIVE_CHECK_EVERY_MS) return;
    this.lastCheck = now;
    this.finishedSinceCheck = 0;
    try {
      const finished = await this.store.read((tx) => tx.outbox.listFinished());
      const leaving = finishedToArchive(finished, now, this.settings.keepFinishedMs ?? 60 * 60_000, keep);
      if (leaving.length === 0) return;
      // Appended first, removed second: a crash in between repeats a line of history, never loses one.
      await this.archive.append(leaving);
      await this.store.transaction((tx) => removeArchived(tx, leaving));
    } catch (error) {
      this.logger.warn({ err: error }, 'Finished notifications could not be moved to the archive; they stay in the state file for now.');
    }
  }
}
