import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** From dist/test/unit/directory/ up to the project root, where demo/ lives. */
export const PROJECT_ROOT = path.resolve(__dirname, '../../../..');
export const DEMO_FILE = path.join(PROJECT_ROOT, 'demo', 'directory.json');

export const ALEX = '00000000-0000-0000-0000-0000000000020';
export const CONTOSO_TENANT = '00000000-0000-0000-0000-0000000000001';

/** A small world that passes validation; each call returns a fresh copy to edit. */
export function validDocument(): unknown {
  return {
    tenants: [
      { id: 'tenant-contoso', displayName: 'Contoso' },
      { id: 'tenant-fabrikam', displayName: 'Fabrikam' },
    ],
    users: [
      { id: 'user-alex', displayName: 'Alex Wilber', email: 'alexw@contoso.com', tenantId: 'tenant-contoso' },
      { id: 'user-megan', displayName: 'Megan Bowen', email: 'meganb@contoso.com', tenantId: 'tenant-contoso' },
      { id: 'user-adele', displayName: 'Adele Vance', email: 'adelev@contoso.com', tenantId: 'tenant-contoso' },
    ],
    organizations: [
      {
        id: 'org-web',
        name: 'contoso-web',
        tenantId: 'tenant-contoso',
        ownerId: 'user-alex',
        projectCollectionAdministrators: ['user-alex'],
        members: ['user-alex', 'user-megan'],
      },
      {
        id: 'org-data',
        name: 'contoso-data',
        tenantId: 'tenant-contoso',
        ownerId: 'user-adele',
        projectCollectionAdministrators: ['user-adele', 'user-megan'],
        members: ['user-adele', 'user-alex'],
      },
    ],
    subscriptions: [
      {
        id: 'sub-payg',
        displayName: 'Contoso PAYG',
        tenantId: 'tenant-contoso',
        state: 'Enabled',
        quotaId: 'PayAsYouGo_2014-09-01',
        spendingLimit: 'Off',
      },
      {
        id: 'sub-fabrikam',
        displayName: 'Fabrikam EA',
        tenantId: 'tenant-fabrikam',
        state: 'Enabled',
        quotaId: 'EnterpriseAgreement_2014-09-01',
        spendingLimit: 'Off',
      },
    ],
    roleAssignments: [
      { subscriptionId: 'sub-payg', principalId: 'user-alex', role: 'Owner' },
      { subscriptionId: 'sub-fabrikam', principalId: 'user-megan', role: 'Contributor' },
    ],
  };
}

const REMOVED: unique symbol = Symbol('removed');

/** A value for `editAt` that deletes the property or list entry instead of setting it. */
export const REMOVE: typeof REMOVED = REMOVED;

/**
 * Sets (or with REMOVE deletes) the value at a document path such as `organizations[0].members[1]`,
 * the same notation the validator reports, so a test case reads like the problem it causes.
 */
export function editAt(document: unknown, at: string, value: unknown): void {
  const steps = [...at.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((match) => (match[2] === undefined ? match[1] ?? '' : Number(match[2])));
  const last = steps.pop();
  if (last === undefined) throw new Error(`The path "${at}" names nothing to edit.`);
  let parent: unknown = document;
  for (const step of steps) parent = childOf(parent, step, at);
  if (Array.isArray(parent) && typeof last === 'number') {
    if (value === REMOVE) parent.splice(last, 1);
    else parent[last] = value;
  } else if (isRecord(parent) && typeof last === 'string') {
    if (value === REMOVE) delete parent[last];
    else parent[last] = value;
  } else {
    throw new Error(`The path "${at}" does not lead to a list or object in the test document.`);
  }
}

function childOf(parent: unknown, step: string | number, at: string): unknown {
  if (Array.isArray(parent) && typeof step === 'number') return parent[step];
  if (isRecord(parent) && typeof step === 'string') return parent[step];
  throw new Error(`The path "${at}" does not lead to a list or object in the test document.`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function makeTempFolder(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'directory-test-'));
}

export async function removeTempFolder(folder: string): Promise<void> {
  await fs.rm(folder, { recursive: true, force: true });
}
