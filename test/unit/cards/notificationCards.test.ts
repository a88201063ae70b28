import assert from 'node:assert/strict';
import { notificationMessage } from '../../../src/cards/notificationCards';
import type { ChangeEvent } from '../../../src/domain/changeEvent';
import type { OutboxEntry } from '../../../src/domain/model';

const base = { id: 'e1', organization: { id: 'org', name: 'contoso-web' }, actor: { id: 'alex', name: 'Alex Wilber' }, at: '2026-11-26T09:30:00.000Z' };
const payg = { id: 'sub-1', name: 'Pay-As-You-Go' };
const ea = { id: 'sub-2', name: 'Enterprise Agreement' };

function entry(event: ChangeEvent, recipientId = 'megan', card: OutboxEntry['card'] = 'change'): OutboxEntry {
  return { key: `${event.id}/${recipientId}`, recipientId, tenantId: 't', card, event, createdAt: event.at, status: 'pending', attempts: 0 };
}

function textOf(event: ChangeEvent, recipientId?: string, card?: OutboxEntry['card']): string {
  const message = notificationMessage(entry(event, recipientId, card));
  return `${message.summary}\n${JSON.stringify(message.card)}`;
}

describe('Notification cards', () => {
  const cases: { name: string; event: ChangeEvent; expect: RegExp[] }[] = [
    { name: 'billing set up', event: { ...base, kind: 'billing.setup', to: payg }, expect: [/Billing set up for contoso-web/, /Pay-As-You-Go now pays for contoso-web/] },
    { name: 'billing changed', event: { ...base, kind: 'billing.change', from: payg, to: ea }, expect: [/moved contoso-web's charges from Pay-As-You-Go to Enterprise Agreement/, /"From","value":"Pay-As-You-Go \(sub-1\)"/, /"To","value":"Enterprise Agreement \(sub-2\)"/] },
    { name: 'billing removed', event: { ...base, kind: 'billing.remove', from: payg }, expect: [/Billing removed from contoso-web/, /free tier/] },
    {
      name: 'billing set up with a first purchase',
      event: { ...base, kind: 'billing.setup', to: payg, quantities: { changes: [{ what: 'Basic users', from: '0', to: '10' }], monthlyCents: { from: 0, to: 6000 } } },
      expect: [/A first purchase of paid quantities was made with it/, /"Basic users","value":"0 → 10"/, /"Monthly estimate","value":"0 USD → 60 USD \(list price\)"/],
    },
    {
      name: 'billing removed with paid quantities',
      event: { ...base, kind: 'billing.remove', from: payg, quantities: { changes: [{ what: 'Artifacts storage (GiB)', from: '5', to: '0' }], monthlyCents: { from: 1000, to: 0 } } },
      expect: [/Its paid quantities were set back to zero/, /"Artifacts storage \(GiB\)","value":"5 → 0"/, /"Monthly estimate","value":"10 USD → 0 USD \(list price\)"/],
    },
    {
      name: 'paid quantities changed',
      event: { ...base, kind: 'quantities.change', subscription: payg, changes: [{ what: 'Basic users', from: '5', to: '12' }, { what: 'Microsoft-hosted parallel jobs', from: '1', to: '3' }] },
      expect: [/Paid quantities of contoso-web changed/, /"Basic users","value":"5 → 12"/, /"Microsoft-hosted parallel jobs","value":"1 → 3"/],
    },
    { name: 'manager added', event: { ...base, kind: 'manager.add', subscription: payg, person: { id: 'adele', name: 'Adele Vance' }, roles: ['Contributor'] }, expect: [/made Adele Vance a billing manager of contoso-web \(Contributor on Pay-As-You-Go\)/, /none → Contributor/] },
    { name: 'manager removed', event: { ...base, kind: 'manager.remove', subscription: payg, person: { id: 'adele', name: 'Adele Vance' }, roles: ['Owner'] }, expect: [/Adele Vance no longer manages billing of contoso-web/, /Owner → none/] },
  ];
  for (const c of cases) {
    it(`says what changed, from what to what, who and when: ${c.name}`, () => {
      const text = textOf(c.event);
      for (const pattern of c.expect) assert.match(text, pattern);
      assert.match(text, /"By","value":"Alex Wilber"/);
      assert.match(text, /"When","value":"2026-11-26 09:30 UTC"/);
      assert.match(text, /because you are a billing manager of contoso-web/);
    });
  }

  it('tells a removed manager that it concerns them', () => {
    const text = textOf({ ...base, kind: 'manager.remove', subscription: payg, person: { id: 'adele', name: 'Adele Vance' }, roles: ['Contributor'] }, 'adele');
    assert.match(text, /You no longer manage billing of contoso-web/);
    assert.match(text, /took away your Contributor role/);
  });

  it('welcomes a new manager with why they were chosen and what they can do', () => {
    const added: ChangeEvent = { ...base, kind: 'manager.add', subscription: payg, person: { id: 'adele', name: 'Adele Vance' }, roles: ['Contributor'] };
    const text = textOf(added, 'adele', 'welcome');
    assert.match(text, /You are now a billing manager of contoso-web/);
    assert.match(text, /Alex Wilber chose you as a backup billing manager/);
    assert.match(text, /change billing/);
    assert.doesNotMatch(text, /add manager/, 'a Contributor cannot add managers');
    assert.match(textOf({ ...added, roles: ['Owner'] }, 'adele', 'welcome'), /add manager/);
  });
});
