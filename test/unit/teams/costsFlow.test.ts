import assert from 'node:assert/strict';
import { monthProgress, soFarCents } from '../../../src/billing/costs/monthShare';
import { actionsOf, alex, cardOf, TeamsHarness, textOf, type CardView } from '../../support/teamsHarness';
import { ORG_MOBILE, ORG_WEB, SUB_PAYG } from '../../support/demoWorld';

function flowIdOf(card: CardView): string {
  const withFlow = [...actionsOf(card).values()].find((a) => typeof a.data.flowId === 'string');
  assert.ok(withFlow, `no flow button on card:\n${card.text}`);
  return String(withFlow.data.flowId);
}

function charts(card: CardView): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.type === 'Chart.Donut') found.push(record);
    Object.values(record).forEach(visit);
  };
  visit(card.json);
  return found;
}

describe('what a month costs so far', () => {
  const cases = [
    { now: '2026-12-07T10:00:00Z', day: 7, days: 31, month: 'December 2026', monthly: 3100, soFar: 700 },
    { now: '2026-11-30T23:59:00Z', day: 30, days: 30, month: 'November 2026', monthly: 22950, soFar: 22950 },
    { now: '2028-02-01T00:00:00Z', day: 1, days: 29, month: 'February 2028', monthly: 2900, soFar: 100 },
  ];
  for (const c of cases) {
    it(`${c.now}: day ${c.day} of ${c.days}`, () => {
      const progress = monthProgress(new Date(c.now));
      assert.deepEqual(progress, { dayOfMonth: c.day, daysInMonth: c.days, month: c.month });
      assert.equal(soFarCents(c.monthly, c.day, c.days), c.soFar);
    });
  }
});

describe('costs on cards (the demo world, 26 November)', () => {
  let bot: TeamsHarness;
  beforeEach(async () => {
    bot = await TeamsHarness.create();
  });
  afterEach(async () => {
    await bot.close();
  });

  async function setUp(organizationId: string): Promise<void> {
    const flowId = flowIdOf(cardOf(await bot.say('set up billing')));
    await bot.click('flow.organization', { flowId, organizationId });
    await bot.click('flow.subscription', { flowId, subscriptionId: SUB_PAYG });
    await bot.click('flow.confirm', { flowId });
  }

  it('says an organization without billing costs nothing, and why another is not shown', async () => {
    const card = cardOf(await bot.say('costs'));
    assert.match(card.text, /Costs in November 2026/);
    assert.match(card.text, /contoso-web\nBilling is not set up, so it is on the free tier and nothing is charged/);
    assert.match(card.text, /Not shown[\s\S]*contoso-data[\s\S]*Only project collection administrators of contoso-data/);
    assert.equal(charts(card).length, 0);
  });

  it('shows each meter as a donut with a table as its fallback, so every number is there without charts', async () => {
    await setUp(ORG_WEB);
    const card = cardOf(await bot.say('spend'));
    assert.match(card.text, /Day 26 of 30/);
    assert.match(card.text, /contoso-web\nPaid by Contoso Pay-As-You-Go: 198\.90 USD so far this month, 229\.50 USD forecast for the month, estimated at list prices\./);
    assert.match(card.text, /Estimated at list prices\./);
    const [donut] = charts(card);
    assert.ok(donut, card.text);
    assert.deepEqual(donut.data, [
      { legend: 'Basic users', value: 12 },
      { legend: 'Basic + Test Plans users', value: 104 },
      { legend: 'Microsoft-hosted parallel jobs', value: 80 },
      { legend: 'Self-hosted parallel jobs', value: 15 },
      { legend: 'Artifacts storage', value: 18.5 },
    ]);
    const fallback = donut.fallback as { type: string; facts: { title: string; value: string }[] };
    assert.equal(fallback.type, 'FactSet');
    assert.deepEqual(fallback.facts.map((f) => `${f.title}: ${f.value}`), [
      'Basic users: 12 USD a month (estimate)',
      'Basic + Test Plans users: 104 USD a month (estimate)',
      'Microsoft-hosted parallel jobs: 80 USD a month (estimate)',
      'Self-hosted parallel jobs: 15 USD a month (estimate)',
      'Artifacts storage: 18\\.50 USD a month (estimate)',
    ]);
    assert.match(card.text, /Estimated by meter, a month: Basic users 12 USD; Basic \+ Test Plans users 104 USD; Microsoft-hosted parallel jobs 80 USD; Self-hosted parallel jobs 15 USD; Artifacts storage 18\.50 USD\./);
    assert.match(card.text, /Per paying subscription\nContoso Pay-As-You-Go \(41cc4f36-a157-4ec6-97a4-346cb65c3452\)\n198[\\]*\.90 USD so far, 229\.50 USD forecast for the month, estimated at list prices \(contoso-web\)/, 'a number that starts a fact is escaped, so it is no list');
  });

  it('counts users billed together under multi-organization billing once in the subscription total', async () => {
    await setUp(ORG_WEB);
    await setUp(ORG_MOBILE);
    const card = cardOf(await bot.say('costs'));
    assert.match(card.text, /contoso-mobile\nPaid by Contoso Pay-As-You-Go: [\d.,]+ USD so far this month, 122 USD forecast for the month, estimated at list prices\./);
    assert.match(card.text, /Users are billed together with contoso-web \(multi-organization billing\)/);
    assert.match(card.text, /contoso-web\nPaid by Contoso Pay-As-You-Go: [\d.,]+ USD so far this month, 235\.50 USD forecast for the month, estimated at list prices\./);
    assert.match(card.text, /235\.50 USD forecast for the month, estimated at list prices \(contoso-mobile and contoso-web\)/);
  });

  it('keeps costs out of group chats', async () => {
    assert.match(textOf(await bot.say('costs', alex, { id: 'group-1', conversationType: 'groupChat' })), /personal chat[\s\S]*type "costs" there/);
  });
});
