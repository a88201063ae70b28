import {
  ACCESS_LEVELS, ARTIFACTS_USAGE_LIMITS, ASSIGNED_BY, BILLING_MODES, LICENSING_SOURCES, type ArtifactsUsage, type DirectoryFile, type Entitlement,
  type OrganizationUsage, type ParallelJobs,
} from '../domain/directory';
import { ProblemList, childPath, describeValue, readChoice, readList, readObject, readText, type JsonObject } from './documentFields';

/**
 * The optional usage fields of an organization in the local directory file (DESIGN.md): who is
 * billed for which access level, the paid parallel jobs, Artifacts storage and the billing mode.
 * Each problem names the organization as well as the path, because a file with many organizations
 * is edited by finding the organization, not by counting entries.
 */
export function readOrganizationUsage(entry: JsonObject, path: string, problems: ProblemList): OrganizationUsage | undefined {
  const found = new ProblemList();
  const usage: { -readonly [K in keyof OrganizationUsage]: OrganizationUsage[K] } = {};
  if (entry.billingMode !== undefined) usage.billingMode = readChoice(entry, 'billingMode', path, BILLING_MODES, found);
  if (entry.entitlements !== undefined) usage.entitlements = readEntitlements(entry, path, found);
  if (entry.parallelJobs !== undefined) usage.parallelJobs = readParallelJobs(entry, path, found);
  if (entry.artifacts !== undefined) usage.artifacts = readArtifacts(entry, path, found);
  for (const problem of found.items) problems.add(problem.path, `${organizationLabel(entry)}: ${problem.message}`);
  return found.isEmpty ? withoutUndefined(usage) : undefined;
}

/** Entitlements name people of the file who belong to the organization, each once. */
export function checkUsageConsistency(directory: DirectoryFile, problems: ProblemList): void {
  const users = new Set(directory.users.map((user) => user.id));
  directory.organizations.forEach((organization, index) => {
    const people = new Set([organization.ownerId, ...organization.projectCollectionAdministrators, ...organization.members]);
    const seen = new Map<string, number>();
    (organization.usage?.entitlements ?? []).forEach((entitlement, at) => {
      const path = `organizations[${index}].entitlements[${at}].userId`;
      const where = `In organization "${organization.name}": ${path}`;
      if (!users.has(entitlement.userId)) {
        problems.add(path, `${where} is "${entitlement.userId}", which is not the id of any entry in users; add the person to users or correct the id.`);
      } else if (!people.has(entitlement.userId)) {
        problems.add(path, `${where} is "${entitlement.userId}", who is not a member of the organization; add them to its members or remove the entitlement.`);
      }
      const earlier = seen.get(entitlement.userId);
      if (earlier !== undefined) {
        problems.add(path, `${where} repeats entitlements[${earlier}] (one person has one access level per organization); remove one of them.`);
      } else {
        seen.set(entitlement.userId, at);
      }
    });
  });
}

function organizationLabel(entry: JsonObject): string {
  const name = entry.name;
  return typeof name === 'string' && name.trim() !== '' ? `In organization "${name}"` : 'In an organization without a name';
}

function readEntitlements(entry: JsonObject, path: string, problems: ProblemList): Entitlement[] | undefined {
  const items = readList(entry, 'entitlements', path, 'objects, each giving one user\'s access level', problems);
  if (items === undefined) return undefined;
  const entitlements: Entitlement[] = [];
  let allValid = true;
  items.forEach((item, index) => {
    const at = childPath(childPath(path, 'entitlements'), index);
    const object = readObject(item, at, 'one user\'s access level', problems);
    const entitlement = object === undefined ? undefined : readEntitlement(object, at, problems);
    if (entitlement === undefined) allValid = false;
    else entitlements.push(entitlement);
  });
  return allValid ? entitlements : undefined;
}

function readEntitlement(entry: JsonObject, path: string, problems: ProblemList): Entitlement | undefined {
  const userId = readText(entry, 'userId', path, problems);
  const accessLevel = readChoice(entry, 'accessLevel', path, ACCESS_LEVELS, problems);
  const licensingSource = readChoice(entry, 'licensingSource', path, LICENSING_SOURCES, problems);
  const assignedBy = readChoice(entry, 'assignedBy', path, ASSIGNED_BY, problems);
  const assigned = entry.assigned === undefined ? null : readTime(entry, 'assigned', path, problems, false);
  const lastAccessed = readTime(entry, 'lastAccessed', path, problems, true);
  if (
    userId === undefined || accessLevel === undefined || licensingSource === undefined || assignedBy === undefined ||
    assigned === undefined || lastAccessed === undefined
  ) {
    return undefined;
  }
  return { userId, accessLevel, licensingSource, assignedBy, lastAccessed, ...(assigned === null ? {} : { assigned }) };
}

function readParallelJobs(entry: JsonObject, path: string, problems: ProblemList): ParallelJobs | undefined {
  const at = childPath(path, 'parallelJobs');
  const object = readObject(entry.parallelJobs, at, 'the paid parallel jobs ("microsoftHosted" and "selfHosted")', problems);
  if (object === undefined) return undefined;
  const microsoftHosted = readAmount(object, 'microsoftHosted', at, problems, true);
  const selfHosted = readAmount(object, 'selfHosted', at, problems, true);
  if (microsoftHosted === undefined || selfHosted === undefined) return undefined;
  return { microsoftHosted, selfHosted };
}

function readArtifacts(entry: JsonObject, path: string, problems: ProblemList): ArtifactsUsage | undefined {
  const at = childPath(path, 'artifacts');
  const object = readObject(entry.artifacts, at, 'Artifacts storage ("usedGiB" and "usageLimit")', problems);
  if (object === undefined) return undefined;
  const usedGiB = readAmount(object, 'usedGiB', at, problems, false);
  const usageLimit = readChoice(object, 'usageLimit', at, ARTIFACTS_USAGE_LIMITS, problems);
  if (usedGiB === undefined || usageLimit === undefined) return undefined;
  return { usedGiB, usageLimit };
}

/** A count (whole) or an amount (fractional) that cannot be negative. */
function readAmount(parent: JsonObject, key: string, path: string, problems: ProblemList, whole: boolean): number | undefined {
  const at = childPath(path, key);
  const value = parent[key];
  const what = whole ? 'a whole number, 0 or more' : 'a number, 0 or more';
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && (!whole || Number.isInteger(value))) return value;
  if (value === undefined) problems.add(at, `${at} is missing; add it as ${what}.`);
  else problems.add(at, `${at} must be ${what}, but it is ${describeValue(value)}.`);
  return undefined;
}

/** An ISO 8601 time such as "2026-11-30T17:02:00Z"; null is allowed where it means "never". */
function readTime(parent: JsonObject, key: string, path: string, problems: ProblemList, nullable: boolean): string | null | undefined {
  const at = childPath(path, key);
  const value = parent[key];
  if (value === null && nullable) return null;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value))) return value;
  const what = `a time such as "2026-11-30T17:02:00Z"${nullable ? ', or null if the user has never signed in' : ''}`;
  if (value === undefined) problems.add(at, `${at} is missing; add it as ${what}.`);
  else problems.add(at, `${at} must be ${what}, but it is ${describeValue(value)}.`);
  return undefined;
}

function withoutUndefined(usage: OrganizationUsage): OrganizationUsage {
  return Object.fromEntries(Object.entries(usage).filter(([, value]) => value !== undefined)) as OrganizationUsage;
}
