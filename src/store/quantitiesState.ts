import { METER_IDS } from '../domain/model';

/**
 * The persisted shape of paid quantities and of the "buy" card flow. Both keys were added to a
 * state file format that already existed, so a file without them is read as having none.
 */

/** The five meters an organization pays for (BILLING.md). Stored as keys: never rename one. */
/** Why the stored quantities cannot be used, or undefined when they can (or are absent). */
export function quantitiesShapeProblem(quantities: unknown, purchases: unknown): string | undefined {
  if (quantities !== undefined && !isPlainObject(quantities)) return `has quantities that is not an object (found ${kindOf(quantities)})`;
  if (purchases !== undefined && !isPlainObject(purchases)) return `has purchases that is not an object (found ${kindOf(purchases)})`;
  for (const [organizationId, entry] of Object.entries(quantities ?? {})) {
    const paid: unknown = isPlainObject(entry) ? entry.paid : undefined;
    if (!isPlainObject(paid)) return `has quantities for ${JSON.stringify(organizationId)} without a "paid" object`;
    for (const meter of METER_IDS) {
      const value = paid[meter];
      if (value !== undefined && !(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) {
        return `has a paid quantity ${JSON.stringify(value)} for ${meter} of ${JSON.stringify(organizationId)}, which is not a whole number of 0 or more`;
      }
    }
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
