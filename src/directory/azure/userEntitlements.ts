import type { AccessLevel, DirectoryUser, Entitlement } from '../../domain/directory';
import { DirectoryFailure } from '../directoryFailure';
import type { DevOpsHttp, DevOpsResponse } from './devOpsHttp';
import { record, text } from './azureDevOps';

/** Member entitlement management, as the spec in test/fixtures/azure-specs states it. */
const ENTITLEMENTS_API = '7.1';
/** A page holds up to 100 users: 100 pages cover the largest organizations without looping forever. */
const MAX_PAGES = 100;
/** Azure DevOps reports "never signed in" as the smallest date it has. */
const NEVER = '0001-01-01';

/** One user's entitlement as read: the person, what they are billed for, and the id Azure DevOps changes it by. */
export interface EntitlementRead {
  /** Azure DevOps' id of the user (the PATCH path names it); not the Entra object id. */
  readonly entitlementId: string;
  readonly user: DirectoryUser;
  readonly entitlement: Entitlement;
}

/** What `accountLicenseType` each access level is written as (BILLING.md: express is Basic, advanced is Basic + Test Plans). */
const LICENSE_TYPE_OF: Readonly<Record<AccessLevel, string>> = { stakeholder: 'stakeholder', basic: 'express', basicTestPlans: 'advanced' };

/** Visual Studio subscriptions that include Test Plans. */
const MSDN_WITH_TEST_PLANS = new Set(['enterprise', 'ultimate', 'premium', 'testProfessional']);

/**
 * Users' access levels in one organization, read and written through Azure DevOps' documented user
 * entitlements API (GET pages through continuation tokens; PATCH is a JSON Patch on /accessLevel).
 */
export class UserEntitlements {
  constructor(
    private readonly http: DevOpsHttp,
    private readonly endpoint: string,
  ) {}

  async list(organizationName: string): Promise<EntitlementRead[]> {
    const found: EntitlementRead[] = [];
    let continuationToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const response: DevOpsResponse = await this.http.send({
        method: 'GET',
        url: this.base(organizationName),
        apiVersion: ENTITLEMENTS_API,
        query: { continuationToken },
        action: {
          doing: `read the users and access levels of ${organizationName}`,
          whenDenied: `Reading users needs at least Basic access to ${organizationName}; ask a project collection administrator of ${organizationName} for it, or to look at Organization settings, then Users.`,
        },
      });
      const body = record(response.body);
      const items = Array.isArray(body.items) ? body.items : [];
      for (const item of items) {
        const read = entitlementOf(item);
        if (read) found.push(read);
      }
      continuationToken = text(body.continuationToken);
      if (!continuationToken || items.length === 0) break;
    }
    return found;
  }

  /** Sets the access level; Azure DevOps answers 200 with `isSuccess: false` and its reasons when it refuses. */
  async setAccessLevel(organizationName: string, entitlementId: string, accessLevel: AccessLevel): Promise<void> {
    const response = await this.http.send({
      method: 'PATCH',
      url: `${this.base(organizationName)}/${encodeURIComponent(entitlementId)}`,
      apiVersion: ENTITLEMENTS_API,
      contentType: 'application/json-patch+json',
      body: [{ op: 'replace', path: '/accessLevel', value: { accountLicenseType: LICENSE_TYPE_OF[accessLevel], licensingSource: 'account' } }],
      action: {
        doing: `change an access level in ${organizationName}`,
        whenDenied: `Changing access levels needs the Project Collection Administrators group of ${organizationName}, or its Users administrators; ask one of them.`,
      },
    });
    const body = record(response.body);
    if (body.isSuccess === false) {
      const reasons = (Array.isArray(body.operationResults) ? body.operationResults : [])
        .flatMap((result) => (Array.isArray(record(result).errors) ? (record(result).errors as unknown[]) : []))
        .map((error) => text(record(error).value) ?? text(record(error).message))
        .filter((reason): reason is string => reason !== undefined);
      const why = reasons.length > 0 ? `: ${reasons.join(' ')}` : '.';
      throw new DirectoryFailure('access-denied', `Azure DevOps did not change the access level in ${organizationName}${why} Check the user on the organization's Users page (Organization settings, then Users).`, {
        service: 'Azure DevOps',
        status: response.status,
      });
    }
  }

  private base(organizationName: string): string {
    return `${this.endpoint}/${encodeURIComponent(organizationName)}/_apis/userentitlements`;
  }
}

/** An entitlement in the bot's terms; users without a paid or Stakeholder access level (none, trial) are left out. */
function entitlementOf(item: unknown): EntitlementRead | undefined {
  const entry = record(item);
  const user = record(entry.user);
  const level = record(entry.accessLevel);
  const entitlementId = text(entry.id);
  // The bot knows people by their Entra object id; users from other origins keep Azure DevOps' id.
  const userId = text(user.originId) ?? entitlementId;
  if (!entitlementId || !userId) return undefined;
  const licensingSource = text(level.licensingSource);
  const accessLevel = licensingSource === 'msdn' ? msdnAccessLevel(text(level.msdnLicenseType)) : licensingSource === 'account' ? accountAccessLevel(text(level.accountLicenseType)) : undefined;
  if (!accessLevel) return undefined;
  const lastAccessed = text(entry.lastAccessedDate);
  const assigned = text(entry.dateCreated);
  return {
    entitlementId,
    user: { id: userId, displayName: text(user.displayName) ?? userId, email: text(user.mailAddress) ?? text(user.principalName) ?? '', tenantId: text(user.domain) ?? '' },
    entitlement: {
      userId,
      accessLevel,
      licensingSource: licensingSource === 'msdn' ? 'msdn' : 'account',
      assignedBy: text(level.assignmentSource) === 'groupRule' ? 'groupRule' : 'direct',
      lastAccessed: lastAccessed && !lastAccessed.startsWith(NEVER) ? lastAccessed : null,
      ...(assigned && !assigned.startsWith(NEVER) ? { assigned } : {}),
    },
  };
}

function accountAccessLevel(licenseType: string | undefined): AccessLevel | undefined {
  switch (licenseType) {
    case 'stakeholder':
      return 'stakeholder';
    case 'express':
      return 'basic';
    case 'advanced':
      return 'basicTestPlans';
    default:
      // none, earlyAdopter and professional are not sold any more and are not billed as users.
      return undefined;
  }
}

function msdnAccessLevel(licenseType: string | undefined): AccessLevel | undefined {
  if (!licenseType || licenseType === 'none') return undefined;
  return MSDN_WITH_TEST_PLANS.has(licenseType) ? 'basicTestPlans' : 'basic';
}
