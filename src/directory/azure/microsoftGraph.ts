import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import type { DirectoryUser } from '../../domain/directory';
import { DirectoryFailure } from '../directoryFailure';
import { retryAfterMs, type AzureHttpOptions } from './azureHttp';
import { userPipeline } from './userPipeline';
import { azureFailure, failureForStatus, MICROSOFT_GRAPH, type AzureAction } from './azureFailures';

/** Only what the picker shows and the role grant needs; User.ReadBasic.All allows exactly these. */
const USER_FIELDS = 'id,displayName,mail,userPrincipalName,userType,externalUserState';

const SEARCH: AzureAction = {
  doing: 'search the people of your Microsoft Entra tenant',
  whenDenied: 'Your tenant may not let users read other users\' basic profiles (User.ReadBasic.All); ask a Microsoft Entra administrator to grant the bot\'s app that permission.',
};

/** One user as Microsoft Graph returns them with USER_FIELDS selected. */
interface GraphUser {
  readonly id: string;
  readonly displayName: string | null;
  readonly mail: string | null;
  readonly userPrincipalName: string | null;
  readonly userType?: string | null;
  readonly externalUserState?: string | null;
}

/**
 * Microsoft Graph people search with the signed-in user's delegated token (User.ReadBasic.All),
 * in the tenant their token was issued for. Contract: "List users", https://learn.microsoft.com/en-us/graph/api/user-list?view=graph-rest-1.0
 * ($search needs the ConsistencyLevel: eventual header).
 */
export class MicrosoftGraph {
  private readonly pipeline: Pipeline;
  private readonly client: HttpClient;

  constructor(
    token: string,
    private readonly endpoint: string,
    private readonly tenantId: string,
    private readonly http: AzureHttpOptions,
  ) {
    this.pipeline = userPipeline(token, 'https://graph.microsoft.com/.default', http);
    this.client = createDefaultHttpClient();
  }

  /** Members and guests whose name or address starts with `text`, at most `top` of them. */
  async searchUsers(text: string, top: number): Promise<DirectoryUser[]> {
    // Graph's $search takes double-quoted terms; a quote or backslash in the text would end the term early.
    const term = text.replace(/["\\]/g, ' ').trim();
    if (term === '') return [];
    const body = await this.get('/v1.0/users', {
      $search: `"displayName:${term}" OR "mail:${term}"`,
      $select: USER_FIELDS,
      $top: String(top),
    });
    const users = body && typeof body === 'object' && 'value' in body && Array.isArray(body.value) ? (body.value as unknown[]) : [];
    return users.flatMap((user) => (isGraphUser(user) ? [this.directoryUserOf(user)] : []));
  }

  /** The user with this object id in the tenant, or undefined when the tenant has none. */
  async getUser(id: string): Promise<DirectoryUser | undefined> {
    if (!/^[0-9a-f-]{1,64}$/i.test(id)) return undefined;
    const body = await this.get(`/v1.0/users/${id}`, { $select: USER_FIELDS }, [404]);
    return isGraphUser(body) ? this.directoryUserOf(body) : undefined;
  }

  private directoryUserOf(user: GraphUser): DirectoryUser {
    // userType and externalUserState may be withheld under User.ReadBasic.All; a guest's user
    // principal name (basic, always readable) carries #EXT#, so guests are still recognised.
    const guest = user.userType === 'Guest' || (!user.userType && (user.userPrincipalName ?? '').includes('#EXT#'));
    return {
      id: user.id,
      displayName: user.displayName ?? user.mail ?? user.id,
      email: user.mail ?? user.userPrincipalName ?? '',
      tenantId: this.tenantId,
      ...(guest ? { guest: user.externalUserState === 'PendingAcceptance' ? 'invitation-pending' : 'accepted' } : {}),
    };
  }

  private async get(path: string, query: Readonly<Record<string, string>>, accept: readonly number[] = []): Promise<unknown> {
    const url = new URL(`${this.endpoint}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const request = createPipelineRequest({
      url: url.href,
      method: 'GET',
      headers: createHttpHeaders({ accept: 'application/json', ConsistencyLevel: 'eventual' }),
    });
    let response: PipelineResponse;
    try {
      response = await this.pipeline.sendRequest(this.client, request);
    } catch (error) {
      throw azureFailure(error, this.call());
    }
    if (accept.includes(response.status)) return undefined;
    const body = parse(response.bodyAsText ?? '');
    if (response.status >= 200 && response.status < 300) return body;
    throw failureForStatus(this.call(), response.status, graphErrorCode(body), retryAfterMs(response));
  }

  private call() {
    return { service: MICROSOFT_GRAPH, audience: 'microsoft-graph', action: SEARCH, timeoutMs: this.http.timeoutMs, maxRetries: this.http.maxRetries } as const;
  }
}

function parse(text: string): unknown {
  try {
    return text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    throw new DirectoryFailure('unexpected-response', 'Microsoft Graph answered something that is not JSON when I searched for people. Try again; if it keeps happening, tell whoever runs this bot.', { service: MICROSOFT_GRAPH });
  }
}

function isGraphUser(value: unknown): value is GraphUser {
  return typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string';
}

function graphErrorCode(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'error' in body && body.error && typeof body.error === 'object' && 'code' in body.error && typeof body.error.code === 'string') return body.error.code;
  return undefined;
}
