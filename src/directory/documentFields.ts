import type { DirectoryProblem } from './directoryFileError';

/**
 * Typed readers for a parsed JSON document. Each reader either returns a value of the promised type
 * or records a problem naming the path and returns undefined, so one pass reports every problem.
 */

export type JsonObject = Readonly<Record<string, unknown>>;

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

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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

export function readObject(value: unknown, path: string, what: string, problems: ProblemList): JsonObject | undefined {
  if (isJsonObject(value)) return value;
  problems.add(path, `${path} must be an object describing ${what}, but it is ${describeValue(value)}.`);
  return undefined;
}

export function readList(parent: JsonObject, key: string, path: string, what: string, problems: ProblemList): readonly unknown[] | undefined {
  const at = childPath(path, key);
  const value = parent[key];
  if (Array.isArray(value)) return value;
  if (value === undefined) {
    problems.add(at, `${at} is missing; add it as a list of ${what} (an empty list [] if there are none).`);
  } else {
    problems.add(at, `${at} must be a list of ${what}, but it is ${describeValue(value)}.`);
  }
  return undefined;
}

export function readText(parent: JsonObject, key: string, path: string, problems: ProblemList): string | undefined {
  const at = childPath(path, key);
  const value = parent[key];
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (value === undefined) {
    problems.add(at, `${at} is missing; add it as a non-empty string.`);
  } else {
    problems.add(at, `${at} must be a non-empty string, but it is ${describeValue(value)}.`);
  }
  return undefined;
}

/** A string from a closed set, e.g. a subscription state; the message lists the allowed values. */
export function readChoice<T extends string>(
  parent: JsonObject,
  key: string,
  path: string,
  allowed: readonly T[],
  problems: ProblemList,
): T | undefined {
  const at = childPath(path, key);
  const value = parent[key];
  const match = allowed.find((choice) => choice === value);
  if (match !== undefined) return match;
  const useOneOf = `use one of ${quoteAll(allowed)}`;
  if (value === undefined) {
    problems.add(at, `${at} is missing; ${useOneOf}.`);
  } else if (typeof value !== 'string') {
    problems.add(at, `${at} must be a string, but it is ${describeValue(value)}; ${useOneOf}.`);
  } else {
    // Azure spells these values in exactly one case; a hand-edited file often does not.
    const sameLetters = allowed.find((choice) => choice.toLowerCase() === value.toLowerCase());
    const guess = sameLetters === undefined ? '' : ` (did you mean "${sameLetters}"?)`;
    problems.add(at, `${at} is "${value}", which is not allowed${guess}; ${useOneOf}.`);
  }
  return undefined;
}

/** A list of user ids, e.g. an organization's members; each entry must be a non-empty string. */
export function readUserIdList(parent: JsonObject, key: string, path: string, problems: ProblemList): readonly string[] | undefined {
  const items = readList(parent, key, path, 'user ids', problems);
  if (items === undefined) return undefined;
  const at = childPath(path, key);
  const ids: string[] = [];
  let allValid = true;
  items.forEach((item, index) => {
    if (typeof item === 'string' && item.trim() !== '') {
      ids.push(item);
    } else {
      allValid = false;
      const itemPath = childPath(at, index);
      problems.add(itemPath, `${itemPath} must be a user id (a non-empty string), but it is ${describeValue(item)}.`);
    }
  });
  return allValid ? ids : undefined;
}
