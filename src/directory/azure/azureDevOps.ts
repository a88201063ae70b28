import type { AzureEndpoints } from '../../config';
import { DirectoryFailure } from '../directoryFailure';
import type { DevOpsHttp, DevOpsResponse } from './devOpsHttp';

/** The signed-in user as Azure DevOps knows them; `id` is their Azure DevOps identity id, not their Entra object id. */
export interface DevOpsProfile {
  readonly id: string;
  readonly displayName: string;
  readonly emailAddress: string;
}

export interface DevOpsAccount {
  readonly accountId: string;
  readonly accountName: string;
}

/** A Microsoft Entra user as Azure DevOps Graph describes them. */
export interface DevOpsGraphUser {
  /** The Entra object id (Graph's `originId` for users whose origin is aad). */
  readonly objectId: string;
  readonly displayName: string;
  readonly mailAddress: string;
  /** The Entra tenant (Graph's `domain` for aad users). */
  readonly tenantId: string;
  /** The group inside Project Collection Administrators that makes them one, when not a direct member. */
  readonly throughGroup?: string;
}

export interface CollectionAdministrators {
  /** The organization's Entra tenant, when Azure DevOps reports one. */
  readonly tenantId: string | undefined;
  /** User members of Project Collection Administrators, directly or through nested groups (to MAX_GROUP_DEPTH). */
  readonly users: readonly DevOpsGraphUser[];
}

/** Documented versions, as the specs in test/fixtures/azure-specs state them. */
const PROFILE_API = '7.1';
const ACCOUNTS_API = '7.1';
const GRAPH_PREVIEW_API = '7.1-preview.1';
const MAX_PAGES = 50;
const LOOKUP_BATCH = 100;
const EMPTY_TENANT = '00000000-0000-0000-0000-000000000000';
/** Groups inside groups are followed this deep: enough for real tenants, and bounded against cycles. */
export const MAX_GROUP_DEPTH = 4;

interface GroupToExpand {
  readonly descriptor: string;
  /** The outermost group below Project Collection Administrators, named to the user; undefined for it itself. */
  readonly through: string | undefined;
}

/**
 * The Azure DevOps reads billing needs: who the user is (profile), which organizations they belong
 * to or own (accounts), and who the project collection administrators are (Graph groups,
 * memberships and subject lookup).
 */
export class AzureDevOps {
  constructor(
    private readonly http: DevOpsHttp,
    private readonly endpoints: Pick<AzureEndpoints, 'devOpsProfile' | 'devOpsGraph'>,
  ) {}

  async myProfile(): Promise<DevOpsProfile> {
    const response = await this.http.send({
      method: 'GET',
      url: `${this.endpoints.devOpsProfile}/_apis/profile/profiles/me`,
      apiVersion: PROFILE_API,
      action: { doing: 'read your Azure DevOps profile', whenDenied: 'Sign in with the work account you use for Azure DevOps.' },
    });
    const body = record(response.body);
    const id = text(body.id);
    if (!id) {
      throw new DirectoryFailure('unexpected-response', 'Azure DevOps sent a profile without an id, so I cannot tell who you are there. Try again; if it keeps happening, tell whoever runs this bot.', { service: 'Azure DevOps' });
    }
    return { id, displayName: text(body.displayName) ?? id, emailAddress: text(body.emailAddress) ?? '' };
  }

  /** Organizations the identity belongs to (`memberId`) or owns (`ownerId`). */
  async accounts(relation: 'memberId' | 'ownerId', identityId: string): Promise<DevOpsAccount[]> {
    const response = await this.http.send({
      method: 'GET',
      url: `${this.endpoints.devOpsProfile}/_apis/accounts`,
      apiVersion: ACCOUNTS_API,
      query: { [relation]: identityId },
      action: { doing: 'list your Azure DevOps organizations', whenDenied: 'Sign in with the work account you use for Azure DevOps.' },
    });
    return listOf(response.body).flatMap((item) => {
      const account = record(item);
      const accountId = text(account.accountId);
      const accountName = text(account.accountName);
      return accountId && accountName ? [{ accountId, accountName }] : [];
    });
  }

  async projectCollectionAdministrators(organizationName: string): Promise<CollectionAdministrators> {
    const { group, tenantId } = await this.findAdministratorsGroup(organizationName);
    if (!group) return { tenantId, users: [] };
    const users = new Map<string, DevOpsGraphUser>();
    const seen = new Set<string>([group]);
    let level: GroupToExpand[] = [{ descriptor: group, through: undefined }];
    for (let depth = 0; depth < MAX_GROUP_DEPTH && level.length > 0; depth += 1) {
      const next: GroupToExpand[] = [];
      for (const container of level) {
        const members = (await this.membersOf(organizationName, container.descriptor)).filter((d) => !seen.has(d));
        members.forEach((d) => seen.add(d));
        const subjects = await this.lookUpSubjects(organizationName, members);
        for (const user of subjects.users) {
          // A direct membership wins over one through a group.
          if (!users.has(user.objectId) || !container.through) users.set(user.objectId, container.through ? { ...user, throughGroup: container.through } : user);
        }
        for (const nested of subjects.groups) next.push({ descriptor: nested.descriptor, through: container.through ?? nested.displayName });
      }
      level = next;
    }
    const found = [...users.values()];
    const tenants = new Set(found.map((u) => u.tenantId).filter((t) => t !== ''));
    return { tenantId: tenantId ?? (tenants.size === 1 ? [...tenants][0] : undefined), users: found };
  }

  private async membersOf(organizationName: string, groupDescriptor: string): Promise<string[]> {
    const memberships = await this.http.send({
      method: 'GET',
      url: `${this.graphBase(organizationName)}/Memberships/${encodeURIComponent(groupDescriptor)}`,
      apiVersion: GRAPH_PREVIEW_API,
      query: { direction: 'Down' },
      action: this.graphAction(organizationName, 'read who is a project collection administrator of'),
    });
    return listOf(memberships.body)
      .map((m) => text(record(m).memberDescriptor))
      .filter((d): d is string => d !== undefined);
  }

  private async findAdministratorsGroup(organizationName: string): Promise<{ group: string | undefined; tenantId: string | undefined }> {
    const wanted = `[${organizationName}]\\project collection administrators`;
    let continuationToken: string | undefined;
    let tenantId: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const response: DevOpsResponse = await this.http.send({
        method: 'GET',
        url: `${this.graphBase(organizationName)}/groups`,
        apiVersion: GRAPH_PREVIEW_API,
        query: { continuationToken },
        action: this.graphAction(organizationName, 'read the groups of'),
      });
      tenantId ??= resourceTenantOf(response);
      const match = listOf(response.body).map(record).find((g) => text(g.principalName)?.toLowerCase() === wanted.toLowerCase());
      if (match) return { group: text(match.descriptor), tenantId };
      continuationToken = response.header('x-ms-continuationtoken');
      if (!continuationToken) break;
    }
    return { group: undefined, tenantId };
  }

  private async lookUpSubjects(organizationName: string, descriptors: readonly string[]): Promise<{ users: DevOpsGraphUser[]; groups: { descriptor: string; displayName: string }[] }> {
    const users: DevOpsGraphUser[] = [];
    const groups: { descriptor: string; displayName: string }[] = [];
    for (let start = 0; start < descriptors.length; start += LOOKUP_BATCH) {
      const batch = descriptors.slice(start, start + LOOKUP_BATCH);
      const response = await this.http.send({
        method: 'POST',
        url: `${this.graphBase(organizationName)}/subjectlookup`,
        apiVersion: GRAPH_PREVIEW_API,
        body: { lookupKeys: batch.map((descriptor) => ({ descriptor })) },
        action: this.graphAction(organizationName, 'look up the project collection administrators of'),
      });
      const subjects = record(record(response.body).value);
      for (const [key, subject] of Object.entries(subjects).map(([k, v]) => [k, record(v)] as const)) {
        const kind = text(subject.subjectKind);
        if (kind === 'group') {
          groups.push({ descriptor: text(subject.descriptor) ?? key, displayName: text(subject.displayName) ?? text(subject.principalName) ?? key });
          continue;
        }
        const objectId = text(subject.originId);
        if (kind !== 'user' || text(subject.origin) !== 'aad' || !objectId) continue;
        users.push({
          objectId,
          displayName: text(subject.displayName) ?? objectId,
          mailAddress: text(subject.mailAddress) ?? '',
          tenantId: text(subject.domain) ?? '',
        });
      }
    }
    return { users, groups };
  }

  private graphBase(organizationName: string): string {
    return `${this.endpoints.devOpsGraph}/${encodeURIComponent(organizationName)}/_apis/graph`;
  }

  private graphAction(organizationName: string, doing: string) {
    return {
      doing: `${doing} ${organizationName}`,
      whenDenied: `Ask an administrator of ${organizationName} to check that your account has access to the organization.`,
    };
  }
}

/** Azure DevOps names an organization's Entra tenant in a response header; all zeros means none. */
function resourceTenantOf(response: DevOpsResponse): string | undefined {
  const tenant = response.header('x-vss-resourcetenant')?.trim();
  return tenant && tenant !== EMPTY_TENANT ? tenant : undefined;
}

/** Azure DevOps lists come as `{ count, value: [...] }`, although some specs describe a bare array. */
function listOf(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  const value = record(body).value;
  return Array.isArray(value) ? value : [];
}

export function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
