import type { DirectoryUser } from '../../../src/domain/directory';

type Json = Record<string, unknown>;

export interface GraphReply {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Microsoft Graph's user search as documented ("List users", v1.0): `$search` takes quoted
 * `property:text` terms joined by OR and matches the start of any word of the property, case
 * insensitively; it needs `ConsistencyLevel: eventual`, without which Graph answers 400.
 */
export function searchUsers(users: readonly DirectoryUser[], query: URLSearchParams, consistencyLevel: string | undefined): GraphReply {
  const search = query.get('$search');
  if (search !== null && consistencyLevel !== 'eventual') {
    return graphError(400, 'Request_UnsupportedQuery', "Search operations are only supported with the ConsistencyLevel header set to 'eventual'.");
  }
  const terms = search === null ? [] : [...search.matchAll(/"(displayName|mail):([^"]*)"/g)].map((m) => ({ property: m[1] as 'displayName' | 'mail', text: (m[2] ?? '').toLowerCase() }));
  if (search !== null && terms.length === 0) return graphError(400, 'Request_UnsupportedQuery', 'Syntax error in $search.');
  const found = users.filter((user) => terms.length === 0 || terms.some((term) => wordsOf(term.property === 'mail' ? user.email : user.displayName).some((word) => word.startsWith(term.text))));
  const top = Number(query.get('$top') ?? '100');
  return { status: 200, body: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users', value: found.slice(0, top).map((u) => selected(userJson(u), query.get('$select'))) } };
}

export function getUser(users: readonly DirectoryUser[], id: string, query: URLSearchParams): GraphReply {
  const user = users.find((u) => u.id === id);
  if (!user) return graphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
  return { status: 200, body: selected(userJson(user), query.get('$select')) };
}

function userJson(user: DirectoryUser): Json {
  return {
    id: user.id,
    displayName: user.displayName,
    mail: user.email,
    userPrincipalName: user.guest ? `${user.email.replace('@', '_')}#EXT#@contoso.onmicrosoft.com` : user.email,
    userType: user.guest ? 'Guest' : 'Member',
    externalUserState: user.guest === 'invitation-pending' ? 'PendingAcceptance' : user.guest === 'accepted' ? 'Accepted' : null,
    jobTitle: 'not selected unless asked for',
  };
}

function selected(user: Json, select: string | null): Json {
  if (select === null) return user;
  const fields = select.split(',');
  return Object.fromEntries(Object.entries(user).filter(([key]) => fields.includes(key)));
}

function wordsOf(text: string): string[] {
  return text.toLowerCase().split(/[\s@._-]+/).filter((w) => w !== '');
}

function graphError(status: number, code: string, message: string): GraphReply {
  return { status, body: { error: { code, message, innerError: { 'request-id': '00000000-0000-0000-0000-000000000000' } } } };
}
