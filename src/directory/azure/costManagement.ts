import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { DirectoryFailure } from '../directoryFailure';
import { retryAfterMs, type AzureHttpOptions } from './azureHttp';
import { userPipeline } from './userPipeline';
import { azureFailure, COST_MANAGEMENT, failureForStatus, type AzureAction } from './azureFailures';
import type { CostQueryDefinition, CostQueryPage } from './costQuery';

/** The version whose spec the emulator checks (test/fixtures/azure-specs, cost-management 2023-03-01). */
const COST_MANAGEMENT_API = '2023-03-01';
/** A month of daily rows by meter is a few hundred rows: more pages than this means something loops. */
const MAX_PAGES = 50;

/**
 * Azure Cost Management's Query (`POST {scope}/providers/Microsoft.CostManagement/query`) with the
 * signed-in user's Azure Resource Manager token, through the same pipeline as the other Azure calls
 * (bearer token, retries with Retry-After, timeouts, the command's concurrency limit). Microsoft's
 * @azure/arm-costmanagement is published only as a beta (1.0.0-beta.2), and the call is one POST
 * with paging by `nextLink`, so it is made here rather than through a new dependency.
 */
export class CostManagement {
  private readonly pipeline: Pipeline;
  private readonly client: HttpClient;

  constructor(
    token: string,
    private readonly endpoint: string,
    private readonly http: AzureHttpOptions,
  ) {
    this.pipeline = userPipeline(token, 'https://management.azure.com/.default', http);
    this.client = createDefaultHttpClient();
  }

  /** Every page of the query's result; a page's `nextLink` is asked with the same definition. */
  async query(subscriptionId: string, definition: CostQueryDefinition, action: AzureAction): Promise<CostQueryPage[]> {
    const first = new URL(`${this.endpoint}/subscriptions/${encodeURIComponent(subscriptionId)}/providers/Microsoft.CostManagement/query`);
    first.searchParams.set('api-version', COST_MANAGEMENT_API);
    const pages: CostQueryPage[] = [];
    let next: string | undefined = first.href;
    for (let page = 0; next && page < MAX_PAGES; page += 1) {
      const body = await this.post(next, definition, action);
      const read = pageOf(body, action);
      pages.push(read.page);
      next = read.nextLink;
    }
    return pages;
  }

  private async post(url: string, definition: CostQueryDefinition, action: AzureAction): Promise<unknown> {
    const request = createPipelineRequest({
      url,
      method: 'POST',
      headers: createHttpHeaders({ accept: 'application/json', 'content-type': 'application/json' }),
      body: JSON.stringify(definition),
    });
    let response: PipelineResponse;
    try {
      response = await this.pipeline.sendRequest(this.client, request);
    } catch (error) {
      throw azureFailure(error, this.call(action));
    }
    // 204: "Resource is not available", which for a query means no data to report.
    if (response.status === 204) return undefined;
    const body = parse(response.bodyAsText ?? '', action);
    if (response.status >= 200 && response.status < 300) return body;
    throw failureForStatus(this.call(action), response.status, armErrorCode(body), retryAfterMs(response));
  }

  private call(action: AzureAction) {
    return { service: COST_MANAGEMENT, audience: 'azure-resource-manager', action, timeoutMs: this.http.timeoutMs, maxRetries: this.http.maxRetries } as const;
  }
}

function pageOf(body: unknown, action: AzureAction): { page: CostQueryPage; nextLink: string | undefined } {
  if (body === undefined) return { page: { columns: [], rows: [] }, nextLink: undefined };
  const properties = record(record(body).properties);
  const columns = Array.isArray(properties.columns) ? properties.columns.map(record).filter((c) => typeof c.name === 'string') : [];
  const rows = Array.isArray(properties.rows) ? properties.rows.filter((r): r is unknown[] => Array.isArray(r)) : undefined;
  if (!rows) throw unexpected(action);
  const nextLink = typeof properties.nextLink === 'string' && properties.nextLink !== '' ? properties.nextLink : undefined;
  return { page: { columns: columns.map((c) => ({ name: String(c.name), ...(typeof c.type === 'string' ? { type: c.type } : {}) })), rows }, nextLink };
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function parse(text: string, action: AzureAction): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw unexpected(action);
  }
}

function unexpected(action: AzureAction): DirectoryFailure {
  return new DirectoryFailure('unexpected-response', `${COST_MANAGEMENT} answered something I cannot read when I tried to ${action.doing}. Try again; if it keeps happening, tell whoever runs this bot.`, { service: COST_MANAGEMENT });
}

/** ARM errors carry `error.code` (AuthorizationFailed, RBACAccessDenied). */
function armErrorCode(body: unknown): string | undefined {
  const code = record(record(body).error).code;
  return typeof code === 'string' ? code : undefined;
}
