import type { AccessLevel, DirectoryUser, Entitlement, Organization } from '../../../src/domain/directory';
import { exampleBody } from './apiContract';
import { userDescriptorOf, vsidOf, type EmulatedWorld } from './emulatedWorld';

type Json = Record<string, unknown>;

const DOCS = 'MicrosoftDocs/vsts-rest-api-specs/specification';
export const ENTITLEMENTS_SPEC = `${DOCS}/memberEntitlementManagement/7.1/memberEntitlementManagement.json`;
const EXAMPLES = {
  entitlement: `${DOCS}/memberEntitlementManagement/7.1/httpExamples/UserEntitlements/GET__memberEntitlementManagement_UserEntitlementById.json`,
  patch: `${DOCS}/memberEntitlementManagement/7.1/httpExamples/UserEntitlements/PATCH__memberEntitlementManagement_UserEntitlementById.json`,
} as const;

const NEVER = '0001-01-01T00:00:00Z';
const LICENSE_TYPES: Readonly<Record<AccessLevel, string>> = { stakeholder: 'stakeholder', basic: 'express', basicTestPlans: 'advanced' };
const MSDN_TYPES: Readonly<Record<AccessLevel, string>> = { stakeholder: 'none', basic: 'professional', basicTestPlans: 'enterprise' };
const ACCESS_LEVELS: Readonly<Record<string, AccessLevel>> = { stakeholder: 'stakeholder', express: 'basic', advanced: 'basicTestPlans' };

export interface EntitlementsReply {
  readonly status: number;
  readonly body: unknown;
}

/**
 * `User Entitlements_Search User Entitlements`: the organization's entitlements, `pageSize` at a time,
 * with the continuation token the spec's PagedUserEntitlementsList describes. The spec publishes no
 * example for the list, so each item is the single-entitlement example with the world's values put in.
 */
export function listEntitlements(world: EmulatedWorld, organization: Organization, continuationToken: string | null, pageSize: number): EntitlementsReply {
  const all = world.entitlementsOf(organization.id);
  const start = continuationToken === null ? 0 : Number(continuationToken);
  if (!Number.isInteger(start) || start < 0 || start > all.length) return { status: 400, body: { message: 'The continuation token is not valid.', typeKey: 'InvalidArgumentValueException' } };
  const items = all.slice(start, start + pageSize).map((e) => entitlementJson(world, e));
  const body: Json = { items, totalCount: all.length };
  if (start + pageSize < all.length) body.continuationToken = String(start + pageSize);
  return { status: 200, body };
}

/**
 * `User Entitlements_Update User Entitlement`: a JSON Patch whose `replace /accessLevel` sets the
 * account license; only administrators of the organization may change it, as in Azure DevOps.
 */
export function patchEntitlement(world: EmulatedWorld, organization: Organization, caller: DirectoryUser, entitlementId: string, body: unknown, contentType: string): EntitlementsReply {
  if (!/^application\/json-patch\+json\b/i.test(contentType)) {
    return { status: 415, body: { message: `The content type ${contentType} is not supported; send application/json-patch+json.`, typeKey: 'UnsupportedMediaTypeException' } };
  }
  if (!world.isAdministrator(caller.id, organization)) {
    return { status: 403, body: { message: `VS403360: ${caller.displayName} does not have permission to manage users of ${organization.name}.`, typeKey: 'AccessCheckException' } };
  }
  const entitlements = world.entitlementsOf(organization.id);
  const at = entitlements.findIndex((e) => vsidOf(e.userId) === entitlementId);
  const held = entitlements[at];
  if (!held) return { status: 404, body: { message: `The user ${entitlementId} is not a member of ${organization.name}.`, typeKey: 'MemberNotFoundException' } };
  const operations = Array.isArray(body) ? (body as Json[]) : [];
  const replace = operations.find((op) => op.op === 'replace' && op.path === '/accessLevel');
  const value = (replace?.value ?? {}) as Json;
  const accessLevel = ACCESS_LEVELS[String(value.accountLicenseType)];
  if (!replace || value.licensingSource !== 'account' || !accessLevel) {
    return { status: 400, body: { message: 'The emulator answers only a replace of /accessLevel with an account license (stakeholder, express, advanced).', typeKey: 'InvalidArgumentValueException' } };
  }
  const changed: Entitlement = { ...held, accessLevel, licensingSource: 'account', assignedBy: 'direct' };
  entitlements[at] = changed;
  const template = exampleBody(EXAMPLES.patch);
  const result = entitlementJson(world, changed);
  const firstResult = ((template.operationResults as Json[])[0] ?? {}) as Json;
  return { status: 200, body: { ...template, operationResults: [{ ...firstResult, userId: entitlementId, result }], isSuccess: true, userEntitlement: result } };
}

function entitlementJson(world: EmulatedWorld, entitlement: Entitlement): Json {
  const template = exampleBody(EXAMPLES.entitlement);
  const user = world.user(entitlement.userId);
  const vsid = vsidOf(entitlement.userId);
  const msdn = entitlement.licensingSource === 'msdn';
  return {
    ...template,
    id: vsid,
    user: {
      ...(template.user as Json),
      displayName: user?.displayName ?? entitlement.userId,
      mailAddress: user?.email ?? '',
      principalName: user?.email ?? '',
      originId: entitlement.userId,
      domain: user?.tenantId ?? '',
      descriptor: userDescriptorOf(entitlement.userId),
    },
    accessLevel: {
      ...(template.accessLevel as Json),
      licensingSource: entitlement.licensingSource,
      accountLicenseType: msdn ? 'none' : LICENSE_TYPES[entitlement.accessLevel],
      msdnLicenseType: msdn ? MSDN_TYPES[entitlement.accessLevel] : 'none',
      assignmentSource: entitlement.assignedBy === 'groupRule' ? 'groupRule' : 'unknown',
    },
    lastAccessedDate: entitlement.lastAccessed ?? NEVER,
    ...(entitlement.assigned ? { dateCreated: entitlement.assigned } : {}),
  };
}
