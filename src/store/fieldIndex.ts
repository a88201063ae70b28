/**
 * Keys of a committed keyed collection by the value of one field of their entries (flows by owner):
 * built on the first lookup, then kept current by applyChanges, the only writer of a committed
 * collection. A person's open flows are then found without looking at everyone's.
 */

type Index = Map<string, Set<string>>;

const indexes = new WeakMap<object, Map<string, Index>>();
const NONE: ReadonlySet<string> = new Set();

/** The keys whose entries hold `value` in `field`. */
export function keysWith(collection: Readonly<Record<string, unknown>>, field: string, value: string): ReadonlySet<string> {
  let byField = indexes.get(collection);
  if (!byField) indexes.set(collection, (byField = new Map()));
  let index = byField.get(field);
  if (!index) {
    index = new Map();
    for (const key of Object.keys(collection)) add(index, fieldOf(collection[key], field), key);
    byField.set(field, index);
  }
  return index.get(value) ?? NONE;
}

/** Called just before the committed entry under `key` becomes `next` (undefined: removed). */
export function entryChanging(collection: Readonly<Record<string, unknown>>, key: string, next: unknown): void {
  const byField = indexes.get(collection);
  if (!byField) return;
  const before = Object.prototype.hasOwnProperty.call(collection, key) ? collection[key] : undefined;
  for (const [field, index] of byField) {
    if (before !== undefined) remove(index, fieldOf(before, field), key);
    if (next !== undefined) add(index, fieldOf(next, field), key);
  }
}

function fieldOf(entry: unknown, field: string): string | undefined {
  if (entry === null || typeof entry !== 'object') return undefined;
  const value = (entry as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

function add(index: Index, value: string | undefined, key: string): void {
  if (value === undefined) return;
  let keys = index.get(value);
  if (!keys) index.set(value, (keys = new Set()));
  keys.add(key);
}

function remove(index: Index, value: string | undefined, key: string): void {
  if (value === undefined) return;
  const keys = index.get(value);
  keys?.delete(key);
  if (keys?.size === 0) index.delete(value);
}
