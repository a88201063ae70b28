import type { DevOpsHttp } from './devOpsHttp';
import { record, text } from './azureDevOps';

/** What the organization's billing settings say now. */
export interface BillingSetup {
  /** The subscription paying for the organization; undefined when billing is not set up. */
  readonly subscriptionId: string | undefined;
  /** The Azure DevOps identity id of whoever last changed it. */
  readonly updatedBy: string | undefined;
  readonly updatedAt: Date | undefined;
}

/**
 * The version public scripts use with this endpoint. Microsoft publishes no contract for it: see
 * test/fixtures/azure-specs/README.md for where this description comes from.
 */
const BILLING_SETUP_API = '7.1-preview.1';

/**
 * The organization's billing setup through the internal "AzComm" endpoint the Billing settings page
 * uses (`GET|PUT|DELETE {commerce}/{organizationId}/_apis/AzComm/BillingSetup`). Reading it is
 * exercised by public tools; writing it is not, so callers write only when explicitly enabled and
 * always read back.
 */
export class BillingSetupClient {
  constructor(
    private readonly http: DevOpsHttp,
    private readonly commerceEndpoint: string,
  ) {}

  async read(organization: { id: string; name: string }): Promise<BillingSetup> {
    const response = await this.http.send({
      method: 'GET',
      url: this.url(organization.id),
      apiVersion: BILLING_SETUP_API,
      action: {
        doing: `read the billing settings of ${organization.name}`,
        whenDenied: `Only project collection administrators of ${organization.name} can see its billing; ask one of them.`,
      },
    });
    const body = record(response.body);
    return {
      subscriptionId: text(body.subscriptionId),
      updatedBy: text(body.updatedBy),
      updatedAt: parseDevOpsDate(body.updatedDateTime),
    };
  }

  async write(organization: { id: string; name: string }, subscriptionId: string, subscriptionTenantId: string): Promise<void> {
    await this.http.send({
      method: 'PUT',
      url: this.url(organization.id),
      apiVersion: BILLING_SETUP_API,
      body: { subscriptionId, subscriptionTenantId },
      action: {
        doing: `set the billing subscription of ${organization.name}`,
        whenDenied: `Only project collection administrators of ${organization.name} who hold Owner or Contributor on the subscription can set up billing.`,
      },
    });
  }

  async remove(organization: { id: string; name: string }): Promise<void> {
    await this.http.send({
      method: 'DELETE',
      url: this.url(organization.id),
      apiVersion: BILLING_SETUP_API,
      action: {
        doing: `remove billing from ${organization.name}`,
        whenDenied: `Only project collection administrators of ${organization.name} who hold Owner or Contributor on the billing subscription can remove billing.`,
      },
    });
  }

  private url(organizationId: string): string {
    return `${this.commerceEndpoint}/${encodeURIComponent(organizationId)}/_apis/AzComm/BillingSetup`;
  }
}

/** Azure DevOps writes dates as ISO 8601 or in the old ASP.NET form "/Date(1566463888262)/". */
export function parseDevOpsDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const legacy = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value);
  const date = legacy ? new Date(Number(legacy[1])) : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
