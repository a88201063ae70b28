import { ARTIFACTS_USAGE_LIMITS, type ArtifactsUsageLimit } from '../domain/directory';
import type { MeterId, PaidQuantities } from '../domain/model';
import { BOUGHT_METERS, wholeNumberText, type Meter } from './meters';
import { completeQuantities } from './quantities';

/**
 * Reads the numbers a user typed on the quantities card. Input.Number reaches the bot as a number or
 * as a string, depending on the client, and a forged card can send anything at all, so every value
 * is checked here: whole numbers in plain digits, never negative, within the meter's bounds.
 */

export type QuantityReading = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string };

export interface QuantitiesReading {
  /** Every meter bought read (the others zero), when all are valid. */
  readonly quantities?: PaidQuantities;
  /** The Artifacts switch, when it was set to one of its two values. */
  readonly artifactsLimit?: ArtifactsUsageLimit;
  /** The values that were valid, to show again beside the messages for the others. */
  readonly valid: Partial<Record<MeterId, number>>;
  /** One sentence per invalid meter, naming it and saying what to enter. */
  readonly problems: readonly string[];
}

export function readQuantities(input: Readonly<Record<string, unknown>>): QuantitiesReading {
  const valid: Partial<Record<MeterId, number>> = {};
  const problems: string[] = [];
  for (const meter of BOUGHT_METERS) {
    const reading = readQuantity(meter, input[meter.id]);
    if (reading.ok) valid[meter.id] = reading.value;
    else problems.push(reading.message);
  }
  const artifactsLimit = ARTIFACTS_USAGE_LIMITS.find((limit) => limit === input.artifactsLimit);
  if (!artifactsLimit) problems.push('Artifacts storage: choose "Free tier only" or "Pay for what you use".');
  if (problems.length > 0) return { valid, problems, ...(artifactsLimit ? { artifactsLimit } : {}) };
  return { quantities: completeQuantities(valid), artifactsLimit, valid, problems };
}

export function readQuantity(meter: Meter, raw: unknown): QuantityReading {
  const range = `Enter a whole number from 0 to ${wholeNumberText(meter.max)}`;
  const refuse = (what: string): QuantityReading => ({ ok: false, message: `${meter.name}: ${what}. ${range}.` });

  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    return refuse('nothing was entered; enter 0 to pay for none');
  }
  let value: number;
  if (typeof raw === 'number') {
    value = raw;
  } else if (typeof raw === 'string') {
    const text = raw.trim();
    const shown = quoted(text);
    if (/^-\s*\d/.test(text)) return refuse(`${shown} is negative`);
    if (!/^\d+(\.\d+)?$/.test(text)) {
      // "1e3", "0x10" or "+5" are numbers to JavaScript, but not how a person writes a count.
      return refuse(Number.isFinite(Number(text)) ? `${shown} is not written in plain digits` : `${shown} is not a number`);
    }
    value = Number(text);
  } else {
    return refuse('that is not a number');
  }
  const shown = typeof raw === 'string' ? quoted(raw.trim()) : String(raw);
  if (!Number.isFinite(value)) return refuse(`${shown} is not a number`);
  if (value < 0) return refuse(`${shown} is negative`);
  if (!Number.isInteger(value)) return refuse(`${shown} is not a whole number`);
  if (value > meter.max) return refuse(`${shown} is more than ${wholeNumberText(meter.max)}, the most this bot buys`);
  // -0 and "007" are stored as the plain numbers they mean.
  return { ok: true, value: value === 0 ? 0 : value };
}

function quoted(text: string): string {
  return `"${text.length > 24 ? `${text.slice(0, 21)}...` : text}"`;
}
