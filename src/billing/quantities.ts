import { METER_IDS, type MeterId, type OrganizationQuantities, type PaidQuantities } from '../domain/model';
import type { RecordedQuantities } from '../domain/changeEvent';
import type { AuditAction } from '../domain/model';
import type { Transaction } from '../domain/ports/store';
import { METERS, wholeNumberText } from './meters';
import { meterMonthlyCents, monthlyCents, unitPriceCents, type PriceTable } from './prices';
import type { QuantityChange } from './quantitiesViews';

/** The free tier: nothing paid on any meter. */
export const FREE_TIER: PaidQuantities = Object.freeze({
  basicUsers: 0,
  basicTestPlansUsers: 0,
  microsoftHostedJobs: 0,
  selfHostedJobs: 0,
  artifactsGiB: 0,
});

/** An organization's paid quantities; a meter missing from the stored entry counts as none. */
export function paidQuantitiesOf(recorded: OrganizationQuantities | undefined): PaidQuantities {
  // Typed as partial: a meter added after the file was written is absent from it.
  const stored: Partial<PaidQuantities> | undefined = recorded?.paid;
  return stored ? completeQuantities(stored) : FREE_TIER;
}

/** Fills the meters not given with zero. */
export function completeQuantities(given: Partial<Record<MeterId, number>>): PaidQuantities {
  return {
    basicUsers: given.basicUsers ?? 0,
    basicTestPlansUsers: given.basicTestPlansUsers ?? 0,
    microsoftHostedJobs: given.microsoftHostedJobs ?? 0,
    selfHostedJobs: given.selfHostedJobs ?? 0,
    artifactsGiB: given.artifactsGiB ?? 0,
  };
}

export function sameQuantities(a: PaidQuantities, b: PaidQuantities): boolean {
  return METER_IDS.every((meter) => a[meter] === b[meter]);
}

export function isFreeTier(paid: PaidQuantities): boolean {
  return sameQuantities(paid, FREE_TIER);
}

/** True when any meter goes up: what an inactive subscription could not pay for. */
export function buysMore(from: PaidQuantities, to: PaidQuantities): boolean {
  return METER_IDS.some((meter) => to[meter] > from[meter]);
}

/** Old and new, per meter and in list-price terms, for confirmations, results and notifications. */
export function describeChange(from: PaidQuantities, to: PaidQuantities, prices: PriceTable): QuantityChange {
  return {
    from,
    to,
    lines: METERS.map((meter) => ({
      meter,
      from: from[meter.id],
      to: to[meter.id],
      unitPriceCents: unitPriceCents(prices, meter.id),
      fromMonthlyCents: meterMonthlyCents(prices, meter.id, from[meter.id]),
      toMonthlyCents: meterMonthlyCents(prices, meter.id, to[meter.id]),
    })),
    fromMonthlyCents: monthlyCents(prices, from),
    toMonthlyCents: monthlyCents(prices, to),
  };
}

/** What a change event keeps of a quantity change: the meters that changed, and the monthly estimate. */
export function recordedQuantities(change: QuantityChange): RecordedQuantities {
  return {
    changes: change.lines
      .filter((line) => line.from !== line.to)
      .map((line) => ({ what: line.meter.name, from: wholeNumberText(line.from), to: wholeNumberText(line.to) })),
    monthlyCents: { from: change.fromMonthlyCents, to: change.toMonthlyCents },
  };
}

export interface QuantitiesWrite {
  readonly organizationId: string;
  readonly to: PaidQuantities;
  readonly actorId: string;
  readonly at: string;
  readonly action: Extract<AuditAction, `quantities.${string}`>;
  readonly auditId: string;
}

/**
 * Sets an organization's paid quantities inside the transaction of a change and audits it, so that
 * quantities and their audit entry are saved together or not at all. Returns what they were.
 */
export async function writeQuantitiesIn(tx: Transaction, write: QuantitiesWrite): Promise<PaidQuantities> {
  const from = paidQuantitiesOf(await tx.quantities.get(write.organizationId));
  if (isFreeTier(write.to)) await tx.quantities.delete(write.organizationId);
  else await tx.quantities.put(write.organizationId, { paid: { ...write.to }, changedBy: write.actorId, changedAt: write.at });
  await tx.audit.append({
    id: write.auditId,
    at: write.at,
    actorId: write.actorId,
    action: write.action,
    organizationId: write.organizationId,
    fromQuantities: { ...from },
    toQuantities: { ...write.to },
  });
  return from;
}
