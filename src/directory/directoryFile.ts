import { checkConsistency } from './directoryConsistency';
import { checkUsageConsistency, readOrganizationUsage } from './usageFields';
import { DirectoryFileError } from './directoryFileError';
import { ProblemList, childPath, isJsonObject, readChoice, readList, readObject, readText, readUserIdList, type JsonObject } from './documentFields';
import { ROLE_NAMES, SPENDING_LIMITS, SUBSCRIPTION_STATES, type DirectoryFile, type DirectoryUser, type OrganizationEntry, type RoleAssignment, type Subscription, type Tenant } from '../domain/directory';

export { DirectoryFileError, type DirectoryProblem } from './directoryFileError';

/**
 * Reads the text of a local directory file (format in DESIGN.md). Fields the bot does not know,
 * such as notes for the people who edit the file, are allowed and left out of the result.
 * @throws DirectoryFileError naming the file and, for each problem, the path in the document.
 */
export function parseDirectoryFile(file: string, text: string): DirectoryFile {
  return validateDirectoryFile(file, parseJson(file, text));
}

/**
 * Checks an already parsed document and returns it typed.
 * @throws DirectoryFileError naming the file and, for each problem, the path in the document.
 */
export function validateDirectoryFile(file: string, content: unknown): DirectoryFile {
  const problems = new ProblemList();
  const directory = readDirectory(content, problems);
  if (directory === undefined || !problems.isEmpty) throw new DirectoryFileError(file, problems.items);
  // References are checked only once every entry is well formed, so that one malformed entry is
  // reported once instead of again by everything that refers to it.
  checkConsistency(directory, problems);
  checkUsageConsistency(directory, problems);
  if (!problems.isEmpty) throw new DirectoryFileError(file, problems.items);
  return directory;
}

function parseJson(file: string, text: string): unknown {
  // Editors on Windows often save a byte order mark, which JSON.parse rejects.
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(json);
  } catch (error) {
    const reason = withLineAndColumn(json, error instanceof Error ? error.message : String(error));
    throw new DirectoryFileError(file, [{ path: '', message: `The file is not valid JSON: ${reason}.` }]);
  }
}

/**
 * Turns the "at position N" of a JSON.parse message into a line and column an editor can jump to,
 * counted here rather than taken from the message: Node 22 appends its own "(line L column C)",
 * Node 20 does not, and the user should read the same words on either.
 */
function withLineAndColumn(text: string, reason: string): string {
  const match = / at position (\d+)(?: \(line \d+ column \d+\))?$/.exec(reason);
  if (match === null) return reason;
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${reason.slice(0, match.index)} at line ${line}, column ${column}`;
}

function readDirectory(content: unknown, problems: ProblemList): DirectoryFile | undefined {
  if (!isJsonObject(content)) {
    problems.add(
      '',
      'The document must be a JSON object with the lists "tenants", "users", "organizations", "subscriptions" and "roleAssignments".',
    );
    return undefined;
  }
  const tenants = readCollection(content, 'tenants', 'a tenant', readTenant, problems);
  const users = readCollection(content, 'users', 'a user', readUser, problems);
  const organizations = readCollection(content, 'organizations', 'an organization', readOrganization, problems);
  const subscriptions = readCollection(content, 'subscriptions', 'a subscription', readSubscription, problems);
  const roleAssignments = readCollection(content, 'roleAssignments', 'a role assignment', readRoleAssignment, problems);
  if (!tenants || !users || !organizations || !subscriptions || !roleAssignments) return undefined;
  return { tenants, users, organizations, subscriptions, roleAssignments };
}

type EntryReader<T> = (entry: JsonObject, path: string, problems: ProblemList) => T | undefined;

function readCollection<T>(root: JsonObject, key: string, what: string, readEntry: EntryReader<T>, problems: ProblemList): T[] | undefined {
  const items = readList(root, key, '', `objects, each describing ${what}`, problems);
  if (items === undefined) return undefined;
  const entries: T[] = [];
  let allValid = true;
  items.forEach((item, index) => {
    const path = childPath(key, index);
    const object = readObject(item, path, what, problems);
    const entry = object === undefined ? undefined : readEntry(object, path, problems);
    if (entry === undefined) allValid = false;
    else entries.push(entry);
  });
  return allValid ? entries : undefined;
}

function readTenant(entry: JsonObject, path: string, problems: ProblemList): Tenant | undefined {
  const id = readText(entry, 'id', path, problems);
  const displayName = readText(entry, 'displayName', path, problems);
  if (id === undefined || displayName === undefined) return undefined;
  return { id, displayName };
}

function readUser(entry: JsonObject, path: string, problems: ProblemList): DirectoryUser | undefined {
  const id = readText(entry, 'id', path, problems);
  const displayName = readText(entry, 'displayName', path, problems);
  const email = readText(entry, 'email', path, problems);
  const tenantId = readText(entry, 'tenantId', path, problems);
  if (id === undefined || displayName === undefined || email === undefined || tenantId === undefined) return undefined;
  return { id, displayName, email, tenantId };
}

function readOrganization(entry: JsonObject, path: string, problems: ProblemList): OrganizationEntry | undefined {
  const id = readText(entry, 'id', path, problems);
  const name = readText(entry, 'name', path, problems);
  const tenantId = readText(entry, 'tenantId', path, problems);
  const ownerId = readText(entry, 'ownerId', path, problems);
  const projectCollectionAdministrators = readUserIdList(entry, 'projectCollectionAdministrators', path, problems);
  const members = readUserIdList(entry, 'members', path, problems);
  const usage = readOrganizationUsage(entry, path, problems);
  if (
    id === undefined ||
    name === undefined ||
    tenantId === undefined ||
    ownerId === undefined ||
    projectCollectionAdministrators === undefined ||
    members === undefined ||
    usage === undefined
  ) {
    return undefined;
  }
  return { id, name, tenantId, ownerId, projectCollectionAdministrators, members, usage };
}

function readSubscription(entry: JsonObject, path: string, problems: ProblemList): Subscription | undefined {
  const id = readText(entry, 'id', path, problems);
  const displayName = readText(entry, 'displayName', path, problems);
  const tenantId = readText(entry, 'tenantId', path, problems);
  const state = readChoice(entry, 'state', path, SUBSCRIPTION_STATES, problems);
  const quotaId = readText(entry, 'quotaId', path, problems);
  const spendingLimit = readChoice(entry, 'spendingLimit', path, SPENDING_LIMITS, problems);
  if (
    id === undefined ||
    displayName === undefined ||
    tenantId === undefined ||
    state === undefined ||
    quotaId === undefined ||
    spendingLimit === undefined
  ) {
    return undefined;
  }
  return { id, displayName, tenantId, state, quotaId, spendingLimit };
}

function readRoleAssignment(entry: JsonObject, path: string, problems: ProblemList): RoleAssignment | undefined {
  const subscriptionId = readText(entry, 'subscriptionId', path, problems);
  const principalId = readText(entry, 'principalId', path, problems);
  const role = readChoice(entry, 'role', path, ROLE_NAMES, problems);
  if (subscriptionId === undefined || principalId === undefined || role === undefined) return undefined;
  return { subscriptionId, principalId, role };
}
