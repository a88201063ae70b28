import type { AzureSignIn } from '../../src/config';
import type { DirectoryFile, Organization, Subscription } from '../../src/domain/directory';
import { AzureEmulator } from '../../test/support/azure/azureEmulator';
import { emulatedBackend } from '../../test/support/azure/emulatedBackend';
import { vsidOf } from '../../test/support/azure/emulatedWorld';
import { FakeTokenService } from '../../test/support/fakeTokenService';
import { cardOf, TeamsHarness } from '../../test/support/teamsHarness';

export interface AzureStatusRun {
  readonly run: 'first' | 'again';
  readonly ms: number;
  readonly requests: number;
  readonly byOperation: Readonly<Record<string, number>>;
  /** Organizations missing from the card, or shown as unreadable: must be 0. */
  readonly problems: number;
}

export interface AzureStatusResult {
  readonly organizations: number;
  readonly linked: number;
  readonly latencyMs: number;
  readonly runs: readonly AzureStatusRun[];
}

const USER = '00000000-0000-0000-0000-00000000a001';
const COLLEAGUE = '00000000-0000-0000-0000-00000000a002';
const TENANT = '00000000-0000-0000-0000-00000000a0ff';
const SUBSCRIPTION = '00000000-0000-0000-0000-00000000a5b5';
const TEAMS_ID = `teams-${USER}`;
const SETTINGS: AzureSignIn = { resourceManagerConnection: 'arm', devOpsConnection: 'devops', tokenExchangeUri: undefined };

/**
 * `status` with DIRECTORY=azure for a user of many organizations, through the bot's real Teams path
 * and Azure clients, against the spec-checking emulator where every call takes `latencyMs`: first
 * as a new conversation would ask it, then again a moment later (the organizations are reused, the
 * billing links are read afresh).
 */
export async function measureAzureStatus(organizations: number, latencyMs: number): Promise<AzureStatusResult> {
  const world = worldOf(organizations);
  const emulator = await AzureEmulator.start(world, { latencyMs, pageSize: 100 });
  try {
    const linked = Math.floor(organizations / 4);
    for (const org of world.organizations.slice(0, linked)) emulator.world.billing.set(org.id, { subscriptionId: SUBSCRIPTION, updatedBy: vsidOf(USER), updatedAt: new Date() });
    const tokens = new FakeTokenService();
    tokens.signedIn(TEAMS_ID, 'arm', emulator.tokenFor(USER, 'azure-resource-manager'));
    tokens.signedIn(TEAMS_ID, 'devops', emulator.tokenFor(USER, 'azure-devops'));
    const backend = emulatedBackend(emulator, { recentReadsLifetimeMs: 60_000, callsAtOnce: 64, http: { timeoutMs: 30_000 } });
    const bot = await TeamsHarness.create({
      directories: backend,
      billingLinksFor: async (caller) => backend.billingLinksFor(caller),
      signIn: { settings: SETTINGS, tokenService: tokens },
    });
    const user = { aadObjectId: USER, name: 'Bench User', tenantId: TENANT };
    const runs: AzureStatusRun[] = [];
    for (const run of ['first', 'again'] as const) {
      const before = emulator.requests.length;
      const started = process.hrtime.bigint();
      const card = cardOf(await bot.say('status', user));
      const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
      const made = emulator.requests.slice(before);
      const byOperation: Record<string, number> = {};
      for (const request of made) byOperation[request.operationId] = (byOperation[request.operationId] ?? 0) + 1;
      const problems = world.organizations.filter((org) => !card.text.includes(`${org.name}\n`)).length + (card.text.match(/Could not read this organization/g)?.length ?? 0) + emulator.violations.length;
      runs.push({ run, ms, requests: made.length, byOperation, problems });
    }
    await bot.close();
    return { organizations, linked, latencyMs, runs };
  } finally {
    await emulator.stop();
  }
}

function worldOf(count: number): DirectoryFile {
  const subscription: Subscription = { id: SUBSCRIPTION, displayName: 'Bench Pay-As-You-Go', tenantId: TENANT, state: 'Enabled', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' };
  const organizations: Organization[] = Array.from({ length: count }, (_, i) => ({
    id: `bench-org-${String(i).padStart(4, '0')}`,
    name: `bench-org-${String(i).padStart(4, '0')}`,
    tenantId: TENANT,
    ownerId: i % 2 === 0 ? USER : COLLEAGUE,
    projectCollectionAdministrators: [USER, COLLEAGUE],
    members: [USER, COLLEAGUE],
  }));
  return {
    tenants: [{ id: TENANT, displayName: 'Bench' }],
    users: [
      { id: USER, displayName: 'Bench User', email: 'user@bench.example', tenantId: TENANT },
      { id: COLLEAGUE, displayName: 'Bench Colleague', email: 'colleague@bench.example', tenantId: TENANT },
    ],
    organizations,
    subscriptions: [subscription],
    roleAssignments: [{ subscriptionId: SUBSCRIPTION, principalId: USER, role: 'Owner' }, { subscriptionId: SUBSCRIPTION, principalId: COLLEAGUE, role: 'Contributor' }],
  };
}
