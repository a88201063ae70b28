/**
 * The records read last, up to a budget of their size on disk: a turn asks about the same person,
 * organization and subscription several times, and a click or two later about them again.
 */
export class RecordCache<T> {
  private readonly entries = new Map<string, { readonly value: T; readonly bytes: number }>();
  private held = 0;

  constructor(private readonly budgetBytes: number) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    // Map keeps insertion order: moving the entry to the end keeps the least recently used first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: T, bytes: number): void {
    const earlier = this.entries.get(key);
    if (earlier !== undefined) {
      this.entries.delete(key);
      this.held -= earlier.bytes;
    }
    this.entries.set(key, { value, bytes });
    this.held += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.held <= this.budgetBytes || oldest === key) break;
      this.entries.delete(oldest);
      this.held -= entry.bytes;
    }
  }
}
