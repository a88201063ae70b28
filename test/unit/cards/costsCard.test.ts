import assert from 'node:assert/strict';
import type { CostsReport, OrganizationCost } from '../../../src/billing/costs/costsViews';
import { costsCard } from '../../../src/cards/costsCard';
import { findAll, visibleText } from './inspect';
import { PAYG, WEB } from './samples';

const MOBILE = { id: 'org-contoso-mobile', name: 'contoso-mobile' };

const ESTIMATE: OrganizationCost = {
  organization: MOBILE,
  billedBy: PAYG,
  usageKnown: true,
  meters: [{ meter: 'Basic users', monthlyCents: 1200 }],
  monthlyCents: 1200,
  soFarCents: 270,
  sharedWith: [],
};

const ACTUAL: OrganizationCost = {
  ...ESTIMATE,
  organization: WEB,
  actual: { currency: 'EUR', meters: [{ meter: 'Microsoft-hosted CI/CD', amount: 31.2 }, { meter: 'Basic User', amount: 4.8 }], soFar: 36, forecast: 46.5, throughDay: 24 },
};

function report(organizations: OrganizationCost[], subscriptions: CostsReport['subscriptions'] = []): CostsReport {
  return { month: 'December 2026', dayOfMonth: 7, daysInMonth: 31, organizations, subscriptions, hidden: [] };
}

/** Every amount on the costs card says whether it is actual, from the bill, or a list-price estimate. */
describe('costs card labels', () => {
  it('labels the bill\'s figures as actual, from Azure Cost Management, and the forecast as scaled from them', () => {
    const card = costsCard(report([ACTUAL]));
    const text = visibleText(card);
    assert.match(text, /Paid by Contoso Pay-As-You-Go: 36\.00 EUR so far this month, actual, from Azure Cost Management \(charges through 24 December\); 46\.50 EUR forecast for the month \(the actual so far, scaled to the whole month\)\./);
    const [donut] = findAll(card, (n) => n.type === 'Chart.Donut');
    assert.equal(donut?.title, 'contoso-web: actual so far this month by meter (EUR)');
    assert.deepEqual(donut?.data, [{ legend: 'Microsoft-hosted CI/CD', value: 31.2 }, { legend: 'Basic User', value: 4.8 }]);
    const facts = (donut?.fallback as { facts: { title: string; value: string }[] }).facts;
    assert.deepEqual(facts.map((f) => `${f.title}: ${f.value}`), ['Microsoft-hosted CI/CD: 31\\.20 EUR so far (actual)', 'Basic User: 4\\.80 EUR so far (actual)']);
    assert.match(text, /Actual costs are what Azure Cost Management has charged/);
    assert.doesNotMatch(text, /estimated at list prices\./);
  });

  it('says nothing was charged yet, still as actual, when the bill has no charges this month', () => {
    const text = visibleText(costsCard(report([{ ...ACTUAL, actual: { currency: '', meters: [], soFar: 0, forecast: 0, throughDay: 0 } }])));
    assert.match(text, /Paid by Contoso Pay-As-You-Go: nothing charged so far this month, actual, from Azure Cost Management\. The bill may not show this month's charges yet\./);
    assert.equal(findAll(costsCard(report([{ ...ACTUAL, actual: { currency: '', meters: [], soFar: 0, forecast: 0, throughDay: 0 } }])), (n) => n.type === 'Chart.Donut').length, 0);
  });

  it('labels the estimate that stands in for the bill, and says why', () => {
    const because = 'You may not read the actual costs of Contoso Pay-As-You-Go, so this is a list-price estimate. An Owner or User Access Administrator of the subscription can give you Cost Management Reader.';
    const card = costsCard(report([{ ...ESTIMATE, estimateBecause: because }]));
    const text = visibleText(card);
    assert.match(text, /Paid by Contoso Pay-As-You-Go: 2\.70 USD so far this month, 12 USD forecast for the month, estimated at list prices\./);
    assert.ok(text.includes(because), text);
    assert.equal(findAll(card, (n) => n.type === 'Chart.Donut')[0]?.title, 'contoso-mobile: list-price estimate for the month by meter (USD)');
  });

  it('keeps actual and estimated totals of one subscription apart, each labelled', () => {
    const text = visibleText(costsCard(report([ACTUAL, { ...ESTIMATE, estimateBecause: 'I could not read the actual costs just now.' }], [{
      subscription: PAYG,
      organizations: ['contoso-web', 'contoso-mobile'],
      estimate: { organizations: ['contoso-mobile'], soFarCents: 270, forecastCents: 1200 },
      actual: [{ currency: 'EUR', organizations: ['contoso-web'], soFar: 36, forecast: 46.5 }],
    }])));
    assert.match(text, /36[\\]*\.00 EUR so far, 46\.50 EUR forecast for the month, actual \(contoso-web\); 2\.70 USD so far, 12 USD forecast for the month, estimated at list prices \(contoso-mobile\)/);
  });

  it('keeps the local directory\'s card an estimate throughout', () => {
    const text = visibleText(costsCard(report([ESTIMATE])));
    assert.match(text, /Estimated at list prices\./);
    assert.match(text, /List-price estimates in USD/);
    assert.doesNotMatch(text, /actual/i);
  });
});
