import { z } from 'zod';
import { ConfigError } from './configError';
import type { Env } from './environment';

/**
 * One setting at a time, each checked by a zod schema whose messages say what the setting accepts.
 * A bad value stops the start with "NAME is "value", but it must be …", naming the variable.
 */

/** The part of a message after `NAME is "value"`: what the setting accepts, as a sentence ending. */
export function mustBe(accepted: string): string {
  return `, but it must be ${accepted}.`;
}

export function wholeNumberSchema(min: number, max: number): z.ZodType<number, string> {
  const accepted = mustBe(`a whole number from ${min} to ${max}`);
  return z
    .string()
    .regex(/^\d+$/, accepted)
    .transform(Number)
    .pipe(z.number().min(min, accepted).max(max, accepted));
}

/** One of `allowed`, in any case; the value is returned as `allowed` spells it. */
export function oneOfSchema<T extends string>(allowed: readonly T[]): z.ZodType<T, string> {
  return z.string().transform((value, context) => {
    const match = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
    if (match !== undefined) return match;
    context.addIssue({ code: 'custom', message: `, but it must be one of: ${allowed.join(', ')}.` });
    return z.NEVER;
  });
}

/** An https:// address without query or fragment, returned without trailing slashes. */
export function httpsUrlSchema(example: string): z.ZodType<string, string> {
  return z.string().transform((value, context) => {
    const url = parsedUrl(value);
    if (!url) {
      context.addIssue({ code: 'custom', message: mustBe(`an https:// URL such as ${example}`) });
      return z.NEVER;
    }
    if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '') {
      context.addIssue({ code: 'custom', message: mustBe(`an https:// URL without query or fragment, such as ${example}`) });
      return z.NEVER;
    }
    return url.href.replace(/\/+$/, '');
  });
}

export function parsedUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** The environment as settings: blank means unset, and each value is checked as it is read. */
export class Settings {
  constructor(private readonly env: Env) {}

  /** The trimmed value; undefined when unset or blank. */
  text(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  /** The value as `schema` reads it, or `fallback` when unset. */
  parsed<T>(name: string, schema: z.ZodType<T, string>, fallback: T): T {
    const value = this.text(name);
    if (value === undefined) return fallback;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    throw new ConfigError(`${name} is "${value}"${result.error.issues[0]?.message ?? mustBe('something else')}`);
  }

  wholeNumber(name: string, fallback: number, min: number, max: number): number {
    return this.parsed(name, wholeNumberSchema(min, max), fallback);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    return this.parsed(name, oneOfSchema(allowed), fallback);
  }

  httpsUrl(name: string, fallback: string): string {
    return this.parsed(name, httpsUrlSchema(fallback), fallback);
  }
}
