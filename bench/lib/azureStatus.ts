import type { AzureEndpoints, AzureSignIn } from '../../src/config';
import { AzureBackend } from '../../src/directory/azure/azureDirectoryFactory';
import type { DirectoryFile, Organization, Subscription } from '../../src/domain/directory';
import { FakeTokenService } from '../../test/support/fakeTokenService';
import { cardOf, TeamsHarness } from '../../test/support/teamsHarness';
import { startChild, type Child } from './child';

export interface AzureStatusRun {
  readonly run: 'first' | 'again';
  readonly ms: number;
  /** CPU time of the bench process (the bot's side) during the command. */
  readonly cpuMs: number;
  readonly requests: number;
  readonly byOperation: Readonly<Record<string, number>>;
  /** Organizations missing from the card, or shown as unreadable: must be 0. */
  readonly problems: number;
}

export interface AzureStatusResult {
  readonly organizations: number;
  readonly linked: number;
  readonly latencyMs: number;
  /** The bot's limit of calls under way at once per service; 0: the product's default. */
  readonly callsAtOnce: number;
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
 * and Azure clients, against the spec-checking emulator (in its own process, so that emulating Azure
 * is not counted as the bot's work) where every call takes `latencyMs`: first
 * as a new conversation would ask it, then again a moment later (the organizations are reused, the
 * billing links are read afresh).
 */
/** `callsAtOnce`: the bot's limit per service, to see what it buys; 0 keeps the product's default. */
export async function measureAzureStatus(organizations: number, latencyMs: number, callsAtOnce = 0): Promise<AzureStatusResult> {
  const world = worldOf(organizations);
  const linked = Math.floor(organizations / 4);
  const billing = world.organizations.slice(0, linked).map((org) => ({ organizationId: org.id, subscriptionId: SUBSCRIPTION, by: USER }));
  const azure = await startChild('azureEmulator', { world, latencyMs, billing, userId: USER });
  try {
    const ready = azure.ready as unknown as EmulatorReady;
    const tokens = new FakeTokenService();
    tokens.signedIn(TEAMS_ID, 'arm', ready.armToken);
    tokens.signedIn(TEAMS_ID, 'devops', ready.devOpsToken);
    const backend = new AzureBackend({
      endpoints: ready.endpoints,
      http: { timeoutMs: 30_000, maxRetries: 2, maxRetryAfterMs: 2_000, trustedCertificates: ready.certificate },
      billingWrites: 'deep-link',
      ...(callsAtOnce ? { callsAtOnce } : {}),
    });
    const bot = await TeamsHarness.create({
      directories: backend,
      billingLinksFor: async (caller) => backend.billingLinksFor(caller),
      signIn: { settings: SETTINGS, tokenService: tokens },
    });
    const user = { aadObjectId: USER, name: 'Bench User', tenantId: TENANT };
    const runs: AzureStatusRun[] = [];
    let counted = await requestsSoFar(azure);
    for (const run of ['first', 'again'] as const) {
      const started = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const card = cardOf(await bot.say('status', user));
      const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
      const used = process.cpuUsage(cpu);
      const cpuMs = Math.round((used.user + used.system) / 1000);
      const now = await requestsSoFar(azure);
      const byOperation: Record<string, number> = {};
      for (const [operation, count] of Object.entries(now.byOperation)) {
        const made = count - (counted.byOperation[operation] ?? 0);
        if (made > 0) byOperation[operation] = made;
      }
      const missing = world.organizations.filter((org) => !card.text.includes(`${org.name}\n`)).length;
      const unreadable = card.text.match(/Could not read this organization/g)?.length ?? 0;
      runs.push({ run, ms, cpuMs, requests: now.total - counted.total, byOperation, problems: missing + unreadable + now.violations.length });
      counted = now;
    }
    await bot.close();
    return { organizations, linked, latencyMs, callsAtOnce, runs };
  } finally {
    await azure.stop();
  }
}

interface EmulatorReady {
  readonly endpoints: AzureEndpoints;
  readonly certificate: string;
  readonly armToken: string;
  readonly devOpsToken: string;
}

interface RequestCounts {
  readonly total: number;
  readonly byOperation: Readonly<Record<string, number>>;
  readonly violations: readonly string[];
}

async function requestsSoFar(azure: Child): Promise<RequestCounts> {
  return (await azure.request('requests')) as unknown as RequestCounts;
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
