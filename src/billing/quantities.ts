import type { ArtifactsUsage, ArtifactsUsageLimit } from '../domain/directory';
import { METER_IDS, type MeterId, type OrganizationQuantities, type PaidQuantities } from '../domain/model';
import type { RecordedQuantities } from '../domain/changeEvent';
import type { AuditAction } from '../domain/model';
import type { Transaction } from '../domain/ports/store';
import { METERS, wholeNumberText } from './meters';
import { meterMonthlyCents, monthlyCents, unitPriceCents, type PriceTable } from './prices';
import type { ArtifactsChange, QuantityChange } from './quantitiesViews';
import { artifactsTieredCents } from './usage/usageCharges';

/** The free tier: nothing paid on any meter. */
export const FREE_TIER: PaidQuantities = Object.freeze({
  basicUsers: 0,
  basicTestPlansUsers: 0,
  microsoftHostedJobs: 0,
  selfHostedJobs: 0,
  artifactsGiB: 0,
});

/**
 * An organization's paid quantities as they count today: the parallel jobs bought. User seats and
 * Artifacts GiB that earlier versions recorded as bought are not counted (users are billed by access
 * level, Artifacts by use); they stay in the record as history until its next change.
 */
export function paidQuantitiesOf(recorded: OrganizationQuantities | undefined): PaidQuantities {
  // Typed as partial: a meter added after the file was written is absent from it.
  const stored: Partial<PaidQuantities> | undefined = recorded?.paid;
  if (!stored) return FREE_TIER;
  return completeQuantities({ microsoftHostedJobs: stored.microsoftHostedJobs ?? 0, selfHostedJobs: stored.selfHostedJobs ?? 0 });
}

/** The user seats an earlier version recorded as bought, which no longer count; empty when none. */
export function uncountedUserSeats(recorded: OrganizationQuantities | undefined): Partial<Record<'basicUsers' | 'basicTestPlansUsers', number>> {
  const stored: Partial<PaidQuantities> | undefined = recorded?.paid;
  const seats: Partial<Record<'basicUsers' | 'basicTestPlansUsers', number>> = {};
  if ((stored?.basicUsers ?? 0) > 0) seats.basicUsers = stored?.basicUsers ?? 0;
  if ((stored?.basicTestPlansUsers ?? 0) > 0) seats.basicTestPlansUsers = stored?.basicTestPlansUsers ?? 0;
  return seats;
}

/**
 * The Artifacts switch as it stands: the one the bot last set; else "pay for what you use" when an
 * earlier version recorded paid GiB (paying for storage above the free 2 GiB is what that meant);
 * else what the directory reports; else the free tier.
 */
export function artifactsLimitOf(recorded: OrganizationQuantities | undefined, usage: ArtifactsUsage | undefined): ArtifactsUsageLimit {
  if (recorded?.artifactsLimit) return recorded.artifactsLimit;
  const legacyGiB: number | undefined = (recorded?.paid as Partial<PaidQuantities> | undefined)?.artifactsGiB;
  if ((legacyGiB ?? 0) > 0) return 'payAsYouGo';
  return usage?.usageLimit ?? 'free';
}

/** The switch before and after, with what each costs at the current use. */
export function artifactsChange(from: ArtifactsUsageLimit, to: ArtifactsUsageLimit, usedGiB: number | undefined, prices: PriceTable): ArtifactsChange {
  const cents = (limit: ArtifactsUsageLimit): number => (limit === 'payAsYouGo' && usedGiB !== undefined ? artifactsTieredCents(usedGiB, prices) : 0);
  return { from, to, fromCents: cents(from), toCents: cents(to), ...(usedGiB !== undefined ? { usedGiB } : {}) };
}

export function artifactsLimitText(limit: ArtifactsUsageLimit): string {
  return limit === 'free' ? 'free tier only' : 'pay for what you use';
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
export function describeChange(from: PaidQuantities, to: PaidQuantities, prices: PriceTable, artifacts?: ArtifactsChange): QuantityChange {
  const artifactsFrom = artifacts?.fromCents ?? 0;
  const artifactsTo = artifacts?.toCents ?? 0;
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
    ...(artifacts ? { artifacts } : {}),
    fromMonthlyCents: monthlyCents(prices, from) + artifactsFrom,
    toMonthlyCents: monthlyCents(prices, to) + artifactsTo,
  };
}

/** What a change event keeps of a quantity change: the meters that changed, and the monthly estimate. */
export function recordedQuantities(change: QuantityChange): RecordedQuantities {
  const artifacts = change.artifacts && change.artifacts.from !== change.artifacts.to
    ? [{ what: 'Artifacts storage', from: artifactsLimitText(change.artifacts.from), to: artifactsLimitText(change.artifacts.to) }]
    : [];
  return {
    changes: [
      ...change.lines
        .filter((line) => line.from !== line.to)
        .map((line) => ({ what: line.meter.name, from: wholeNumberText(line.from), to: wholeNumberText(line.to) })),
      ...artifacts,
    ],
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
  /** The Artifacts switch to set with the counts; absent leaves it as it is. */
  readonly artifactsLimit?: { readonly from: ArtifactsUsageLimit; readonly to: ArtifactsUsageLimit };
}

/**
 * Sets an organization's paid quantities inside the transaction of a change and audits it, so that
 * quantities and their audit entry are saved together or not at all. Returns what they were.
 */
export async function writeQuantitiesIn(tx: Transaction, write: QuantitiesWrite): Promise<PaidQuantities> {
  const recorded = await tx.quantities.get(write.organizationId);
  const from = paidQuantitiesOf(recorded);
  // A reset (billing removed) falls back to the free tier whole; otherwise the switch is kept
  // unless this change moves it, so the record holds only what the bot itself set.
  const changedLimit = write.artifactsLimit && write.artifactsLimit.from !== write.artifactsLimit.to ? write.artifactsLimit.to : undefined;
  const artifactsLimit = write.action === 'quantities.reset' ? undefined : (changedLimit ?? recorded?.artifactsLimit);
  if (isFreeTier(write.to) && artifactsLimit === undefined) await tx.quantities.delete(write.organizationId);
  else await tx.quantities.put(write.organizationId, { paid: { ...write.to }, ...(artifactsLimit ? { artifactsLimit } : {}), changedBy: write.actorId, changedAt: write.at });
  await tx.audit.append({
    id: write.auditId,
    at: write.at,
    actorId: write.actorId,
    action: write.action,
    organizationId: write.organizationId,
    // As recorded, seats of an earlier version included: the history keeps what was there.
    fromQuantities: recorded ? completeQuantities(recorded.paid) : { ...from },
    toQuantities: { ...write.to },
    ...(write.artifactsLimit ? { fromArtifactsLimit: write.artifactsLimit.from, toArtifactsLimit: write.artifactsLimit.to } : {}),
  });
  return from;
}
