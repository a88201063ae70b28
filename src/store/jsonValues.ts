/** JSON values as the state holds them: copied, compared and frozen without leaving JSON. */

/** Sets an entry of a keyed collection as an own property, whatever its key ("__proto__" included). */
export function setEntry(collection: Record<string, unknown>, key: string, value: unknown): void {
  // Assigning "__proto__" would replace the object's prototype instead of adding an entry.
  if (key === '__proto__') Object.defineProperty(collection, key, { value, writable: true, enumerable: true, configurable: true });
  else collection[key] = value;
}

/**
 * A deep copy of a JSON value as it would read back from the file (a property holding undefined is
 * left out); much cheaper than structuredClone for the small flat entries of the state.
 */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item: unknown) => (item === undefined ? null : cloneJson(item))) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) setEntry(copy, key, cloneJson(item));
  }
  return copy as T;
}

/** Whether two JSON values are the same value (key order aside). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  const bRecord = b as Record<string, unknown>;
  const aRecord = a as Record<string, unknown>;
  return aKeys.every((key) => Object.prototype.hasOwnProperty.call(bRecord, key) && jsonEqual(aRecord[key], bRecord[key]));
}

/** Freezes a value and everything in it, so that changing a copy handed out as history fails loudly. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}
