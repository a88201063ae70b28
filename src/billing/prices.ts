import { METER_IDS, type MeterId, type PaidQuantities } from '../domain/model';

/**
 * The one place list prices live: USD per paid unit per month (BILLING.md). Microsoft's documentation
 * points to the pricing calculator rather than quoting prices, so every amount the bot shows is
 * labelled a list-price estimate, and a deployment may replace this table with PRICES_FILE.
 *
 * Artifacts storage is billed on use in tiers: `artifactsGiB` is the price of the first paid tier
 * (2–10 GiB); the lower prices of the larger tiers are in usage/usageCharges.ts.
 */
export type PriceTable = Readonly<Record<MeterId, number>>;

export const LIST_PRICES_USD: PriceTable = {
  basicUsers: 6,
  basicTestPlansUsers: 52,
  microsoftHostedJobs: 40,
  selfHostedJobs: 15,
  artifactsGiB: 2,
};

/** Prices above this per unit are taken for a typo (cents entered as dollars, say). */
const HIGHEST_UNIT_PRICE = 100_000;

/** Unit price in whole cents, so sums never carry floating-point dust. */
export function unitPriceCents(prices: PriceTable, meter: MeterId): number {
  return Math.round(prices[meter] * 100);
}

/** The list-price estimate of one meter's paid quantity, in cents a month. */
export function meterMonthlyCents(prices: PriceTable, meter: MeterId, quantity: number): number {
  return quantity * unitPriceCents(prices, meter);
}

/** The list-price estimate of all paid quantities, in cents a month. */
export function monthlyCents(prices: PriceTable, paid: PaidQuantities): number {
  return METER_IDS.reduce((sum, meter) => sum + meterMonthlyCents(prices, meter, paid[meter]), 0);
}

/**
 * Reads a price table from parsed JSON: an object with a price for each of the five meters (and an
 * optional "note" for people). Returns what is wrong, one sentence per problem, or the table.
 */
export function parsePriceTable(value: unknown): { ok: true; prices: PriceTable } | { ok: false; problems: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problems: ['It must be a JSON object with a price for each meter.'] };
  }
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  const prices: Partial<Record<MeterId, number>> = {};
  for (const meter of METER_IDS) {
    const price = record[meter];
    if (typeof price !== 'number' || !Number.isFinite(price) || price < 0 || price > HIGHEST_UNIT_PRICE) {
      problems.push(`"${meter}" must be a price in USD per unit a month, from 0 to ${HIGHEST_UNIT_PRICE} (found ${JSON.stringify(price) ?? 'nothing'}).`);
    } else {
      prices[meter] = price;
    }
  }
  const known: readonly string[] = [...METER_IDS, 'note'];
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) problems.push(`"${key}" is not a meter; the meters are ${METER_IDS.join(', ')}.`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, prices: prices as PriceTable };
}
