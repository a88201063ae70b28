import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LIST_PRICES_USD, parsePriceTable, type PriceTable } from '../billing/prices';
import { ConfigError } from './configError';

/** The price table from PRICES_FILE, checked whole at start; without it, the shipped list prices. */
export function readPrices(file: string | undefined): PriceTable {
  if (file === undefined) return LIST_PRICES_USD;
  const absolute = path.resolve(file);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(absolute, 'utf8'));
  } catch (error) {
    throw new ConfigError(`PRICES_FILE is "${absolute}", which cannot be read as JSON (${(error as Error).message}). Fix the file, or unset PRICES_FILE to use the shipped list prices.`);
  }
  const parsed = parsePriceTable(value);
  if (!parsed.ok) {
    throw new ConfigError(`PRICES_FILE is "${absolute}", which is not a usable price table: ${parsed.problems.join(' ')}`);
  }
  return parsed.prices;
}
