import assert from 'node:assert/strict';
import { helpCard, noticeCard, statusCard } from '../../../src/cards/infoCards';
import { assertWellFormed, buttons, facts, findAll, visibleText } from './inspect';
import { COMMANDS, PAYG, STATUS_DETAILS, STATUS_MEMBER, STATUS_NOT_LINKED } from './samples';

describe('Information cards', () => {
  describe('help', () => {
    for (const welcome of [true, false]) {
      it(`${welcome ? 'welcome' : 'help'}: lists every command with its description, and offers set-up and status`, () => {
        const card = helpCard(COMMANDS, welcome);
        assertWellFormed(card);
        assert.deepEqual(facts(card), COMMANDS.map((c) => [c.name, c.description]));
        assert.match(visibleText(card), welcome ? /Hi! I set up Azure DevOps billing from chat\./ : /What I can do/);
        assert.match(visibleText(card), /Only project collection administrators can change billing/);
        assert.deepEqual(buttons(card).map((b) => [b.title, b.verb, b.data.kind]), [['Set up billing', 'flow.start', 'setup'], ['Status', 'status.show', undefined], ['Buy', 'quantities.start', undefined]]);
      });
    }
  });

  describe('status', () => {
    it('shows a PCA the subscription, who set it up and changed it (UTC), and every warning', () => {
      const card = statusCard([STATUS_DETAILS]);
      assertWellFormed(card);
      const text = visibleText(card);
      assert.match(text, /Your organization:/);
      assert.match(text, /contoso-web\nBilling is set up\./);
      assert.deepEqual(facts(card), [
        ['Subscription', `Contoso Pay-As-You-Go (${PAYG.id})`],
        ['Set up by', 'Alex Wilber, 2026-01-15 08:30 UTC'],
        ['Last changed by', 'Megan Bowen, 2026-02-01 17:45 UTC'],
      ]);
      assert.match(text, /⚠ Contoso Pay-As-You-Go is not active any more/);
      assert.deepEqual(buttons(card), [], 'status is read-only');
    });

    it('shows a member only that billing is set up and who manages it', () => {
      const card = statusCard([STATUS_MEMBER]);
      assertWellFormed(card);
      assert.match(visibleText(card), /contoso-data\nBilling is set up, managed by Adele Vance\. Its details are for project collection administrators and billing managers\./);
      assert.deepEqual(facts(card), []);
      assert.doesNotMatch(visibleText(card), /Subscription|⚠/);
    });

    it('tells a PCA how to set billing up where it is not, and a member only that it is not', () => {
      const pca = visibleText(statusCard([STATUS_NOT_LINKED]));
      assert.match(pca, /Billing is not set up: the organization is on the free tier\. Type "set up billing" to set it up\./);
      const member = visibleText(statusCard([{ ...STATUS_NOT_LINKED, access: 'member', detailsVisible: false }]));
      assert.match(member, /Billing is not set up: the organization is on the free tier\.$/m);
      assert.doesNotMatch(member, /Type "set up billing"/);
    });

    it('lists several organizations, one section each, in the order given', () => {
      const card = statusCard([STATUS_DETAILS, STATUS_MEMBER, STATUS_NOT_LINKED]);
      assertWellFormed(card);
      assert.match(visibleText(card), /Your 3 organizations:/);
      const sections = findAll(card, (n) => n.type === 'Container');
      assert.equal(sections.length, 3);
      assert.deepEqual(sections.map((s) => visibleText({ type: 'AdaptiveCard', body: s.items }).split('\n')[0]), ['contoso-web', 'contoso-data', 'contoso-mobile']);
      assert.equal(findAll(card, (n) => n.color === 'Warning').length, 1, 'only the unhealthy one carries a warning');
    });

    it('says so when the user belongs to no organization', () => {
      const card = statusCard([]);
      assertWellFormed(card);
      assert.match(visibleText(card), /You do not belong to any Azure DevOps organization in this directory\./);
      assert.equal(findAll(card, (n) => n.type === 'Container').length, 0);
    });
  });

  describe('notice', () => {
    it('shows the title and the message, and no buttons', () => {
      const card = noticeCard('This card expired', 'This card expired, and nothing was changed. Type "set up billing" to start again.');
      assertWellFormed(card);
      assert.equal(visibleText(card), 'This card expired\nThis card expired, and nothing was changed. Type "set up billing" to start again.');
      assert.deepEqual(buttons(card), []);
    });

    it('shows a message containing "${x}" as text', () => {
      const card = noticeCard('Nothing was changed', 'The organization ${x} is unknown.');
      assertWellFormed(card);
      assert.match(visibleText(card), /The organization \$\{x\} is unknown\./);
    });
  });
});
