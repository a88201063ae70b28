import { z } from 'zod';
import { ROLE_NAMES, SPENDING_LIMITS, SUBSCRIPTION_STATES, type DirectoryFile } from '../domain/directory';
import type { DirectoryProblem } from './directoryFileError';
import { childPath, describeValue, quoteAll } from './documentFields';
import { USAGE_KEYS, usageOf, usageShape } from './usageSchema';

/**
 * The shape of the local directory file (DESIGN.md), as one schema. Each part says in its own words
 * what it accepts; the path of the problem is filled in once zod has found where it is, so that a
 * message names exactly the field, e.g. "organizations[1].tenantId". Fields the schema does not
 * name are allowed and left out of the result.
 */

/** Stands for the path in a message until the issue's path is known. */
const AT = '\u0000path\u0000';

const nonBlank = (value: string): boolean => value.trim() !== '';

function text() {
  const wrong = (input: unknown): string => `${AT} must be a non-empty string, but it is ${describeValue(input)}.`;
  return z
    .string({ error: (issue) => (issue.input === undefined ? `${AT} is missing; add it as a non-empty string.` : wrong(issue.input)) })
    .refine(nonBlank, { error: (issue) => wrong(issue.input) });
}

/** A string from a closed set; the message lists what is allowed, and guesses a value in the wrong case. */
function choice<T extends string>(allowed: readonly T[]) {
  const useOneOf = `use one of ${quoteAll(allowed)}`;
  return z.enum(allowed as [T, ...T[]], {
    error: (issue) => {
      const value = issue.input;
      if (value === undefined) return `${AT} is missing; ${useOneOf}.`;
      if (typeof value !== 'string') return `${AT} must be a string, but it is ${describeValue(value)}; ${useOneOf}.`;
      // Azure spells these values in exactly one case; a hand-edited file often does not.
      const sameLetters = allowed.find((option) => option.toLowerCase() === value.toLowerCase());
      const guess = sameLetters === undefined ? '' : ` (did you mean "${sameLetters}"?)`;
      return `${AT} is "${value}", which is not allowed${guess}; ${useOneOf}.`;
    },
  });
}

function list<T extends z.ZodType>(item: T, what: string) {
  return z.array(item, {
    error: (issue) =>
      issue.input === undefined
        ? `${AT} is missing; add it as a list of ${what} (an empty list [] if there are none).`
        : `${AT} must be a list of ${what}, but it is ${describeValue(issue.input)}.`,
  });
}

function userIds() {
  const wrong = (input: unknown): string => `${AT} must be a user id (a non-empty string), but it is ${describeValue(input)}.`;
  return list(z.string({ error: (issue) => wrong(issue.input) }).refine(nonBlank, { error: (issue) => wrong(issue.input) }), 'user ids');
}

function object<S extends z.ZodRawShape>(what: string, shape: S) {
  return z.object(shape, { error: (issue) => `${AT} must be an object describing ${what}, but it is ${describeValue(issue.input)}.` });
}

function collection<S extends z.ZodRawShape>(what: string, shape: S) {
  return list(object(what, shape), `objects, each describing ${what}`);
}

const USAGE = usageShape({ at: AT, text, choice, list, object });

const DIRECTORY_SCHEMA = z.object(
  {
    tenants: collection('a tenant', { id: text(), displayName: text() }),
    users: collection('a user', { id: text(), displayName: text(), email: text(), tenantId: text() }),
    organizations: list(
      object('an organization', {
        id: text(),
        name: text(),
        tenantId: text(),
        ownerId: text(),
        projectCollectionAdministrators: userIds(),
        members: userIds(),
        ...USAGE,
      }).transform(({ billingMode, entitlements, parallelJobs, artifacts, ...organization }) => ({
        ...organization,
        usage: usageOf({ billingMode, entitlements, parallelJobs, artifacts }),
      })),
      'objects, each describing an organization',
    ),
    subscriptions: collection('a subscription', {
      id: text(),
      displayName: text(),
      tenantId: text(),
      state: choice(SUBSCRIPTION_STATES),
      quotaId: text(),
      spendingLimit: choice(SPENDING_LIMITS),
    }),
    roleAssignments: collection('a role assignment', { subscriptionId: text(), principalId: text(), role: choice(ROLE_NAMES) }),
  },
  { error: () => 'The document must be a JSON object with the lists "tenants", "users", "organizations", "subscriptions" and "roleAssignments".' },
);

/** The document as a directory, or every problem of its shape, each with its path. */
export function readDirectoryShape(content: unknown): { readonly ok: true; readonly directory: DirectoryFile } | { readonly ok: false; readonly problems: DirectoryProblem[] } {
  const parsed = DIRECTORY_SCHEMA.safeParse(content);
  if (parsed.success) return { ok: true, directory: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      const path = issue.path.reduce<string>((at, key) => childPath(at, typeof key === 'number' ? key : String(key)), '');
      const message = issue.message.split(AT).join(path);
      const [collection, index, field] = issue.path;
      // A file with many organizations is edited by finding the organization, not by counting entries.
      const organization = collection === 'organizations' && typeof index === 'number' && typeof field === 'string' && USAGE_KEYS.includes(field) ? organizationLabel(content, index) : undefined;
      return { path, message: organization ? `${organization}: ${message}` : message };
    }),
  };
}

function organizationLabel(content: unknown, index: number): string {
  const entries = typeof content === 'object' && content !== null && 'organizations' in content ? content.organizations : undefined;
  const entry: unknown = Array.isArray(entries) ? entries[index] : undefined;
  const name = typeof entry === 'object' && entry !== null && 'name' in entry ? entry.name : undefined;
  return typeof name === 'string' && name.trim() !== '' ? `In organization "${name}"` : 'In an organization without a name';
}
