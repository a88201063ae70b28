import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { organizationAccess } from '../../../src/billing/organizationAccess';
import { AzureBackend } from '../../../src/directory/azure/azureDirectoryFactory';
import { LocalDirectory } from '../../../src/directory/localDirectory';
import type { DirectoryPort } from '../../../src/domain/ports/directory';
import type { DirectoryFile, Organization } from '../../../src/domain/directory';
import { AzureEmulator } from '../../support/azure/azureEmulator';
import { ADELE, ALEX, CONTOSO_TENANT, DEMO_DIRECTORY, MEGAN, ORG_DATA, ORG_WEB, SUB_EA, SUB_PAYG } from '../../support/demoWorld';

/** Opens a directory over the demo world, answering as `requester`. */
interface Implementation {
  readonly name: string;
  open(requester: string): Promise<DirectoryPort>;
  after?(): void;
  close(): Promise<void>;
}

const SHARED_SERVICES = '209773c3-995b-44d1-8fb5-731c969e7977';

async function demoWorld(): Promise<DirectoryFile> {
  return JSON.parse(await readFile(DEMO_DIRECTORY, 'utf8')) as DirectoryFile;
}

function localImplementation(): Implementation {
  return {
    name: 'the local directory file',
    open: () => LocalDirectory.open(DEMO_DIRECTORY),
    close: async () => undefined,
  };
}

function azureImplementation(): Implementation {
  let emulator: AzureEmulator | undefined;
  return {
    name: 'Azure (loopback emulator checked against the published specs)',
    async open(requester) {
      emulator ??= await AzureEmulator.start(await demoWorld());
      const backend = new AzureBackend({
        endpoints: emulator.endpoints,
        http: { timeoutMs: 5_000, maxRetries: 2, maxRetryAfterMs: 2_000, retryDelayMs: 5, trustedCertificates: emulator.certificate },
        billingWrites: 'deep-link',
      });
      return backend.directoryFor({ userId: requester, tenantId: CONTOSO_TENANT, tokens: emulator.tokensFor(requester) });
    },
    after() {
      if (emulator) assert.deepEqual(emulator.violations, [], 'Every request must follow the published specs.');
    },
    async close() {
      await emulator?.stop();
    },
  };
}

/** The administrators an organization has, wherever the owner is listed. */
function administrators(organization: Organization): string[] {
  return [...new Set([organization.ownerId, ...organization.projectCollectionAdministrators].filter((id) => id !== ''))].sort();
}

for (const make of [localImplementation, azureImplementation]) {
  const implementation = make();

  /**
   * What the billing service relies on, asked as the signed-in user: both directories must answer
   * these the same way for the same world.
   */
  describe(`Directory contract: ${implementation.name}`, function () {
    this.timeout(20_000);

    afterEach(() => implementation.after?.());
    after(() => implementation.close());

    it("knows the requester's name, email and tenant", async () => {
      const directory = await implementation.open(ALEX);
      const alex = await directory.getUser(ALEX);
      assert.deepEqual(alex && { displayName: alex.displayName, email: alex.email, tenantId: alex.tenantId }, {
        displayName: 'Alex Wilber',
        email: 'alexw@contoso.com',
        tenantId: CONTOSO_TENANT,
      });
    });

    it("lists the requester's organizations with their tenant and the requester's access", async () => {
      const directory = await implementation.open(ALEX);
      const organizations = await directory.organizationsOf(ALEX);
      const view = organizations
        .map((o) => ({ id: o.id, name: o.name, tenantId: o.tenantId, access: organizationAccess(ALEX, o) }))
        .sort((a, b) => a.name.localeCompare(b.name));
      assert.deepEqual(view, [
        { id: ORG_DATA, name: 'contoso-data', tenantId: CONTOSO_TENANT, access: 'member' },
        { id: 'org-contoso-mobile', name: 'contoso-mobile', tenantId: CONTOSO_TENANT, access: 'project-collection-administrator' },
        { id: ORG_WEB, name: 'contoso-web', tenantId: CONTOSO_TENANT, access: 'project-collection-administrator' },
      ]);
    });

    it('names every project collection administrator of an organization, the owner included', async () => {
      const directory = await implementation.open(ALEX);
      const data = await directory.getOrganization(ORG_DATA);
      assert.ok(data);
      assert.deepEqual(administrators(data), [ADELE, '00000000-0000-0000-0000-0000000000024'].sort());
      assert.deepEqual((await directory.getUsers(administrators(data))).map((u) => u.displayName).sort(), ['Adele Vance', 'Patti Fernandez']);
    });

    it('finds one of the requester\'s organizations by id, and nothing for an unknown id', async () => {
      const directory = await implementation.open(MEGAN);
      assert.equal((await directory.getOrganization(ORG_WEB))?.name, 'contoso-web');
      assert.equal(await directory.getOrganization('org-that-does-not-exist'), undefined);
    });

    it("lists the requester's subscriptions in their tenant with state, offer and spending limit", async () => {
      const directory = await implementation.open(ALEX);
      const world = await demoWorld();
      const visible = (await directory.subscriptionsVisibleTo(ALEX)).filter((s) => s.tenantId === CONTOSO_TENANT);
      const expected = world.subscriptions.filter(
        (s) => s.tenantId === CONTOSO_TENANT && world.roleAssignments.some((a) => a.subscriptionId === s.id && a.principalId === ALEX),
      );
      const shape = (list: readonly { id: string; displayName: string; state: string; quotaId: string; spendingLimit: string; tenantId: string }[]) =>
        list.map(({ id, displayName, state, quotaId, spendingLimit, tenantId }) => ({ id, displayName, state, quotaId, spendingLimit, tenantId })).sort((a, b) => a.id.localeCompare(b.id));
      assert.equal(expected.length, 10);
      assert.deepEqual(shape(visible), shape(expected));
      assert.ok(visible.some((s) => s.id === SHARED_SERVICES), 'A Reader role makes a subscription visible.');
    });

    it('reads one subscription, and nothing for an unknown id', async () => {
      const directory = await implementation.open(ALEX);
      const payg = await directory.getSubscription(SUB_PAYG);
      assert.deepEqual(payg && { name: payg.displayName, state: payg.state, quotaId: payg.quotaId, spendingLimit: payg.spendingLimit }, {
        name: 'Contoso Pay-As-You-Go',
        state: 'Enabled',
        quotaId: 'PayAsYouGo_2014-09-01',
        spendingLimit: 'Off',
      });
      assert.equal(await directory.getSubscription('00000000-0000-0000-0000-00000000dead'), undefined);
    });

    it('lists the built-in roles held on a subscription, with their holders', async () => {
      const directory = await implementation.open(ALEX);
      const roles = (await directory.roleAssignmentsOn(SUB_EA)).map((a) => `${a.principalId.slice(-2)} ${a.role}`).sort();
      assert.deepEqual(roles, ['20 Contributor', '21 Owner', '22 User Access Administrator']);
    });

    it("names the requester's tenant", async () => {
      const directory = await implementation.open(ALEX);
      assert.equal((await directory.getTenant(CONTOSO_TENANT))?.displayName, 'Contoso');
    });
  });
}
