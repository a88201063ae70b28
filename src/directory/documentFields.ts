import type { DirectoryProblem } from './directoryFileError';

/**
 * How problems of a parsed JSON document are told: each with the path of the field, in words a
 * person editing the file understands.
 */

export class ProblemList {
  private readonly found: DirectoryProblem[] = [];

  add(path: string, message: string): void {
    this.found.push({ path, message });
  }

  get items(): readonly DirectoryProblem[] {
    return this.found;
  }

  get isEmpty(): boolean {
    return this.found.length === 0;
  }
}

/** `organizations` + 2 → `organizations[2]`; `organizations[2]` + `tenantId` → `organizations[2].tenantId`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** How a value reads in a sentence: "a string", "the number 42", "null", "a list". */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return value === '' ? 'an empty string' : `the string "${value}"`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `the value ${value}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

export function quoteAll(values: readonly string[]): string {
  return values.map((value) => `"${value}"`).join(', ');
}
