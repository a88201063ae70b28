import { AUDIENCE_NAMES, TOKEN_AUDIENCES, type TokenAudience } from '../../domain/credentials';
import type { AzureEndpoints, BillingLinkWrites } from '../../config';
import { signInFirst } from './azureFailures';
import { MicrosoftGraph } from './microsoftGraph';
import type { DirectoryFactory, DirectoryRequester } from '../factory';
import type { AzureHttpOptions } from './azureHttp';
import { AzureBillingLinks } from './azureBillingLinks';
import { AzureDevOps } from './azureDevOps';
import { AzureDirectory } from './azureDirectory';
import { AzureRoleAssignments, type AzureRoleAssignmentsOptions } from './azureRoleAssignments';
import { BillingSetupClient } from './billingSetup';
import { DevOpsHttp } from './devOpsHttp';
import { ResourceManager } from './resourceManager';
import { ConcurrencyLimit } from './concurrencyLimit';
import { RecentReads } from './recentReads';
import { AzureUsage } from './azureUsage';
import { UserEntitlements } from './userEntitlements';
import { AzureActualCharges } from './azureActualCharges';
import { CostManagement } from './costManagement';

/**
 * Calls one user's command may have under way at once: one limit for its directory reads (Azure
 * Resource Manager and Azure DevOps together), one for its billing links. Reading 200 organizations
 * takes about 800 calls; 128 side by side answer in under 3 seconds when each call takes 150 ms
 * (npm run bench -- --phases=azure), while the limit keeps one command from opening hundreds of
 * connections at once. Azure's own throttling (429 with Retry-After) is honoured as before.
 */
const CALLS_AT_ONCE = 128;
/** How long a user's organizations, administrators and subscriptions are reused across their commands. */
const RECENT_READS_LIFETIME_MS = 60_000;

export interface AzureBackendOptions {
  readonly endpoints: AzureEndpoints;
  readonly http: AzureHttpOptions;
  readonly billingWrites: BillingLinkWrites;
  readonly roleAssignments?: AzureRoleAssignmentsOptions;
  readonly callsAtOnce?: number;
  /** 0 turns reuse off: every command reads everything again. */
  readonly recentReadsLifetimeMs?: number;
  /** The bot has a Microsoft Graph connection: people can be searched once the user signs in to it. */
  readonly peopleSearch?: boolean;
}

/**
 * Everything DIRECTORY=azure offers, built per requester from their own tokens: the directory, role
 * assignment writes (for backup managers), the billing link and the month's actual charges. Nothing
 * here holds an identity or a token of the bot's own.
 */
export class AzureBackend implements DirectoryFactory {
  readonly requiredSignIns: readonly TokenAudience[] = TOKEN_AUDIENCES;

  private readonly recentReads: RecentReads;

  constructor(private readonly options: AzureBackendOptions) {
    this.recentReads = new RecentReads(options.recentReadsLifetimeMs ?? RECENT_READS_LIFETIME_MS);
  }

  async directoryFor(requester: DirectoryRequester): Promise<AzureDirectory> {
    const armToken = this.token(requester, 'azure-resource-manager');
    const devOpsToken = this.token(requester, 'azure-devops');
    // Optional: only the billing-manager picker needs it, and asks for the sign-in when it does.
    const graphToken = requester.tokens?.tokenFor('microsoft-graph');
    const http = this.limitedHttp();
    const resourceManager = new ResourceManager(armToken, this.options.endpoints.resourceManager, http);
    const devOpsHttp = new DevOpsHttp(devOpsToken, http);
    return new AzureDirectory({
      requester,
      resourceManager,
      roleAssignments: new AzureRoleAssignments(resourceManager, this.options.roleAssignments),
      devOps: new AzureDevOps(devOpsHttp, this.options.endpoints),
      usage: new AzureUsage(new UserEntitlements(devOpsHttp, this.options.endpoints.devOpsEntitlements)),
      tokens: [armToken, devOpsToken, ...(graphToken ? [graphToken] : [])],
      recentReads: this.recentReads,
      ...(this.options.peopleSearch ? { people: graphToken ? new MicrosoftGraph(graphToken, this.options.endpoints.microsoftGraph, requester.tenantId ?? '', http) : 'not-signed-in' } : {}),
    });
  }

  roleAssignmentsFor(requester: DirectoryRequester): AzureRoleAssignments {
    return new AzureRoleAssignments(this.resourceManager(this.token(requester, 'azure-resource-manager')), this.options.roleAssignments);
  }

  billingLinksFor(requester: DirectoryRequester): AzureBillingLinks {
    const http = new DevOpsHttp(this.token(requester, 'azure-devops'), this.limitedHttp());
    return new AzureBillingLinks(new BillingSetupClient(http, this.options.endpoints.devOpsCommerce), this.options.billingWrites, this.options.endpoints.devOpsWeb);
  }

  /** This month's charges from Azure Cost Management, read with the requester's Azure Resource Manager token. */
  actualChargesFor(requester: DirectoryRequester): AzureActualCharges {
    const costManagement = new CostManagement(this.token(requester, 'azure-resource-manager'), this.options.endpoints.resourceManager, this.limitedHttp());
    return new AzureActualCharges(costManagement);
  }

  private limitedHttp(): AzureHttpOptions {
    return { ...this.options.http, limit: new ConcurrencyLimit(this.options.callsAtOnce ?? CALLS_AT_ONCE) };
  }

  private resourceManager(token: string): ResourceManager {
    return new ResourceManager(token, this.options.endpoints.resourceManager, this.options.http);
  }

  private token(requester: DirectoryRequester, audience: TokenAudience): string {
    const token = requester.tokens?.tokenFor(audience);
    if (!token) throw signInFirst(audience, AUDIENCE_NAMES[audience]);
    return token;
  }
}
