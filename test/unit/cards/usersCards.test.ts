import assert from 'node:assert/strict';
import type { InactiveUser, UsersOverview } from '../../../src/billing/users/usersViews';
import { usersCard, usersConfirmCard } from '../../../src/cards/usersCards';
import { buttons, choiceValues, visibleText } from './inspect';
import { FLOW_ID, WEB } from './samples';

function person(n: number): InactiveUser {
  return { id: `user-${n}`, name: `Person ${n}`, level: 'Basic', lastAccessed: null, savingCents: 600, selected: n === 11 };
}

function overview(page: number, pages: number, more: Partial<UsersOverview> = {}): UsersOverview {
  return {
    flow: { id: FLOW_ID, expiresAt: '2026-12-07T10:15:00Z' },
    organization: WEB,
    usageKnown: true,
    counts: { stakeholder: 2, basic: 30, basicTestPlans: 0, visualStudio: 0 },
    billedBasic: 30,
    freeBasicUsed: 5,
    billedBasicTestPlans: 0,
    sharedWith: [],
    monthlyCents: 15000,
    inactiveDays: 30,
    inactive: [person(10), person(11)],
    page,
    pages,
    inactiveTotal: 25,
    selectedElsewhere: 3,
    possibleSavingCents: 15000,
    canChange: true,
    whoCanChange: ['Alex Wilber'],
    problems: [],
    ...more,
  };
}

describe('users cards', () => {
  const paging: { page: number; pages: number; buttons: [string, unknown][] }[] = [
    { page: 0, pages: 1, buttons: [['Make Stakeholder', undefined], ['Close', undefined]] },
    { page: 0, pages: 3, buttons: [['Make Stakeholder', undefined], ['Next page', 1], ['Close', undefined]] },
    { page: 1, pages: 3, buttons: [['Make Stakeholder', undefined], ['Previous page', 0], ['Next page', 2], ['Close', undefined]] },
    { page: 2, pages: 3, buttons: [['Make Stakeholder', undefined], ['Previous page', 1], ['Close', undefined]] },
  ];
  for (const c of paging) {
    it(`pages a large organization: page ${c.page + 1} of ${c.pages}`, () => {
      const card = usersCard(overview(c.page, c.pages));
      assert.deepEqual(buttons(card).map((b) => [b.title, b.data.page]), c.buttons);
      assert.ok(buttons(card).every((b) => b.data.flowId === FLOW_ID));
      if (c.pages > 1) assert.match(visibleText(card), new RegExp(`Page ${c.page + 1} of ${c.pages}\\. 3 ticked on other pages stay ticked\\.`));
    });
  }

  it('ticks again the users ticked before, and names each with what it saves', () => {
    const card = usersCard(overview(1, 3));
    assert.deepEqual(choiceValues(card, 'selected'), ['user-10', 'user-11']);
    assert.match(JSON.stringify(card), /"value":"user-11"/);
    assert.match(visibleText(card), /Person 10: Basic, never signed in; saves 6 USD a month/);
  });

  it('says when nobody is inactive, without a list or a Make Stakeholder button', () => {
    const card = usersCard(overview(0, 1, { inactive: [], inactiveTotal: 0, possibleSavingCents: 0, selectedElsewhere: 0 }));
    assert.deepEqual(buttons(card).map((b) => b.title), ['Close']);
    assert.doesNotMatch(visibleText(card), /have not signed in/);
  });

  it('asks for one Stakeholder in the singular', () => {
    const card = usersConfirmCard({ flow: { id: FLOW_ID, expiresAt: '' }, organization: WEB, people: [{ id: 'u', name: 'Lee Gu', from: 'Basic' }], fromCents: 1200, toCents: 600 });
    assert.match(visibleText(card), /Make this user a Stakeholder\?/);
    assert.deepEqual(buttons(card).map((b) => b.title), ['Make Stakeholder', 'Back', 'Cancel']);
    assert.match(visibleText(card), /Users a month: 12 USD → 6 USD \(6 USD less\)\./);
  });
});
