import { AppendOnlyDraft } from './appendOnlyDraft';
import { NO_CHANGES, type ChangeSet } from './changeSet';
import { cloneJson, jsonEqual } from './jsonValues';
import { KeyedDraft, KeyedLayer } from './keyedDraft';
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

export interface Draft {
  readonly state: BotState;
  /** What the mutation changed, with every value copied away from the mutation's references. */
  changes(): ChangeSet;
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
