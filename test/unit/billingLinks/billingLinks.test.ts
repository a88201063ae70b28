import assert from 'node:assert/strict';
import type { BillingLinkPort } from '../../../src/domain/ports/billingLinks';
import { StateBillingLinks } from '../../../src/billingLinks/stateBillingLinks';
import { parseDevOpsDate } from '../../../src/directory/azure/billingSetup';
import { createMemoryStore } from '../../../src/store/memoryStore';
import { recordedBody } from '../../support/azure/apiContract';
import { AzureEmulator } from '../../support/azure/azureEmulator';
import { vsidOf } from '../../support/azure/emulatedWorld';
import { demoWorldFile, emulatedBackend, requester } from '../../support/azure/emulatedBackend';
import { ALEX, CONTOSO_TENANT, ORG_WEB, SUB_EA, SUB_PAYG } from '../../support/demoWorld';

const WEB = { id: ORG_WEB, name: 'contoso-web' };
const PAYG = { id: SUB_PAYG, name: 'Contoso Pay-As-You-Go', tenantId: CONTOSO_TENANT };
const EA = { id: SUB_EA, name: 'Contoso Enterprise Agreement', tenantId: CONTOSO_TENANT };
const AT = '2026-11-26T09:00:00.000Z';

interface Implementation {
  readonly name: string;
  open(): Promise<BillingLinkPort>;
  after(): Promise<void>;
}

const implementations: (() => Implementation)[] = [
  () => ({ name: 'the state file (local directory)', open: async () => new StateBillingLinks(createMemoryStore()), after: async () => undefined }),
  () => {
    let emulator: AzureEmulator | undefined;
    return {
      name: 'Azure DevOps billing setup with AZURE_BILLING_WRITES=api',
      async open() {
        emulator = await AzureEmulator.start(await demoWorldFile());
        return emulatedBackend(emulator, { billingWrites: 'api' }).billingLinksFor(requester(emulator, ALEX));
      },
      async after() {
        assert.deepEqual(emulator?.violations, []);
        await emulator?.stop();
      },
    };
  },
];

for (const make of implementations) {
  const implementation = make();

  describe(`Billing link contract: ${implementation.name}`, function () {
    this.timeout(20_000);
    let links: BillingLinkPort;

    beforeEach(async () => {
      links = await implementation.open();
    });
    afterEach(() => implementation.after());

    it('sets up, changes and removes billing, each confirmed by reading it back', async () => {
      assert.equal(await links.current(WEB), undefined);
      const setUp = await links.request({ organization: WEB, subscription: PAYG, requestedBy: ALEX, at: AT });
      assert.equal(setUp.status, 'applied');
      assert.equal((await links.current(WEB))?.subscriptionId, SUB_PAYG);
      assert.deepEqual(await links.check({ organization: WEB, subscription: PAYG }), { done: true, current: await links.current(WEB) });

      assert.equal((await links.request({ organization: WEB, subscription: EA, requestedBy: ALEX, at: AT })).status, 'applied');
      assert.equal((await links.current(WEB))?.subscriptionId, SUB_EA);
      assert.equal((await links.check({ organization: WEB, subscription: PAYG })).done, false);

      assert.equal((await links.request({ organization: WEB, requestedBy: ALEX, at: AT })).status, 'applied');
      assert.equal(await links.current(WEB), undefined);
      assert.equal((await links.check({ organization: WEB })).done, true);
    });
  });
}

describe('Billing links in Azure DevOps', function () {
  this.timeout(20_000);
  let emulator: AzureEmulator;

  beforeEach(async () => {
    emulator = await AzureEmulator.start(await demoWorldFile());
  });
  afterEach(async () => {
    assert.deepEqual(emulator.violations, []);
    await emulator.stop();
  });

  it('reads who set billing up and when from the billing setup', async () => {
    emulator.world.billing.set(ORG_WEB, { subscriptionId: SUB_PAYG, updatedBy: vsidOf(ALEX), updatedAt: new Date(AT) });
    const current = await emulatedBackend(emulator).billingLinksFor(requester(emulator, ALEX)).current(WEB);
    assert.deepEqual(current, { organizationId: ORG_WEB, subscriptionId: SUB_PAYG, updatedBy: vsidOf(ALEX), updatedAt: AT });
  });

  it('by default writes nothing: it hands over the Billing settings page with the exact choice, then checks again', async () => {
    const links = emulatedBackend(emulator).billingLinksFor(requester(emulator, ALEX));
    const outcome = await links.request({ organization: WEB, subscription: PAYG, requestedBy: ALEX, at: AT });
    assert.deepEqual(outcome, {
      status: 'action-required',
      url: 'https://dev.azure.com/contoso-web/_settings/billing',
      instruction: `In contoso-web's Billing settings, choose "Set up billing" (or "Change billing" if another subscription pays now), select the subscription "Contoso Pay-As-You-Go" (${SUB_PAYG}) and save. Then come back and press "Check again".`,
    });
    assert.equal((await links.check({ organization: WEB, subscription: PAYG })).done, false);
    // The user makes the change on the page.
    emulator.world.billing.set(ORG_WEB, { subscriptionId: SUB_PAYG, updatedBy: vsidOf(ALEX), updatedAt: new Date(AT) });
    assert.equal((await links.check({ organization: WEB, subscription: PAYG })).done, true);
    assert.equal(emulator.callsTo('BillingSetup_Put').length + emulator.callsTo('BillingSetup_Delete').length, 0);
  });

  it('asks for "Remove billing" on the page when removal is wanted', async () => {
    const outcome = await emulatedBackend(emulator).billingLinksFor(requester(emulator, ALEX)).request({ organization: WEB, requestedBy: ALEX, at: AT });
    assert.equal(outcome.status, 'action-required');
    assert.match(outcome.status === 'action-required' ? outcome.instruction : '', /^In contoso-web's Billing settings, choose "Remove billing" and confirm\./);
  });

  it('with writes enabled, sends the documented body and reports a write that does not read back', async () => {
    emulator.inject({ operationId: 'BillingSetup_Put', reply: { status: 200 } });
    const outcome = await emulatedBackend(emulator, { billingWrites: 'api' }).billingLinksFor(requester(emulator, ALEX)).request({ organization: WEB, subscription: PAYG, requestedBy: ALEX, at: AT });
    assert.deepEqual(emulator.callsTo('BillingSetup_Put')[0]?.body, { subscriptionId: SUB_PAYG, subscriptionTenantId: CONTOSO_TENANT });
    assert.deepEqual(outcome, {
      status: 'not-applied',
      current: undefined,
      message: "Azure DevOps accepted the change, but contoso-web's billing settings still show no subscription. Open https://dev.azure.com/contoso-web/_settings/billing to check, and make the change there if needed.",
    });
  });

  it('reads the recorded billing setup sample and its ASP.NET date', () => {
    const sample = recordedBody('MethodsAndPractices/vsteam/Tests/SampleFiles/Get-VSTeamAccountBillingWithSubscription.json');
    assert.equal(sample.subscriptionId, '2b53247c-fb65-469e-a711-46e0c29d15a1');
    assert.equal(parseDevOpsDate(sample.updatedDateTime)?.toISOString(), '2019-08-22T08:51:28.262Z');
    assert.equal(parseDevOpsDate('2024-03-01T10:00:00Z')?.toISOString(), '2024-03-01T10:00:00.000Z');
    assert.equal(parseDevOpsDate('yesterday'), undefined);
  });
});
