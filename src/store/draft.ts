import type { BotState, StateLayout } from './state';

/**
 * The working copy an update mutates, without copying the state: each top-level collection is seen
 * through a proxy that copies only what the mutation touches and records what it changed. The
 * committed state stays untouched until the change set has been saved, so a mutation that throws or a
 * save that fails leaves nothing behind, and the cost of an update follows what it changes, not how
 * big the state has grown.
 *
 * - keyed collections (a record of entries): an entry is copied when the mutation reads it, and
 *   counts as changed when it is deleted or differs from the committed one at the end;
 * - append-only collections (a list): items can only be added; committed items read back frozen;
 * - anything else (small values kept in the state file itself): copied whole on first touch.
 *
 * The state is JSON by contract (it is saved as JSON), so copies and comparisons are of JSON values.
 */

const REMOVED: unique symbol = Symbol('removed');

export interface ChangeSet {
  /** Top-level values kept whole, with their new value; undefined when the key was deleted. */
  readonly values: ReadonlyMap<string, unknown>;
  /** Per keyed collection: the entries set, with their new value, and the keys removed. */
  readonly entries: ReadonlyMap<string, { readonly set: ReadonlyMap<string, unknown>; readonly removed: readonly string[] }>;
  /** Per append-only collection: the items added, in order. */
  readonly appended: ReadonlyMap<string, readonly unknown[]>;
}

export interface Draft {
  readonly state: BotState;
  /** What the mutation changed, with every value copied away from the mutation's references. */
  changes(): ChangeSet;
}

export const NO_CHANGES: ChangeSet = { values: new Map(), entries: new Map(), appended: new Map() };

export function isEmptyChangeSet(changes: ChangeSet): boolean {
  return changes.values.size === 0 && changes.entries.size === 0 && changes.appended.size === 0;
}

/**
 * A draft of `base` as it will be once `pending` (the changes of earlier updates saved together
 * with this one) is applied; its own changes are recorded apart from them.
 */
export function createDraft(base: Readonly<BotState>, layout: StateLayout, pending: ChangeSet = NO_CHANGES): Draft {
  const committed = base as unknown as Readonly<Record<string, unknown>>;
  const keyed = new Map<string, KeyedDraft>();
  const appendOnly = new Map<string, AppendOnlyDraft>();
  const values = new Map<string, { value: unknown; assigned: boolean }>();
  const belowHas = (key: string): boolean => (pending.values.has(key) ? pending.values.get(key) !== undefined : Object.prototype.hasOwnProperty.call(committed, key));
  const below = (key: string): unknown => (pending.values.has(key) ? pending.values.get(key) : committed[key]);

  const collectionDraft = (key: string): KeyedDraft | AppendOnlyDraft | undefined => {
    const kind = layout[key];
    if (kind === 'keyed') {
      let draft = keyed.get(key);
      if (!draft) keyed.set(key, (draft = new KeyedDraft(key, new KeyedLayer(committed[key] as Record<string, unknown>, pending.entries.get(key)))));
      return draft;
    }
    if (kind === 'append-only') {
      let draft = appendOnly.get(key);
      if (!draft) appendOnly.set(key, (draft = new AppendOnlyDraft(key, committed[key] as readonly unknown[], pending.appended.get(key) ?? [])));
      return draft;
    }
    return undefined;
  };
  const refuseWhole = (key: string): never => {
    throw new TypeError(`The state's "${key}" cannot be replaced or deleted as a whole; change its entries instead. Nothing was changed.`);
  };
  const exists = (key: string): boolean => {
    const written = values.get(key);
    return written ? written.value !== undefined : belowHas(key);
  };
  const read = (key: string): unknown => {
    const collection = collectionDraft(key);
    if (collection) return collection.proxy;
    let held = values.get(key);
    if (!held) values.set(key, (held = { value: cloneJson(below(key)), assigned: false }));
    return held.value;
  };

  const state = new Proxy<Record<string, unknown>>(
    {},
    {
      get: (_target, key) => (typeof key === 'string' ? read(key) : undefined),
      set: (_target, key, value: unknown) => {
        if (typeof key !== 'string') return false;
        if (layout[key]) refuseWhole(key);
        values.set(key, { value, assigned: true });
        return true;
      },
      deleteProperty: (_target, key) => {
        if (typeof key !== 'string') return false;
        if (layout[key]) refuseWhole(key);
        values.set(key, { value: undefined, assigned: true });
        return true;
      },
      has: (_target, key) => typeof key === 'string' && exists(key),
      ownKeys: () => [...new Set([...Object.keys(committed), ...pending.values.keys(), ...values.keys()])].filter(exists),
      getOwnPropertyDescriptor: (_target, key) =>
        typeof key === 'string' && exists(key) ? { value: read(key), writable: true, enumerable: true, configurable: true } : undefined,
    },
  ) as unknown as BotState;

  return {
    state,
    changes() {
      const changedValues = new Map<string, unknown>();
      for (const [key, held] of values) {
        const deleted = held.assigned && held.value === undefined;
        if (deleted ? belowHas(key) : !jsonEqual(held.value, below(key))) changedValues.set(key, cloneJson(held.value));
      }
      const entries = new Map<string, { set: Map<string, unknown>; removed: string[] }>();
      for (const [key, draft] of keyed) {
        const change = draft.changes();
        if (change.set.size > 0 || change.removed.length > 0) entries.set(key, change);
      }
      const appended = new Map<string, readonly unknown[]>();
      for (const [key, draft] of appendOnly) {
        if (draft.added.length > 0) appended.set(key, draft.added.map(cloneJson));
      }
      return { values: changedValues, entries, appended };
    },
  };
}

/**
 * One change set for updates saved together: `later`'s changes over `earlier`'s, both made on top
 * of `base`. A key removed is listed only if `base` has it, so the journals never delete what they
 * never held.
 */
export function mergeChangeSets(base: Readonly<BotState>, earlier: ChangeSet, later: ChangeSet): ChangeSet {
  if (isEmptyChangeSet(earlier)) return later;
  if (isEmptyChangeSet(later)) return earlier;
  const committed = base as unknown as Readonly<Record<string, unknown>>;
  const entries = new Map<string, { set: Map<string, unknown>; removed: string[] }>();
  for (const name of new Set([...earlier.entries.keys(), ...later.entries.keys()])) {
    const first = earlier.entries.get(name);
    const second = later.entries.get(name);
    const set = new Map(first?.set);
    const removed = new Set(first?.removed);
    const held = committed[name] as Readonly<Record<string, unknown>>;
    for (const key of second?.removed ?? []) {
      set.delete(key);
      if (Object.prototype.hasOwnProperty.call(held, key)) removed.add(key);
    }
    for (const [key, value] of second?.set ?? []) {
      set.set(key, value);
      removed.delete(key);
    }
    if (set.size > 0 || removed.size > 0) entries.set(name, { set, removed: [...removed] });
  }
  const appended = new Map<string, readonly unknown[]>();
  for (const name of new Set([...earlier.appended.keys(), ...later.appended.keys()])) {
    appended.set(name, [...(earlier.appended.get(name) ?? []), ...(later.appended.get(name) ?? [])]);
  }
  return { values: new Map([...earlier.values, ...later.values]), entries, appended };
}

/**
 * Makes the saved change set part of the committed state. Collections are changed in place, so an
 * update costs what it changed; the top-level object is new, so whoever holds the previous one sees
 * its own small values unchanged.
 */
export function applyChanges(state: BotState, changes: ChangeSet): BotState {
  const target = state as unknown as Record<string, unknown>;
  for (const [key, change] of changes.entries) {
    const collection = target[key] as Record<string, unknown>;
    for (const removed of change.removed) delete collection[removed];
    for (const [entry, value] of change.set) setEntry(collection, entry, value);
  }
  for (const [key, items] of changes.appended) {
    const list = target[key] as unknown[];
    for (const item of items) list.push(item);
  }
  const next: Record<string, unknown> = { ...target };
  for (const [key, value] of changes.values) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return next as unknown as BotState;
}

/** A keyed collection as committed, with the entries earlier updates of the same save set or removed. */
class KeyedLayer {
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

  keys(): string[] {
    if (!this.pending) return Object.keys(this.committed);
    const keys = Object.keys(this.committed).filter((key) => !this.removed.has(key));
    for (const key of this.pending.set.keys()) {
      if (!Object.prototype.hasOwnProperty.call(this.committed, key)) keys.push(key);
    }
    return keys;
  }
}

class KeyedDraft {
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

class AppendOnlyDraft {
  readonly added: unknown[] = [];
  readonly proxy: unknown[];

  constructor(
    private readonly name: string,
    private readonly committed: readonly unknown[],
    /** Items earlier updates of the same save added. */
    private readonly pending: readonly unknown[],
  ) {
    const push = (...items: unknown[]): number => {
      this.added.push(...items);
      return this.length;
    };
    // An array target, so that Array.isArray and the array methods see a list.
    this.proxy = new Proxy<unknown[]>([], {
      get: (_target, key) => {
        if (key === 'length') return this.length;
        if (key === 'push') return push;
        const index = indexOf(key);
        if (index !== undefined) return this.item(index);
        return Reflect.get(Array.prototype, key) as unknown;
      },
      set: (_target, key, value: unknown) => {
        const index = indexOf(key);
        if (index === this.length) {
          this.added.push(value);
          return true;
        }
        if (key === 'length' && value === this.length) return true;
        return this.refuse();
      },
      deleteProperty: () => this.refuse(),
      defineProperty: () => this.refuse(),
      has: (_target, key) => {
        const index = indexOf(key);
        return index !== undefined ? index < this.length : key === 'length' || key in Array.prototype;
      },
      ownKeys: () => [...Array.from({ length: this.length }, (_, i) => String(i)), 'length'],
      getOwnPropertyDescriptor: (_target, key) => {
        if (key === 'length') return { value: this.length, writable: true, enumerable: false, configurable: false };
        const index = indexOf(key);
        if (index === undefined || index >= this.length) return undefined;
        return { value: this.item(index), writable: true, enumerable: true, configurable: true };
      },
    });
  }

  private get length(): number {
    return this.committed.length + this.pending.length + this.added.length;
  }

  private item(index: number): unknown {
    const earlier = this.committed.length + this.pending.length;
    if (index >= earlier) return this.added[index - earlier];
    const item = index < this.committed.length ? this.committed[index] : this.pending[index - this.committed.length];
    // Items already added are history: hand out a frozen copy, so that changing one fails loudly.
    return deepFreeze(cloneJson(item));
  }

  private refuse(): never {
    throw new TypeError(`The state's "${this.name}" is append-only: add items with push, never change or remove them. Nothing was changed.`);
  }
}

function indexOf(key: string | symbol): number | undefined {
  if (typeof key !== 'string' || !/^(0|[1-9]\d*)$/.test(key)) return undefined;
  return Number(key);
}

/** What a plain object would find on its prototype (hasOwnProperty, toString...), so a collection behaves like one. */
function inherited(key: string | symbol): unknown {
  return Reflect.get(Object.prototype, key) as unknown;
}

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

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}
