import { AUDIENCE_NAMES, TOKEN_AUDIENCES, type TokenAudience } from '../../domain/credentials';
import type { AzureEndpoints, BillingLinkWrites } from '../../config';
import { DirectoryFailure } from '../directoryFailure';
import type { DirectoryFactory, DirectoryRequester } from '../factory';
import type { AzureHttpOptions } from './azureHttp';
import { AzureBillingLinks } from './azureBillingLinks';
import { AzureDevOps } from './azureDevOps';
import { AzureDirectory } from './azureDirectory';
import { AzureRoleAssignments, type AzureRoleAssignmentsOptions } from './azureRoleAssignments';
import { BillingSetupClient } from './billingSetup';
import { DevOpsHttp } from './devOpsHttp';
import { ResourceManager } from './resourceManager';

export interface AzureBackendOptions {
  readonly endpoints: AzureEndpoints;
  readonly http: AzureHttpOptions;
  readonly billingWrites: BillingLinkWrites;
  readonly roleAssignments?: AzureRoleAssignmentsOptions;
}

/**
 * Everything DIRECTORY=azure offers, built per requester from their own tokens: the directory, role
 * assignment writes (for backup managers) and the billing link. Nothing here holds an identity or a
 * token of the bot's own.
 */
export class AzureBackend implements DirectoryFactory {
  readonly requiredSignIns: readonly TokenAudience[] = TOKEN_AUDIENCES;

  constructor(private readonly options: AzureBackendOptions) {}

  async directoryFor(requester: DirectoryRequester): Promise<AzureDirectory> {
    const armToken = this.token(requester, 'azure-resource-manager');
    const devOpsToken = this.token(requester, 'azure-devops');
    const resourceManager = this.resourceManager(armToken);
    return new AzureDirectory({
      requester,
      resourceManager,
      roleAssignments: new AzureRoleAssignments(resourceManager, this.options.roleAssignments),
      devOps: new AzureDevOps(new DevOpsHttp(devOpsToken, this.options.http), this.options.endpoints),
      tokens: [armToken, devOpsToken],
    });
  }

  roleAssignmentsFor(requester: DirectoryRequester): AzureRoleAssignments {
    return new AzureRoleAssignments(this.resourceManager(this.token(requester, 'azure-resource-manager')), this.options.roleAssignments);
  }

  billingLinksFor(requester: DirectoryRequester): AzureBillingLinks {
    const http = new DevOpsHttp(this.token(requester, 'azure-devops'), this.options.http);
    return new AzureBillingLinks(new BillingSetupClient(http, this.options.endpoints.devOpsCommerce), this.options.billingWrites, this.options.endpoints.devOpsWeb);
  }

  private resourceManager(token: string): ResourceManager {
    return new ResourceManager(token, this.options.endpoints.resourceManager, this.options.http);
  }

  private token(requester: DirectoryRequester, audience: TokenAudience): string {
    const token = requester.tokens?.tokenFor(audience);
    if (!token) {
      throw new DirectoryFailure('sign-in-required', `Sign in to ${AUDIENCE_NAMES[audience]} first, so that I can act with your own permissions.`, {
        service: AUDIENCE_NAMES[audience],
        signIn: audience,
      });
    }
    return token;
  }
}
