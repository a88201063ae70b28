import { cloneJson, deepFreeze } from './jsonValues';

/** An append-only collection as an update sees it: items can only be added; earlier items read back frozen. */
export class AppendOnlyDraft {
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
