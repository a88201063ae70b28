import assert from 'node:assert/strict';
import { LIST_PRICES_USD, monthlyCents, parsePriceTable } from '../../../src/billing/prices';
import { describeChange, FREE_TIER } from '../../../src/billing/quantities';
import { estimateSentence, quantityChangeFacts } from '../../../src/cards/quantityCards';
import { formatUsd } from '../../../src/cards/money';
import type { PaidQuantities } from '../../../src/domain/model';

function paid(values: Partial<PaidQuantities>): PaidQuantities {
  return { ...FREE_TIER, ...values };
}

describe('list-price estimates', () => {
  // Worked out by hand from BILLING.md: 6 USD a Basic user, 52 a Basic + Test Plans user, 40 a
  // Microsoft-hosted job, 15 a self-hosted job, 2 a GiB above the free 2 GiB, all per month.
  const known: { name: string; paid: Partial<PaidQuantities>; usd: number }[] = [
    { name: 'the free tier', paid: {}, usd: 0 },
    { name: '10 Basic users', paid: { basicUsers: 10 }, usd: 60 },
    { name: '3 Basic + Test Plans users', paid: { basicTestPlansUsers: 3 }, usd: 156 },
    { name: '2 Microsoft-hosted jobs and 4 self-hosted jobs', paid: { microsoftHostedJobs: 2, selfHostedJobs: 4 }, usd: 140 },
    { name: '8 GiB of Artifacts storage above the free 2', paid: { artifactsGiB: 8 }, usd: 16 },
    { name: 'one of each', paid: { basicUsers: 1, basicTestPlansUsers: 1, microsoftHostedJobs: 1, selfHostedJobs: 1, artifactsGiB: 1 }, usd: 115 },
    { name: 'every meter at its upper bound', paid: { basicUsers: 1000, basicTestPlansUsers: 1000, microsoftHostedJobs: 200, selfHostedJobs: 200, artifactsGiB: 10_000 }, usd: 6000 + 52_000 + 8000 + 3000 + 20_000 },
  ];
  for (const { name, paid: values, usd } of known) {
    it(`prices ${name} at ${usd} USD a month`, () => {
      assert.equal(monthlyCents(LIST_PRICES_USD, paid(values)), usd * 100);
    });
  }

  it('adds cents without floating-point dust', () => {
    const prices = { ...LIST_PRICES_USD, basicUsers: 0.1, selfHostedJobs: 0.2 };
    assert.equal(monthlyCents(prices, paid({ basicUsers: 3, selfHostedJobs: 3 })), 90);
    assert.equal(formatUsd(90), '0.90 USD');
    assert.equal(formatUsd(123_456_700), '1,234,567 USD');
  });

  it('words an increase, a reduction and no change', () => {
    const up = describeChange(paid({ basicUsers: 2 }), paid({ basicUsers: 12, microsoftHostedJobs: 1 }), LIST_PRICES_USD);
    assert.equal(estimateSentence(up), 'Monthly list-price estimate: 12 USD → 112 USD (100 USD more a month).');
    assert.deepEqual(quantityChangeFacts(up), [
      { title: 'Basic users', value: '2 → 12 (60 USD a month more)' },
      { title: 'Microsoft-hosted parallel jobs', value: '0 → 1 (40 USD a month more)' },
      { title: 'Monthly estimate', value: '12 USD → 112 USD (list price)' },
    ]);

    const down = describeChange(paid({ selfHostedJobs: 3, artifactsGiB: 5 }), paid({ selfHostedJobs: 1, artifactsGiB: 5 }), LIST_PRICES_USD);
    assert.equal(estimateSentence(down), 'Monthly list-price estimate: 55 USD → 25 USD (30 USD less a month: a reduction).');
    assert.deepEqual(quantityChangeFacts(down)[0], { title: 'Self-hosted parallel jobs', value: '3 → 1, a reduction (30 USD a month less)' });

    const swap = describeChange(paid({ selfHostedJobs: 8 }), paid({ microsoftHostedJobs: 3 }), LIST_PRICES_USD);
    assert.match(estimateSentence(swap), /120 USD → 120 USD \(no change a month\)/);
  });

  describe('a price table from PRICES_FILE', () => {
    it('accepts a price for each meter, and a note for people', () => {
      const table = { basicUsers: 6.5, basicTestPlansUsers: 50, microsoftHostedJobs: 40, selfHostedJobs: 15, artifactsGiB: 1, note: 'EA prices' };
      const parsed = parsePriceTable(table);
      assert.ok(parsed.ok);
      assert.equal(monthlyCents(parsed.prices, paid({ basicUsers: 2 })), 1300);
    });

    const bad: { name: string; value: unknown; says: RegExp }[] = [
      { name: 'an array', value: [], says: /JSON object/ },
      { name: 'a missing meter', value: { basicUsers: 6, basicTestPlansUsers: 52, microsoftHostedJobs: 40, selfHostedJobs: 15 }, says: /"artifactsGiB" must be a price.*found nothing/ },
      { name: 'a negative price', value: { ...LIST_PRICES_USD, selfHostedJobs: -15 }, says: /"selfHostedJobs" must be a price.*found -15/ },
      { name: 'a price as text', value: { ...LIST_PRICES_USD, basicUsers: '6' }, says: /"basicUsers".*found "6"/ },
      { name: 'a misspelt meter', value: { ...LIST_PRICES_USD, basicUser: 6 }, says: /"basicUser" is not a meter/ },
    ];
    for (const { name, value, says } of bad) {
      it(`refuses ${name}`, () => {
        const parsed = parsePriceTable(value);
        assert.equal(parsed.ok, false);
        if (!parsed.ok) assert.match(parsed.problems.join(' '), says);
      });
    }
  });
});
