import type { BotState } from './state';
import { entryChanging } from './fieldIndex';
import { setEntry } from './jsonValues';

/** What one update, or several saved together, changed in the state: the unit a save writes. */
export interface ChangeSet {
  /** Top-level values kept whole, with their new value; undefined when the key was deleted. */
  readonly values: ReadonlyMap<string, unknown>;
  /** Per keyed collection: the entries set, with their new value, and the keys removed. */
  readonly entries: ReadonlyMap<string, { readonly set: ReadonlyMap<string, unknown>; readonly removed: readonly string[] }>;
  /** Per append-only collection: the items added, in order. */
  readonly appended: ReadonlyMap<string, readonly unknown[]>;
}

export const NO_CHANGES: ChangeSet = { values: new Map(), entries: new Map(), appended: new Map() };

export function isEmptyChangeSet(changes: ChangeSet): boolean {
  return changes.values.size === 0 && changes.entries.size === 0 && changes.appended.size === 0;
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
    for (const removed of change.removed) {
      entryChanging(collection, removed, undefined);
      delete collection[removed];
    }
    for (const [entry, value] of change.set) {
      entryChanging(collection, entry, value);
      setEntry(collection, entry, value);
    }
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
