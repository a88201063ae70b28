/**
 * Lookups in the state's id-keyed records with keys that arrive in requests (a card's flow id, a
 * conversation id). Plain indexing would answer "__proto__", "constructor" or "toString" with
 * Object.prototype's members, and plain assignment to "__proto__" would replace a record's prototype
 * instead of storing an entry.
 */

/** The record's own entry under `key`, or undefined. */
export function entryOf<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** Stores `value` as the record's own entry under `key`, whatever the key. */
export function putEntry<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
