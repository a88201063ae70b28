import type { ArtifactsUsage, ParallelJobs } from '../../domain/directory';
import { unitPriceCents, type PriceTable } from '../prices';

/** Artifacts storage that is free in every organization. */
export const FREE_ARTIFACTS_GIB = 2;

/**
 * The list prices of Artifacts storage per GiB a month, by tier of the organization's total use
 * (BILLING.md). The first paid tier's price is the price table's `artifactsGiB`, so PRICES_FILE moves
 * it; the lower tiers keep these list prices.
 */
export const ARTIFACTS_TIERS: readonly { readonly fromGiB: number; readonly toGiB: number; readonly usdPerGiB: number | 'table' }[] = [
  { fromGiB: 2, toGiB: 10, usdPerGiB: 'table' },
  { fromGiB: 10, toGiB: 100, usdPerGiB: 1 },
  { fromGiB: 100, toGiB: 1000, usdPerGiB: 0.5 },
  { fromGiB: 1000, toGiB: Number.POSITIVE_INFINITY, usdPerGiB: 0.25 },
];

/** What `usedGiB` of storage costs a month when paid as used, tier by tier, in whole cents. */
export function artifactsTieredCents(usedGiB: number, prices: PriceTable): number {
  let cents = 0;
  for (const tier of ARTIFACTS_TIERS) {
    const inTier = Math.max(0, Math.min(usedGiB, tier.toGiB) - tier.fromGiB);
    const centsPerGiB = tier.usdPerGiB === 'table' ? unitPriceCents(prices, 'artifactsGiB') : tier.usdPerGiB * 100;
    cents += inTier * centsPerGiB;
  }
  return Math.round(cents);
}

export interface ArtifactsBill {
  readonly monthlyCents: number;
  /** On the free tier with more stored than the free 2 GiB: nothing more can be published. */
  readonly readOnly: boolean;
  /** What paying as used would cost at the current use (the estimate a switch would show). */
  readonly payAsYouGoCents: number;
}

export function billArtifacts(usage: ArtifactsUsage, prices: PriceTable): ArtifactsBill {
  const payAsYouGoCents = artifactsTieredCents(usage.usedGiB, prices);
  if (usage.usageLimit === 'free') return { monthlyCents: 0, readOnly: usage.usedGiB > FREE_ARTIFACTS_GIB, payAsYouGoCents };
  return { monthlyCents: payAsYouGoCents, readOnly: false, payAsYouGoCents };
}

/** Paid parallel jobs are counts bought on top of the free grant of one of each. */
export function billParallelJobs(jobs: ParallelJobs, prices: PriceTable): { readonly microsoftHostedCents: number; readonly selfHostedCents: number } {
  return {
    microsoftHostedCents: jobs.microsoftHosted * unitPriceCents(prices, 'microsoftHostedJobs'),
    selfHostedCents: jobs.selfHosted * unitPriceCents(prices, 'selfHostedJobs'),
  };
}
