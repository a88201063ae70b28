/**
 * The billing flows in the Agents Playground, clicked through as a person would: Alex Wilber (the
 * playground's mock user) sets up billing, checks status, changes it and removes it.
 */
import * as assert from 'node:assert/strict';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { ARTIFACTS_DIR, startHarness, type Harness } from './harness';

interface SavedState {
  readonly links: Record<string, { subscriptionId: string; linkedBy: string; changedBy?: string }>;
}

const PAYG = '41cc4f36-a157-4ec6-97a4-346cb65c3452';
const EA = '263c2b1d-447c-44ad-b793-40363e9f4870';

/** A picture of the card alone, for the README's picture of the flow. */
async function keepCardPicture(card: Locator, name: string): Promise<void> {
  await card.locator('.ac-adaptiveCard').first().screenshot({ path: path.join(ARTIFACTS_DIR, `card-${name}.png`) });
}

describe('e2e: billing flows in the Agents Playground', function () {
  this.timeout(240_000);
  let h: Harness;

  before(async function () {
    // Tall enough that the longest card (the subscription list) fits whole in its picture.
    h = await startHarness({ name: 'billing', viewport: { width: 1280, height: 1800 } });
    // Loading the page installs the app: the welcome card comes first.
    await h.step('welcome', () => h.waitForBotText(/set up Azure DevOps billing from chat/));
  });

  after(async function () {
    await h?.stop();
  });

  it('lists the commands on "help"', async function () {
    await h.step('help', async () => {
      const from = await h.say('help');
      const reply = await h.waitForBotText(/What I can do/, { from });
      const text = await reply.innerText();
      for (const command of ['set up billing', 'status', 'change billing', 'remove billing', 'cancel']) {
        assert.ok(text.includes(command), `help lacks ${command}`);
      }
    });
  });

  it('hints at help for text it does not know', async function () {
    await h.step('unknown-text', async () => {
      const from = await h.say('make it cheaper');
      await h.waitForBotText(/I don't know "make it cheaper"\. Type "help"/, { from });
    });
  });

  it('sets up billing by picking from the cards', async function () {
    const organizations = await h.step('setup-1-organizations', async () => {
      const from = await h.say('set up billing');
      const card = await h.waitForBotText(/Step 1 of 3: organization/, { from });
      const text = await card.innerText();
      assert.match(text, /contoso-data/);
      assert.match(text, /Only project collection administrators can set up billing\. Ask Adele Vance/);
      await keepCardPicture(card, '1-organization');
      return card;
    });
    const subscriptions = await h.step('setup-2-subscriptions', async () => {
      await h.chooseOption('Organization', 'contoso-web', organizations);
      const card = await h.clickAction('Next', organizations);
      await h.waitForBotText(/Step 2 of 3: subscription/, { within: card });
      const text = await card.innerText();
      assert.match(text, /Free Trial/);
      assert.match(text, /free trials cannot pay for Azure DevOps/);
      assert.match(text, /another Microsoft Entra tenant/);
      assert.match(text, /Ask Megan Bowen or Isaiah Langer \(Owner\)/);
      await keepCardPicture(card, '2-subscription');
      return card;
    });
    await h.step('setup-3-confirm', async () => {
      await h.chooseOption('Subscription', /Contoso Pay-As-You-Go/, subscriptions);
      await h.clickAction('Next', subscriptions);
      await h.waitForBotText(/Contoso Pay-As-You-Go will pay for contoso-web/, { within: subscriptions });
      await keepCardPicture(subscriptions, '3-confirm');
    });
    await h.step('setup-4-result', async () => {
      await h.clickAction('Set up billing', subscriptions);
      await h.waitForBotText(/Billing is set up/, { within: subscriptions });
      const text = await subscriptions.innerText();
      assert.match(text, /Alex Wilber/);
      await keepCardPicture(subscriptions, '4-result');
    });
    const state = h.readState() as SavedState;
    assert.equal(state.links['org-contoso-web']?.subscriptionId, PAYG);
  });

  it('shows the link in status', async function () {
    await h.step('status-after-setup', async () => {
      const from = await h.say('status');
      const card = await h.waitForBotText(/Billing status/, { from });
      assert.match(await card.innerText(), /contoso-web[\s\S]*Billing is set up\.[\s\S]*Contoso Pay-As-You-Go[\s\S]*Alex Wilber/);
    });
  });

  it('changes billing to the Enterprise Agreement', async function () {
    const card = await h.step('change-1-organizations', async () => {
      const from = await h.say('change billing');
      return h.waitForBotText(/Change billing[\s\S]*Step 1 of 3/, { from });
    });
    await h.step('change-2-subscriptions', async () => {
      await h.chooseOption('Organization', /contoso-web/, card);
      await h.clickAction('Next', card);
      await h.waitForBotText(/Which subscription should pay from now on/, { within: card });
    });
    await h.step('change-3-confirm', async () => {
      await h.chooseOption('Subscription', /Contoso Enterprise Agreement/, card);
      await h.clickAction('Next', card);
      await h.waitForBotText(/instead of Contoso Pay-As-You-Go/, { within: card });
    });
    await h.step('change-4-result', async () => {
      await h.clickAction('Change billing', card);
      await h.waitForBotText(/Billing changed/, { within: card });
    });
    assert.equal((h.readState() as SavedState).links['org-contoso-web']?.subscriptionId, EA);
  });

  it('removes billing only after the explicit confirmation', async function () {
    const card = await h.step('remove-1-organizations', async () => {
      const from = await h.say('remove billing');
      return h.waitForBotText(/Remove billing[\s\S]*Step 1 of 2/, { from });
    });
    await h.step('remove-2-confirm', async () => {
      await h.chooseOption('Organization', /contoso-web/, card);
      await h.clickAction('Next', card);
      await h.waitForBotText(/fall back to the free tier at once/, { within: card });
    });
    await h.step('remove-3-result', async () => {
      await h.toggle(/I understand/, true, card);
      await h.clickAction('Remove billing', card);
      await h.waitForBotText(/Billing removed/, { within: card });
    });
    assert.equal((h.readState() as SavedState).links['org-contoso-web'], undefined);
    await h.step('status-after-remove', async () => {
      const from = await h.say('status');
      const status = await h.waitForBotText(/Billing status/, { from });
      assert.match(await status.innerText(), /contoso-web[\s\S]*Billing is not set up/);
    });
  });

  it('makes a first purchase, which sets billing up on the way', async function () {
    const card = await h.step('buy-1-organizations', async () => {
      const from = await h.say('buy');
      return h.waitForBotText(/Buy paid quantities[\s\S]*Step 1 of 3: organization/, { from });
    });
    await h.step('buy-2-quantities', async () => {
      await h.chooseOption('Organization', /contoso-web \(no billing yet\)/, card);
      await h.clickAction('Next', card);
      await h.waitForBotText(/Step 2 of 3: quantities/, { within: card });
      assert.match(await card.innerText(), /this first purchase sets billing up/);
    });
    await h.step('buy-3-bad-number', async () => {
      assert.match(await card.innerText(), /Users are not bought here/);
      await h.fillInput('Paid Microsoft-hosted parallel jobs', '2.5', card);
      await h.clickAction('Next', card);
      await h.waitForBotText(/Nothing was changed\. Fix this and press Next again/, { within: card });
      assert.match(await card.innerText(), /"2\.5" is not a whole number/);
    });
    await h.step('buy-4-subscription', async () => {
      await h.fillInput('Paid Microsoft-hosted parallel jobs', '1', card);
      await h.fillInput('Paid self-hosted parallel jobs', '3', card);
      await h.clickAction('Next', card);
      await h.waitForBotText(/Set up billing[\s\S]*Step 2 of 3: subscription/, { within: card });
    });
    await h.step('buy-5-confirm', async () => {
      await h.chooseOption('Subscription', /Contoso Pay-As-You-Go/, card);
      await h.clickAction('Next', card);
      await h.waitForBotText(/Monthly list-price estimate: 0 USD → 85 USD/, { within: card });
    });
    await h.step('buy-6-result', async () => {
      await h.clickAction('Set up billing', card);
      await h.waitForBotText(/Billing is set up/, { within: card });
      assert.match(await card.innerText(), /Your purchase is made: contoso-web now pays for 1 Microsoft-hosted parallel job and 3 self-hosted parallel jobs/);
    });
    const state = h.readState() as SavedState & { quantities: Record<string, Record<string, number>> };
    assert.equal(state.links['org-contoso-web']?.subscriptionId, PAYG);
    await h.step('status-after-purchase', async () => {
      const from = await h.say('status');
      const status = await h.waitForBotText(/Billing status/, { from });
      assert.match(await status.innerText(), /Paid quantities/);
    });
  });
});
