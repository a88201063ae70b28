import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
  type HttpClient,
  type HttpMethods,
  type Pipeline,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { DirectoryFailure } from '../directoryFailure';
import { retryAfterMs, type AzureHttpOptions } from './azureHttp';
import { userPipeline } from './userPipeline';
import { AZURE_DEVOPS, azureFailure, failureForStatus, type AzureAction } from './azureFailures';

/** Azure DevOps' resource id: tokens for its REST APIs are issued for this audience. */
export const AZURE_DEVOPS_RESOURCE = '499b84ac-1321-427f-aa17-267ca6975798';

export interface DevOpsRequest {
  readonly method: HttpMethods;
  readonly url: string;
  readonly apiVersion: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  /** JSON Patch bodies go as application/json-patch+json; everything else as application/json. */
  readonly contentType?: string;
  readonly action: AzureAction;
  /** Statuses the caller handles itself (typically 404): answered instead of thrown. */
  readonly accept?: readonly number[];
}

export interface DevOpsResponse {
  readonly status: number;
  readonly body: unknown;
  readonly header: (name: string) => string | undefined;
}

/**
 * Azure DevOps REST calls with the user's token. There is no maintained Node client for these
 * endpoints that lets tests choose the host and the trusted certificate (azure-devops-node-api also
 * calls undocumented discovery endpoints first), so this is a thin layer over @azure/core-rest-pipeline:
 * the pipeline brings bearer authentication, retries, Retry-After and timeouts; this class adds what
 * Azure DevOps needs: api-version, JSON only, and the sign-in page it sends instead of an error.
 */
export class DevOpsHttp {
  private readonly pipeline: Pipeline;
  private readonly client: HttpClient;

  constructor(
    token: string,
    private readonly http: AzureHttpOptions,
  ) {
    // A redirect from Azure DevOps leads to its sign-in page, never to data: report it, do not follow it.
    this.pipeline = userPipeline(token, `${AZURE_DEVOPS_RESOURCE}/.default`, http, { redirectOptions: { maxRetries: 0 } });
    this.client = createDefaultHttpClient();
  }

  async send(request: DevOpsRequest): Promise<DevOpsResponse> {
    const url = new URL(request.url);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    url.searchParams.set('api-version', request.apiVersion);
    const headers = createHttpHeaders({ accept: 'application/json' });
    if (request.body !== undefined) headers.set('content-type', request.contentType ?? 'application/json');
    const pipelineRequest = createPipelineRequest({
      url: url.href,
      method: request.method,
      headers,
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    });
    let response: PipelineResponse;
    try {
      response = await this.pipeline.sendRequest(this.client, pipelineRequest);
    } catch (error) {
      throw azureFailure(error, this.callFor(request.action));
    }
    return this.interpret(response, request);
  }

  private interpret(response: PipelineResponse, request: DevOpsRequest): DevOpsResponse {
    const status = response.status;
    const header = (name: string): string | undefined => response.headers.get(name);
    const contentType = header('content-type') ?? '';
    // Azure DevOps answers a token it does not accept with its HTML sign-in page (203, 200 or a
    // redirect) rather than a 401, so anything that is not JSON is treated as "sign in again".
    if (status === 203 || (status >= 300 && status < 400) || (status < 300 && (/html/i.test(contentType) || looksLikeHtml(response.bodyAsText ?? undefined)))) {
      throw new DirectoryFailure(
        'sign-in-required',
        `Azure DevOps answered with its sign-in page instead of data when I tried to ${request.action.doing}: it does not accept your sign-in there. Your sign-in may have expired, the organization may be connected to another Microsoft Entra tenant than your account, or a conditional access policy may ask for more (multi-factor authentication, a compliant device). Sign in again; if this keeps happening, open the organization in a browser with the same account to see what Azure DevOps asks for.`,
        { service: AZURE_DEVOPS, status, signIn: 'azure-devops' },
      );
    }
    const body = parseJson(response.bodyAsText ?? undefined);
    if (status >= 200 && status < 300) {
      if (body === INVALID) throw this.unreadable(request, status);
      return { status, body: body === EMPTY ? undefined : body, header };
    }
    if (request.accept?.includes(status)) return { status, body: body === INVALID || body === EMPTY ? undefined : body, header };
    throw failureForStatus(this.callFor(request.action), status, devOpsErrorCode(body), retryAfterMs(response));
  }

  private unreadable(request: DevOpsRequest, status: number): DirectoryFailure {
    return new DirectoryFailure(
      'unexpected-response',
      `Azure DevOps answered something that is not JSON when I tried to ${request.action.doing}. Try again; if it keeps happening, tell whoever runs this bot.`,
      { service: AZURE_DEVOPS, status },
    );
  }

  private callFor(action: AzureAction) {
    return { service: AZURE_DEVOPS, audience: 'azure-devops', action, timeoutMs: this.http.timeoutMs, maxRetries: this.http.maxRetries } as const;
  }
}

const EMPTY = Symbol('empty');
const INVALID = Symbol('invalid');

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return EMPTY;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID;
  }
}

function looksLikeHtml(text: string | undefined): boolean {
  return text !== undefined && /^\s*(<!doctype html|<html)/i.test(text);
}

/** Azure DevOps errors carry `typeKey` (e.g. UnauthorizedRequestException); use it as the code. */
function devOpsErrorCode(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'typeKey' in body && typeof body.typeKey === 'string') return body.typeKey;
  return undefined;
}
