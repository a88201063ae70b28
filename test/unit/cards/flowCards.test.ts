import assert from 'node:assert/strict';
import { confirmCard, organizationPickerCard, resultCard, subscriptionPickerCard } from '../../../src/cards/flowCards';
import { assertWellFormed, buttons, choiceTitles, choiceValues, facts, input, visibleText } from './inspect';
import {
  change, confirmStep, EA, FLOW_ID, FREE_TRIAL_SUB, KINDS, LINKED_ORG, manyOrganizations, manySubscriptions, NO_ROLE_SUB, organizationStep, PAYG,
  SELECTABLE_ORG, SELECTABLE_SUB, subscriptionStep, UNAVAILABLE_ORG, WEB,
} from './samples';

describe('Flow cards', () => {
  describe('organization picker', () => {
    for (const kind of KINDS) {
      it(`${kind}: offers the selectable organizations, lists the others with the reason, and carries the flow id`, () => {
        const card = organizationPickerCard(organizationStep(kind, [SELECTABLE_ORG, LINKED_ORG, UNAVAILABLE_ORG]));
        assertWellFormed(card, FLOW_ID);
        assert.deepEqual(choiceValues(card, 'organizationId'), [WEB.id, LINKED_ORG.id]);
        assert.deepEqual(choiceTitles(card, 'organizationId'), ['contoso-web', 'contoso-mobile (paid by Contoso Pay-As-You-Go)']);
        assert.equal(input(card, 'organizationId')?.style, 'expanded');
        const text = visibleText(card);
        assert.match(text, /Step 1 of (3|2): organization/);
        assert.match(text, /Not available\ncontoso-data\nOnly project collection administrators can set up billing\. Ask Adele Vance/);
        assert.deepEqual(buttons(card).map((b) => [b.title, b.verb]), [['Next', 'flow.organization'], ['Cancel', 'flow.cancel']]);
      });
    }

    it('counts two steps for a removal and three for set-up and change', () => {
      assert.match(visibleText(organizationPickerCard(organizationStep('remove', [SELECTABLE_ORG]))), /Step 1 of 2/);
      assert.match(visibleText(organizationPickerCard(organizationStep('setup', [SELECTABLE_ORG]))), /Step 1 of 3/);
      assert.match(visibleText(organizationPickerCard(organizationStep('change', [SELECTABLE_ORG]))), /Step 1 of 3/);
    });

    it('says when the user is an administrator only through a group, and which', () => {
      const card = organizationPickerCard(organizationStep('setup', [{ ...LINKED_ORG, administratorThrough: 'Platform Admins' }, SELECTABLE_ORG]));
      assert.deepEqual(choiceTitles(card, 'organizationId'), ['contoso-mobile (paid by Contoso Pay-As-You-Go; you are an administrator through the group Platform Admins)', 'contoso-web']);
    });

    it('preselects the only choice', () => {
      const card = organizationPickerCard(organizationStep('setup', [SELECTABLE_ORG, UNAVAILABLE_ORG]));
      assertWellFormed(card, FLOW_ID);
      assert.equal(input(card, 'organizationId')?.value, WEB.id);
    });

    it('preselects nothing when there are several choices', () => {
      const card = organizationPickerCard(organizationStep('setup', [SELECTABLE_ORG, LINKED_ORG]));
      assert.equal(input(card, 'organizationId')?.value, '');
    });

    it('switches to a compact drop-down for more than six choices', () => {
      const six = organizationPickerCard(organizationStep('setup', manyOrganizations(6)));
      const seven = organizationPickerCard(organizationStep('setup', manyOrganizations(7)));
      assertWellFormed(seven, FLOW_ID);
      assert.equal(input(six, 'organizationId')?.style, 'expanded');
      assert.equal(input(seven, 'organizationId')?.style, 'compact');
      assert.equal(choiceValues(seven, 'organizationId').length, 7);
    });

    it('with nothing selectable: no input, no Next, explains and lists every organization with its reason', () => {
      const card = organizationPickerCard(organizationStep('setup', [UNAVAILABLE_ORG]));
      assertWellFormed(card, FLOW_ID);
      assert.equal(input(card, 'organizationId'), undefined);
      assert.deepEqual(buttons(card).map((b) => b.verb), ['flow.cancel']);
      const text = visibleText(card);
      assert.match(text, /There is no organization you can do this for right now/);
      assert.match(text, /Your organizations\ncontoso-data\nOnly project collection administrators/);
    });

    it('with no organization at all: says so, and offers only Cancel', () => {
      const card = organizationPickerCard(organizationStep('change', []));
      assertWellFormed(card, FLOW_ID);
      assert.equal(input(card, 'organizationId'), undefined);
      assert.deepEqual(buttons(card).map((b) => b.verb), ['flow.cancel']);
      assert.match(visibleText(card), /You do not belong to any Azure DevOps organization/);
      assert.doesNotMatch(visibleText(card), /Your organizations|Not available/);
    });
  });

  describe('subscription picker', () => {
    for (const kind of ['setup', 'change'] as const) {
      it(`${kind}: offers the eligible subscriptions and lists each other with every reason and fix`, () => {
        const card = subscriptionPickerCard(subscriptionStep(kind, [SELECTABLE_SUB, FREE_TRIAL_SUB, NO_ROLE_SUB], kind === 'change' ? PAYG : undefined));
        assertWellFormed(card, FLOW_ID);
        assert.deepEqual(choiceValues(card, 'subscriptionId'), [EA.id]);
        assert.deepEqual(choiceTitles(card, 'subscriptionId'), [`Contoso Enterprise Agreement (${EA.id})`]);
        assert.equal(input(card, 'subscriptionId')?.value, EA.id, 'the only choice is preselected');
        const text = visibleText(card);
        assert.match(text, /Step 2 of 3: subscription/);
        assert.match(text, /Not offered/);
        assert.match(text, /Free Trial \(54bdf84a[^)]*\)\n- It is a free trial[^\n]*\*\*Upgrade it to pay-as-you-go[^\n]*\*\*\n- It has a spending limit[^\n]*\*\*Remove the spending limit indefinitely/);
        assert.match(text, /Contoso Shared Services[^\n]*\n- You are neither Owner nor Contributor on it\. \*\*Ask Megan Bowen \(Owner\)/);
        assert.deepEqual(buttons(card).map((b) => [b.title, b.verb]), [['Next', 'flow.subscription'], ['Cancel', 'flow.cancel']]);
        const expectedFacts: [string, string][] = [['Organization', 'contoso-web']];
        if (kind === 'change') expectedFacts.push(['Paid by now', 'Contoso Pay-As-You-Go']);
        assert.deepEqual(facts(card), expectedFacts);
      });
    }

    it('with nothing eligible: no input, no Next, and says every reason is listed below', () => {
      const card = subscriptionPickerCard(subscriptionStep('setup', [FREE_TRIAL_SUB, NO_ROLE_SUB]));
      assertWellFormed(card, FLOW_ID);
      assert.equal(input(card, 'subscriptionId'), undefined);
      assert.deepEqual(buttons(card).map((b) => b.verb), ['flow.cancel']);
      assert.match(visibleText(card), /None of your subscriptions can pay for this organization right now/);
    });

    it('with no subscription at all: still renders, with only Cancel', () => {
      const card = subscriptionPickerCard(subscriptionStep('setup', []));
      assertWellFormed(card, FLOW_ID);
      assert.deepEqual(buttons(card).map((b) => b.verb), ['flow.cancel']);
      assert.doesNotMatch(visibleText(card), /Not offered/);
    });

    it('switches to a compact drop-down for more than six subscriptions', () => {
      const card = subscriptionPickerCard(subscriptionStep('change', manySubscriptions(12), PAYG));
      assertWellFormed(card, FLOW_ID);
      assert.equal(input(card, 'subscriptionId')?.style, 'compact');
      assert.equal(input(card, 'subscriptionId')?.value, '');
      assert.equal(choiceValues(card, 'subscriptionId').length, 12);
    });
  });

  describe('confirmation', () => {
    it('set-up: names the subscription, says the user becomes primary billing manager, positive button, no tick box', () => {
      const card = confirmCard(confirmStep('setup'));
      assertWellFormed(card, FLOW_ID);
      assert.deepEqual(facts(card), [['Organization', 'contoso-web'], ['Subscription', `Contoso Pay-As-You-Go (${PAYG.id})`]]);
      assert.match(visibleText(card), /Step 3 of 3: confirm[\s\S]*Contoso Pay-As-You-Go will pay for contoso-web's paid features[\s\S]*primary billing manager/);
      assert.equal(input(card, 'acknowledged'), undefined);
      assert.deepEqual(buttons(card).map((b) => [b.title, b.verb, b.style]), [['Set up billing', 'flow.confirm', 'positive'], ['Cancel', 'flow.cancel', undefined]]);
    });

    it('change: from and to, what stays the same, no tick box', () => {
      const card = confirmCard(confirmStep('change'));
      assertWellFormed(card, FLOW_ID);
      assert.deepEqual(facts(card), [['Organization', 'contoso-web'], ['From', `Contoso Pay-As-You-Go (${PAYG.id})`], ['To', `Contoso Enterprise Agreement (${EA.id})`]]);
      assert.match(visibleText(card), /charges go to Contoso Enterprise Agreement instead of Contoso Pay-As-You-Go\. Paid quantities, pipelines, service connections and users stay/);
      assert.equal(input(card, 'acknowledged'), undefined);
      assert.equal(buttons(card)[0]?.title, 'Change billing');
    });

    it('remove: warns about the free tier and read-only storage, requires the tick box, destructive button', () => {
      const card = confirmCard(confirmStep('remove'));
      assertWellFormed(card, FLOW_ID);
      assert.match(visibleText(card), /Step 2 of 2: confirm/);
      assert.deepEqual(facts(card), [['Organization', 'contoso-web'], ['Paid by now', `Contoso Pay-As-You-Go (${PAYG.id})`]]);
      assert.match(visibleText(card), /fall back to the free tier at once[\s\S]*Artifacts storage above 2 GiB becomes read-only/);
      const toggle = input(card, 'acknowledged');
      assert.equal(toggle?.type, 'Input.Toggle');
      assert.equal(toggle?.valueOn, 'true', 'the handler reads "true" as acknowledged');
      assert.equal(toggle?.value, 'false', 'not ticked in advance');
      assert.equal(toggle?.isRequired, true);
      assert.match(String(toggle?.title), /I understand that contoso-web falls back to the free tier at once/);
      assert.deepEqual(buttons(card).map((b) => [b.title, b.verb, b.style]), [['Remove billing', 'flow.confirm', 'destructive'], ['Cancel', 'flow.cancel', undefined]]);
    });
  });

  describe('result', () => {
    const SUMMARY = {
      setup: /Billing is set up[\s\S]*Contoso Pay-As-You-Go now pays for contoso-web\. You are its primary billing manager/,
      change: /Billing changed[\s\S]*contoso-web's charges now go to Contoso Enterprise Agreement/,
      remove: /Billing removed[\s\S]*contoso-web has no billing now and is on the free tier/,
    };
    for (const kind of KINDS) {
      it(`${kind}: says what was done, by whom and when (UTC), and offers only Status`, () => {
        const card = resultCard(kind, change(kind));
        assertWellFormed(card);
        assert.match(visibleText(card), SUMMARY[kind]);
        assert.deepEqual(facts(card).slice(-2), [['By', 'Alex Wilber'], ['When', '2026-03-02 10:04 UTC']]);
        assert.deepEqual(buttons(card).map((b) => b.verb), ['status.show'], 'a finished flow offers nothing to click twice');
        assert.match(visibleText(card), /Type "status" at any time/);
        assert.match(visibleText(card), /Notifying in Teams: Megan Bowen\./, 'says who is told about the change');
      });
    }

    it('remove: says which subscription was paying', () => {
      assert.deepEqual(facts(resultCard('remove', change('remove')))[1], ['Was paid by', `Contoso Pay-As-You-Go (${PAYG.id})`]);
    });
  });

  describe('names that look like template bindings', () => {
    it('shows "${x}" in an organization name as text, on every card of a flow', () => {
      const tricky = { id: 'org-tricky', name: '${x} and ${flowId}' };
      const cards = [
        organizationPickerCard(organizationStep('setup', [{ ...tricky, selectable: true }, { ...tricky, id: 'org-2', selectable: false, reason: 'Ask ${owner}.' }])),
        subscriptionPickerCard({ ...subscriptionStep('setup', [{ ...SELECTABLE_SUB, name: '${title}' }]), organization: tricky }),
        confirmCard({ ...confirmStep('remove'), organization: tricky }),
        resultCard('setup', { ...change('setup'), organization: tricky, by: { id: 'u', name: '${by.name}' } }),
      ];
      for (const card of cards) assertWellFormed(card, FLOW_ID);
      assert.deepEqual(choiceTitles(cards[0] ?? assert.fail(), 'organizationId'), ['${x} and ${flowId}'.replace(/\$\{/g, '$\u2060{')]);
      assert.match(visibleText(cards[0] ?? assert.fail()), /\$\{x\} and \$\{flowId\}[\s\S]*Ask \$\{owner\}\./);
      assert.match(visibleText(cards[1] ?? assert.fail()), /\$\{title\} \(/);
      assert.match(visibleText(cards[2] ?? assert.fail()), /I understand that \$\{x\} and \$\{flowId\} falls back/);
      assert.match(visibleText(cards[3] ?? assert.fail()), /By[\s\S]*\$\{by\.name\}/);
    });
  });
});
