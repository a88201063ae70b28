import { keysWith } from './fieldIndex';
import { cloneJson, jsonEqual } from './jsonValues';
import { entryOf } from './records';

const REMOVED: unique symbol = Symbol('removed');

/** A keyed collection as committed, with the entries earlier updates of the same save set or removed. */
export class KeyedLayer {
  private readonly removed: ReadonlySet<string>;

  constructor(
    private readonly committed: Readonly<Record<string, unknown>>,
    private readonly pending: { readonly set: ReadonlyMap<string, unknown>; readonly removed: readonly string[] } | undefined,
  ) {
    this.removed = new Set(pending?.removed);
  }

  has(key: string): boolean {
    if (this.pending?.set.has(key)) return true;
    return !this.removed.has(key) && Object.prototype.hasOwnProperty.call(this.committed, key);
  }

  get(key: string): unknown {
    if (this.pending?.set.has(key)) return this.pending.set.get(key);
    return this.removed.has(key) ? undefined : this.committed[key];
  }

  /** The keys that may hold `value` in `field`: those the committed index names, and every pending one. */
  keysWith(field: string, value: string): string[] {
    const keys = new Set([...keysWith(this.committed, field, value)].filter((key) => !this.removed.has(key)));
    for (const key of this.pending?.set.keys() ?? []) keys.add(key);
    return [...keys];
  }

  keys(): string[] {
    if (!this.pending) return Object.keys(this.committed);
    const keys = Object.keys(this.committed).filter((key) => !this.removed.has(key));
    for (const key of this.pending.set.keys()) {
      if (!Object.prototype.hasOwnProperty.call(this.committed, key)) keys.push(key);
    }
    return keys;
  }
}

/** The draft behind each collection proxy a mutation holds, for valuesWhere. */
const draftsByProxy = new WeakMap<object, KeyedDraft>();

/** A field every wanted entry holds with this value: only those entries need to be looked at. */
export interface FieldValue {
  readonly field: string;
  readonly value: string;
}

/**
 * The entries of a keyed collection that pass `test`, as `Object.values(collection).filter(test)`
 * would give them; with `by`, only among the entries holding that value in that field (which `test`
 * must require too), found through an index of the committed collection. On a draft only the entries
 * that pass are copied into it: reading every value through the proxy copied the whole collection on
 * each such lookup (every flow, to find a person's open ones), and compared every copy again when the
 * update was saved. `test` must only read.
 */
export function valuesWhere<T>(collection: Readonly<Record<string, T>>, test: (value: T) => boolean, by?: FieldValue): T[] {
  const draft = draftsByProxy.get(collection);
  if (draft) return draft.keysWhere((value) => test(value as T), by).map((key) => collection[key] as T);
  if (!by) return Object.values(collection).filter(test);
  const found: T[] = [];
  for (const key of keysWith(collection, by.field, by.value)) {
    const value = entryOf(collection, key);
    if (value !== undefined && test(value)) found.push(value);
  }
  return found;
}

/**
 * A keyed collection as an update sees it: an entry is copied when the mutation reads it, and counts
 * as changed when it is deleted or differs from the one below at the end.
 */
export class KeyedDraft {
  /** Entries the mutation read (copies), set, or removed. */
  private readonly overlay = new Map<string, unknown>();
  readonly proxy: Record<string, unknown>;

  constructor(
    private readonly name: string,
    private readonly below: KeyedLayer,
  ) {
    this.proxy = new Proxy<Record<string, unknown>>(
      {},
      {
        get: (_target, key) => (typeof key === 'string' ? this.get(key) : inherited(key)),
        set: (_target, key, value: unknown) => {
          if (typeof key !== 'string') return false;
          this.overlay.set(key, value);
          return true;
        },
        deleteProperty: (_target, key) => {
          if (typeof key !== 'string') return false;
          this.overlay.set(key, REMOVED);
          return true;
        },
        defineProperty: (_target, key, descriptor) => {
          if (typeof key !== 'string' || !('value' in descriptor)) return false;
          this.overlay.set(key, descriptor.value);
          return true;
        },
        has: (_target, key) => (typeof key === 'string' && this.exists(key)) || key in Object.prototype,
        ownKeys: () => this.keys(),
        getOwnPropertyDescriptor: (_target, key) =>
          typeof key === 'string' && this.exists(key) ? { value: this.get(key), writable: true, enumerable: true, configurable: true } : undefined,
      },
    );
    draftsByProxy.set(this.proxy, this);
  }

  /** The keys whose current values pass `test`, looked at without copying them; with `by`, among those that may hold it. */
  keysWhere(test: (value: unknown) => boolean, by?: FieldValue): string[] {
    return (by ? this.candidates(by) : this.keys()).filter((key) => {
      const value = this.overlay.has(key) ? this.overlay.get(key) : this.below.get(key);
      return value !== REMOVED && value !== undefined && test(value);
    });
  }

  /** The keys that may hold `by`'s value: those below that may, and every key the mutation touched. */
  private candidates(by: FieldValue): string[] {
    const keys = new Set(this.below.keysWith(by.field, by.value));
    for (const key of this.overlay.keys()) keys.add(key);
    return [...keys];
  }

  changes(): { set: Map<string, unknown>; removed: string[] } {
    const set = new Map<string, unknown>();
    const removed: string[] = [];
    for (const [key, value] of this.overlay) {
      const had = this.below.has(key);
      if (value === REMOVED) {
        if (had) removed.push(key);
      } else if (!had || !jsonEqual(value, this.below.get(key))) {
        if (value === undefined) throw new TypeError(`The state's "${this.name}" cannot hold undefined for "${key}"; delete the entry instead. Nothing was changed.`);
        set.set(key, cloneJson(value));
      }
    }
    return { set, removed };
  }

  private exists(key: string): boolean {
    if (this.overlay.has(key)) return this.overlay.get(key) !== REMOVED;
    return this.below.has(key);
  }

  private get(key: string): unknown {
    if (this.overlay.has(key)) {
      const value = this.overlay.get(key);
      return value === REMOVED ? undefined : value;
    }
    if (!this.below.has(key)) return inherited(key);
    const copy = cloneJson(this.below.get(key));
    this.overlay.set(key, copy);
    return copy;
  }

  private keys(): string[] {
    const keys = this.below.keys().filter((key) => this.overlay.get(key) !== REMOVED);
    for (const [key, value] of this.overlay) {
      if (value !== REMOVED && !this.below.has(key)) keys.push(key);
    }
    return keys;
  }
}

/** What a plain object would find on its prototype (hasOwnProperty, toString...), so a collection behaves like one. */
function inherited(key: string | symbol): unknown {
  return Reflect.get(Object.prototype, key) as unknown;
}
