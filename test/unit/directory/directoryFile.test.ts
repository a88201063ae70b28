import assert from 'node:assert/strict';
import { DirectoryFileError, parseDirectoryFile, validateDirectoryFile } from '../../../src/directory/directoryFile';
import { REMOVE, editAt, validDocument } from './fixtures';

const FILE = '/srv/bot/world.json';

/** Runs the validator and returns the error it must throw. */
function rejection(content: unknown): DirectoryFileError {
  try {
    validateDirectoryFile(FILE, content);
  } catch (error) {
    if (error instanceof DirectoryFileError) return error;
    throw error;
  }
  assert.fail('The document was accepted, but it should have been rejected.');
}

function documentWith(edits: Readonly<Record<string, unknown>>): unknown {
  const document = validDocument();
  for (const [at, value] of Object.entries(edits)) editAt(document, at, value);
  return document;
}

interface Case {
  readonly problem: string;
  readonly edits: Readonly<Record<string, unknown>>;
  /** Where the validator must point. */
  readonly path: string;
  /** What the message must say about it. */
  readonly says: RegExp;
}

const CASES: readonly Case[] = [
  // The shape of each entry.
  { problem: 'a missing collection', edits: { tenants: REMOVE }, path: 'tenants', says: /tenants is missing; add it as a list/ },
  { problem: 'a collection that is not a list', edits: { users: {} }, path: 'users', says: /users must be a list .* but it is an object/ },
  { problem: 'an entry that is not an object', edits: { 'organizations[1]': 'contoso-data' }, path: 'organizations[1]', says: /must be an object describing an organization, but it is the string "contoso-data"/ },
  { problem: 'a missing field', edits: { 'organizations[1].tenantId': REMOVE }, path: 'organizations[1].tenantId', says: /organizations\[1\]\.tenantId is missing/ },
  { problem: 'a field of the wrong type', edits: { 'subscriptions[0].displayName': 42 }, path: 'subscriptions[0].displayName', says: /must be a non-empty string, but it is the number 42/ },
  { problem: 'an empty string', edits: { 'users[2].email': '' }, path: 'users[2].email', says: /must be a non-empty string, but it is an empty string/ },
  { problem: 'null', edits: { 'tenants[0].displayName': null }, path: 'tenants[0].displayName', says: /but it is null/ },
  {
    problem: 'an unknown subscription state',
    edits: { 'subscriptions[1].state': 'Active' },
    path: 'subscriptions[1].state',
    says: /is "Active", which is not allowed; use one of "Enabled", "Disabled", "Deleted", "PastDue", "Warned"/,
  },
  { problem: 'a state in the wrong case', edits: { 'subscriptions[0].state': 'enabled' }, path: 'subscriptions[0].state', says: /\(did you mean "Enabled"\?\)/ },
  { problem: 'a missing spending limit', edits: { 'subscriptions[0].spendingLimit': REMOVE }, path: 'subscriptions[0].spendingLimit', says: /is missing; use one of "On", "Off", "CurrentPeriodOff"/ },
  { problem: 'a spending limit that is not a string', edits: { 'subscriptions[0].spendingLimit': false }, path: 'subscriptions[0].spendingLimit', says: /must be a string, but it is the value false/ },
  {
    problem: 'an unknown role',
    edits: { 'roleAssignments[1].role': 'Admin' },
    path: 'roleAssignments[1].role',
    says: /use one of "Owner", "Contributor", "Reader", "User Access Administrator"/,
  },
  { problem: 'a member id that is not a string', edits: { 'organizations[0].members[1]': 7 }, path: 'organizations[0].members[1]', says: /must be a user id \(a non-empty string\), but it is the number 7/ },
  { problem: 'administrators that are not a list', edits: { 'organizations[0].projectCollectionAdministrators': 'user-alex' }, path: 'organizations[0].projectCollectionAdministrators', says: /must be a list of user ids/ },

  // Uniqueness.
  { problem: 'a duplicate tenant id', edits: { 'tenants[1].id': 'tenant-contoso' }, path: 'tenants[1].id', says: /"tenant-contoso" is already the id of tenants\[0\]/ },
  { problem: 'a duplicate user id', edits: { 'users[2].id': 'user-alex' }, path: 'users[2].id', says: /already the id of users\[0\]/ },
  { problem: 'a duplicate organization id', edits: { 'organizations[1].id': 'org-web' }, path: 'organizations[1].id', says: /already the id of organizations\[0\]/ },
  { problem: 'a duplicate subscription id', edits: { 'subscriptions[1].id': 'sub-payg', 'roleAssignments[1].subscriptionId': 'sub-payg' }, path: 'subscriptions[1].id', says: /already the id of subscriptions\[0\]/ },
  { problem: 'a duplicate organization name, in another case', edits: { 'organizations[1].name': 'Contoso-Web' }, path: 'organizations[1].name', says: /already the name of organizations\[0\] \(names ignore case/ },
  { problem: 'a repeated member', edits: { 'organizations[0].members[1]': 'user-alex' }, path: 'organizations[0].members[1]', says: /repeats "user-alex", already listed at organizations\[0\]\.members\[0\]/ },
  { problem: 'a repeated role assignment', edits: { 'roleAssignments[1]': { subscriptionId: 'sub-payg', principalId: 'user-alex', role: 'Owner' } }, path: 'roleAssignments[1]', says: /repeats roleAssignments\[0\]/ },

  // References.
  { problem: "a user's unknown tenant", edits: { 'users[1].tenantId': 'tenant-nowhere' }, path: 'users[1].tenantId', says: /is "tenant-nowhere", which is not the id of any tenant in "tenants"/ },
  { problem: "an organization's unknown tenant", edits: { 'organizations[1].tenantId': 'tenant-nowhere' }, path: 'organizations[1].tenantId', says: /not the id of any tenant/ },
  {
    problem: 'an unknown owner',
    edits: { 'organizations[1].ownerId': 'user-nobody', 'organizations[1].projectCollectionAdministrators[0]': 'user-nobody' },
    path: 'organizations[1].ownerId',
    says: /is "user-nobody", which is not the id of any user in "users"/,
  },
  { problem: 'an unknown administrator', edits: { 'organizations[1].projectCollectionAdministrators[1]': 'user-nobody' }, path: 'organizations[1].projectCollectionAdministrators[1]', says: /not the id of any user/ },
  { problem: 'an unknown member', edits: { 'organizations[0].members[1]': 'user-nobody' }, path: 'organizations[0].members[1]', says: /not the id of any user/ },
  { problem: 'an owner who is not an administrator', edits: { 'organizations[1].ownerId': 'user-alex' }, path: 'organizations[1].ownerId', says: /is not listed in organizations\[1\]\.projectCollectionAdministrators; the owner is always/ },
  { problem: "a subscription's unknown tenant", edits: { 'subscriptions[1].tenantId': 'tenant-nowhere' }, path: 'subscriptions[1].tenantId', says: /not the id of any tenant/ },
  { problem: 'a role on an unknown subscription', edits: { 'roleAssignments[0].subscriptionId': 'sub-nowhere' }, path: 'roleAssignments[0].subscriptionId', says: /not the id of any subscription in "subscriptions"/ },
  { problem: 'a role for an unknown principal', edits: { 'roleAssignments[1].principalId': 'user-nobody' }, path: 'roleAssignments[1].principalId', says: /not the id of any user/ },
];

describe('directory file validation', () => {
  it('accepts the small valid world the cases start from', () => {
    const directory = validateDirectoryFile(FILE, validDocument());
    assert.equal(directory.organizations.length, 2);
    assert.equal(directory.subscriptions[1]?.tenantId, 'tenant-fabrikam');
  });

  for (const { problem, edits, path, says } of CASES) {
    it(`rejects ${problem}, naming the file and ${path}`, () => {
      const error = rejection(documentWith(edits));
      assert.equal(error.file, FILE);
      const found = error.problems.find((item) => item.path === path);
      assert.ok(found, `Expected a problem at ${path}; got: ${JSON.stringify(error.problems)}`);
      assert.match(found.message, says);
      assert.ok(found.message.startsWith(path), `The problem should start with its path: ${found.message}`);
      assert.ok(error.message.includes(`"${FILE}"`), error.message);
      assert.ok(error.message.includes(path), error.message);
    });
  }

  it('rejects a document that is not an object, pointing at the document as a whole', () => {
    const error = rejection([]);
    assert.deepEqual(
      error.problems.map((item) => item.path),
      [''],
    );
    assert.match(error.message, /^The directory file "\/srv\/bot\/world\.json" cannot be used: The document must be a JSON object/);
    assert.match(error.message, /Correct the file/);
  });

  it('reports every malformed field in one pass', () => {
    const error = rejection(documentWith({ 'users[0].email': REMOVE, 'subscriptions[1].state': 'Active', 'organizations[1]': 3 }));
    assert.deepEqual(
      error.problems.map((item) => item.path),
      ['users[0].email', 'organizations[1]', 'subscriptions[1].state'],
    );
    assert.match(error.message, /has 3 problems:\n {2}- users\[0\]\.email is missing/);
  });

  it('checks references only once every entry is well formed, so a broken entry is reported once', () => {
    const error = rejection(documentWith({ 'tenants[0].displayName': REMOVE }));
    assert.deepEqual(
      error.problems.map((item) => item.path),
      ['tenants[0].displayName'],
    );
  });

  it('lists at most twenty problems and counts the rest', () => {
    const document = documentWith({});
    editAt(
      document,
      'users',
      Array.from({ length: 25 }, (_, index) => ({ id: `user-${index}`, displayName: 'Someone', email: 'someone@contoso.com' })),
    );
    const error = rejection(document);
    assert.equal(error.problems.length, 25);
    assert.match(error.message, /- …and 5 more problems\.\n/);
  });

  it('allows fields it does not know and leaves them out of the result', () => {
    const document = documentWith({ note: 'for people', 'subscriptions[0].note': 'the main one', 'users[0].jobTitle': 'Engineer' });
    const directory = validateDirectoryFile(FILE, document);
    assert.deepEqual(directory.users[0], {
      id: 'user-alex',
      displayName: 'Alex Wilber',
      email: 'alexw@contoso.com',
      tenantId: 'tenant-contoso',
    });
    assert.equal(Object.keys(directory.subscriptions[0] ?? {}).includes('note'), false);
  });

  it('never judges ids by their shape', () => {
    const document = documentWith({ 'users[0].id': '00000000-0000-0000-0000-0000000000020', 'roleAssignments[0].principalId': '00000000-0000-0000-0000-0000000000020' });
    editAt(document, 'organizations[0].ownerId', '00000000-0000-0000-0000-0000000000020');
    editAt(document, 'organizations[0].projectCollectionAdministrators', ['00000000-0000-0000-0000-0000000000020']);
    editAt(document, 'organizations[0].members', ['00000000-0000-0000-0000-0000000000020']);
    editAt(document, 'organizations[1].members', ['user-adele']);
    assert.doesNotThrow(() => validateDirectoryFile(FILE, document));
  });
});

describe('directory file parsing', () => {
  it('parses JSON text, with or without a byte order mark', () => {
    const text = JSON.stringify(validDocument());
    assert.equal(parseDirectoryFile(FILE, text).tenants.length, 2);
    assert.equal(parseDirectoryFile(FILE, `\uFEFF${text}`).tenants.length, 2);
  });

  it('rejects text that is not JSON, naming the file and the line and column', () => {
    const text = '{\n  "tenants": [\n    { "id": "t", }\n  ]\n}\n';
    assert.throws(
      () => parseDirectoryFile(FILE, text),
      (error: unknown) => {
        assert.ok(error instanceof DirectoryFileError);
        assert.match(error.message, /^The directory file "\/srv\/bot\/world\.json" cannot be used: The file is not valid JSON: .* at line 3, column 18\./);
        return true;
      },
    );
  });

  it('rejects an empty file', () => {
    assert.throws(() => parseDirectoryFile(FILE, ''), /The directory file "\/srv\/bot\/world\.json" cannot be used: The file is not valid JSON/);
  });
});
