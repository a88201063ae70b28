import { z } from 'zod';
import { ACCESS_LEVELS, ARTIFACTS_USAGE_LIMITS, ASSIGNED_BY, BILLING_MODES, LICENSING_SOURCES, type OrganizationUsage } from '../domain/directory';
import { describeValue } from './documentFields';

/**
 * The optional usage fields of an organization in the local directory file (DESIGN.md): who is
 * billed for which access level, the paid parallel jobs, Artifacts storage and the billing mode.
 * Built from the directory schema's own parts (`at` stands for the field's path in a message), so
 * that every field of the file is checked one way.
 */
export interface SchemaParts {
  readonly at: string;
  readonly text: () => z.ZodType<string>;
  readonly choice: <T extends string>(allowed: readonly T[]) => z.ZodType<T>;
  readonly list: <T extends z.ZodType>(item: T, what: string) => z.ZodType<z.output<T>[]>;
  readonly object: <S extends z.ZodRawShape>(what: string, shape: S) => z.ZodType<z.output<z.ZodObject<S>>>;
}

/** The keys of an organization entry that describe its usage; a problem there also names the organization. */
export const USAGE_KEYS: readonly string[] = ['billingMode', 'entitlements', 'parallelJobs', 'artifacts'];

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function usageShape(parts: SchemaParts) {
  const { at } = parts;
  const amount = (whole: boolean) => {
    const what = whole ? 'a whole number, 0 or more' : 'a number, 0 or more';
    const wrong = (input: unknown): string => (input === undefined ? `${at} is missing; add it as ${what}.` : `${at} must be ${what}, but it is ${describeValue(input)}.`);
    return z
      .number({ error: (issue) => wrong(issue.input) })
      .refine((value) => Number.isFinite(value) && value >= 0 && (!whole || Number.isInteger(value)), { error: (issue) => wrong(issue.input) });
  };
  const time = (nullable: boolean) => {
    const what = `a time such as "2026-11-30T17:02:00Z"${nullable ? ', or null if the user has never signed in' : ''}`;
    const wrong = (input: unknown): string => (input === undefined ? `${at} is missing; add it as ${what}.` : `${at} must be ${what}, but it is ${describeValue(input)}.`);
    return z.string({ error: (issue) => wrong(issue.input) }).refine((value) => TIME.test(value) && !Number.isNaN(Date.parse(value)), { error: (issue) => wrong(issue.input) });
  };
  const entitlement = parts.object("one user's access level", {
    userId: parts.text(),
    accessLevel: parts.choice(ACCESS_LEVELS),
    licensingSource: parts.choice(LICENSING_SOURCES),
    assignedBy: parts.choice(ASSIGNED_BY),
    assigned: time(false).optional(),
    lastAccessed: time(true).nullable(),
  });
  return {
    billingMode: parts.choice(BILLING_MODES).optional(),
    entitlements: parts.list(entitlement, "objects, each giving one user's access level").optional(),
    parallelJobs: parts.object('the paid parallel jobs ("microsoftHosted" and "selfHosted")', { microsoftHosted: amount(true), selfHosted: amount(true) }).optional(),
    artifacts: parts.object('Artifacts storage ("usedGiB" and "usageLimit")', { usedGiB: amount(false), usageLimit: parts.choice(ARTIFACTS_USAGE_LIMITS) }).optional(),
  };
}

type UsageFields = { [K in keyof OrganizationUsage]?: OrganizationUsage[K] | undefined };

/** The usage fields an entry gave, without the ones it left out ("usage not known" for those). */
export function usageOf(fields: UsageFields): OrganizationUsage {
  const entitlements = fields.entitlements?.map(({ assigned, ...rest }) => ({ ...rest, ...(assigned === undefined ? {} : { assigned }) }));
  return Object.fromEntries(Object.entries({ ...fields, entitlements }).filter(([, value]) => value !== undefined)) as OrganizationUsage;
}
