import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DelegatedTokens, type TokenAudience } from '../../../src/domain/credentials';
import { readUnverifiedClaims } from '../../../src/auth/tokenClaims';
import type { AzureEndpoints } from '../../../src/config';
import { builtInRoleOf } from '../../../src/directory/azure/builtInRoles';
import type { DirectoryFile, DirectoryUser, Organization } from '../../../src/domain/directory';
import { ApiContract, exampleBody, recordedBody, type Operation } from './apiContract';
import {
  administratorsGroupDescriptorOf, EmulatedWorld, guidFrom, roleIdOf, userDescriptorOf, vsidOf, type EmulatedAssignment,
} from './emulatedWorld';
import { getUser, searchUsers } from './emulatedGraph';
import { testCertificate } from './testCertificate';
import { ENTITLEMENTS_SPEC, listEntitlements, patchEntitlement } from './entitlementsEmulation';
import { COST_MANAGEMENT_SPEC, queryUsage, type EmulatedCharge } from './costEmulation';

type ServiceName = 'arm' | 'app' | 'vssps' | 'vsaex' | 'commerce' | 'graph';

const RESOURCE_MANAGER_AUDIENCE = 'https://management.azure.com';
const DEVOPS_AUDIENCE = '499b84ac-1321-427f-aa17-267ca6975798';
const GRAPH_AUDIENCE = 'https://graph.microsoft.com';

const ARM = 'Azure/azure-rest-api-specs/specification';
const DOCS = 'MicrosoftDocs/vsts-rest-api-specs/specification';

/** Where each emulated service is mounted, the specs its requests must follow, and the token audience it accepts. */
const SERVICES: Readonly<Record<ServiceName, { readonly mount: string; readonly specs: readonly string[]; readonly audience: string }>> = {
  arm: {
    mount: '/arm',
    specs: [
      `${ARM}/resources/resource-manager/Microsoft.Resources/stable/2022-12-01/subscriptions.json`,
      `${ARM}/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json`,
      `${ARM}/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleDefinitionsCalls.json`,
      COST_MANAGEMENT_SPEC,
    ],
    audience: RESOURCE_MANAGER_AUDIENCE,
  },
  app: { mount: '/app', specs: [`${DOCS}/profile/7.1/profile.json`, `${DOCS}/account/7.1/accounts.json`], audience: DEVOPS_AUDIENCE },
  vssps: { mount: '/vssps', specs: [`${DOCS}/graph/7.1/graph.json`], audience: DEVOPS_AUDIENCE },
  vsaex: { mount: '/vsaex', specs: [ENTITLEMENTS_SPEC], audience: DEVOPS_AUDIENCE },
  commerce: { mount: '/commerce', specs: ['stand-ins/azcomm-billing-setup.json'], audience: DEVOPS_AUDIENCE },
  graph: { mount: '/graph', specs: ['stand-ins/microsoft-graph-users.json'], audience: GRAPH_AUDIENCE },
};

const EXAMPLES = {
  subscription: `${ARM}/resources/resource-manager/Microsoft.Resources/stable/2022-12-01/examples/GetSubscription.json`,
  subscriptions: `${ARM}/resources/resource-manager/Microsoft.Resources/stable/2022-12-01/examples/GetSubscriptions.json`,
  tenants: `${ARM}/resources/resource-manager/Microsoft.Resources/stable/2022-12-01/examples/GetTenants.json`,
  assignments: `${ARM}/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/examples/RoleAssignments_ListForScope.json`,
  createAssignment: `${ARM}/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/examples/RoleAssignments_CreateForSubscription.json`,
  deleteAssignment: `${ARM}/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/examples/RoleAssignments_Delete.json`,
  roleDefinition: `${ARM}/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/examples/GetRoleDefinitionById.json`,
  profile: `${DOCS}/profile/7.1/httpExamples/profiles/GET__profile_profiles_me.json`,
  accounts: `${DOCS}/account/7.1/httpExamples/accounts/GET__Accounts_memberId-_userId_.json`,
  groups: `${DOCS}/graph/7.1/httpExamples/Groups/GetAllGroups.json`,
  memberships: `${DOCS}/graph/7.1/httpExamples/MembershipsBatch/BatchGetMembershipsGroupDown.json`,
  lookup: `${DOCS}/graph/7.1/httpExamples/Subjectlookup/LookupSubjects.json`,
  billingSetup: 'MethodsAndPractices/vsteam/Tests/SampleFiles/Get-VSTeamAccountBillingWithSubscription.json',
} as const;

type Json = Record<string, unknown>;

interface Reply {
  readonly status: number;
  readonly body?: unknown;
  /** A raw body with its content type, for answers that are not JSON. */
  readonly raw?: { readonly contentType: string; readonly text: string };
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RecordedRequest {
  readonly service: ServiceName;
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** The Entra object id the token named, when it was accepted. */
  readonly userId: string | undefined;
}

/** A fault the emulator answers with instead of the real answer, for the next `times` matching requests. */
export interface Fault {
  readonly operationId: string;
  readonly times?: number;
  /** Answer this instead; without it, the real answer is sent after `delayMs`. */
  readonly reply?: Reply;
  readonly delayMs?: number;
  /** Only requests whose path contains this (an organization's name, say). */
  readonly pathIncludes?: string;
}

interface Context {
  readonly service: ServiceName;
  readonly operation: Operation;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly contentType: string;
  readonly user: DirectoryUser;
  /** The tenant that issued the token: ARM answers only for subscriptions of that tenant. */
  readonly tokenTenant: string;
  readonly consistencyLevel: string | undefined;
}

export interface EmulatorOptions {
  /** Items per page in lists, so that every client test pages. */
  readonly pageSize?: number;
  /** Every answer waits this long, as a distant service would. */
  readonly latencyMs?: number;
}

/**
 * A loopback HTTPS emulator of Azure Resource Manager and the Azure DevOps services the bot uses,
 * over a world described in the local directory format. Every request is checked against the
 * published specs (test/fixtures/azure-specs); one the specs do not describe is answered 400 and
 * recorded in `violations`, which tests assert empty. Answers are the official example payloads
 * with the world's values put in. Faults can be injected per operation.
 */
export class AzureEmulator {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly world: EmulatedWorld;
  /** What Azure Cost Management has charged, line by line: tests put the month's charges here. */
  readonly bill: EmulatedCharge[] = [];
  private readonly contracts: Readonly<Record<ServiceName, ApiContract>>;
  private readonly faults: { fault: Fault; left: number }[] = [];
  private readonly issuedPages = new Set<string>();
  private readonly pageSize: number;
  private readonly latencyMs: number;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly certificate: string,
    world: EmulatedWorld,
    contracts: Readonly<Record<ServiceName, ApiContract>>,
    options: EmulatorOptions,
  ) {
    this.world = world;
    this.contracts = contracts;
    this.pageSize = options.pageSize ?? 2;
    this.latencyMs = options.latencyMs ?? 0;
  }

  static async start(file: DirectoryFile, options: EmulatorOptions = {}): Promise<AzureEmulator> {
    const { key, cert } = await testCertificate();
    const contracts = {
      arm: new ApiContract(SERVICES.arm.specs),
      app: new ApiContract(SERVICES.app.specs),
      vssps: new ApiContract(SERVICES.vssps.specs),
      vsaex: new ApiContract(SERVICES.vsaex.specs),
      commerce: new ApiContract(SERVICES.commerce.specs),
      graph: new ApiContract(SERVICES.graph.specs),
    };
    let emulator: AzureEmulator | undefined;
    const server = createServer({ key, cert }, (req, res) => {
      void (emulator as AzureEmulator).handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    emulator = new AzureEmulator(server, port, cert, new EmulatedWorld(file), contracts, options);
    return emulator;
  }

  get base(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get endpoints(): AzureEndpoints {
    return {
      resourceManager: `${this.base}${SERVICES.arm.mount}`,
      devOpsProfile: `${this.base}${SERVICES.app.mount}`,
      devOpsGraph: `${this.base}${SERVICES.vssps.mount}`,
      devOpsCommerce: `${this.base}${SERVICES.commerce.mount}`,
      devOpsEntitlements: `${this.base}${SERVICES.vsaex.mount}`,
      devOpsWeb: 'https://dev.azure.com',
      microsoftGraph: `${this.base}${SERVICES.graph.mount}`,
    };
  }

  /** An access token as Entra would issue it for the user (unsigned: the emulator is its only reader). */
  tokenFor(userId: string, audience: TokenAudience, claims: Readonly<Record<string, unknown>> = {}): string {
    const user = this.world.user(userId);
    const payload = {
      aud: audience === 'azure-resource-manager' ? RESOURCE_MANAGER_AUDIENCE : audience === 'microsoft-graph' ? GRAPH_AUDIENCE : DEVOPS_AUDIENCE,
      iss: `https://sts.windows.net/${user?.tenantId ?? ''}/`,
      oid: userId,
      tid: user?.tenantId,
      exp: Math.floor(Date.now() / 1000) + 3600,
      ...claims,
    };
    const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${part({ typ: 'JWT', alg: 'RS256' })}.${part(payload)}.${Buffer.from(`signature-of-${userId}`).toString('base64url')}`;
  }

  tokensFor(userId: string): DelegatedTokens {
    return new DelegatedTokens({ 'azure-resource-manager': this.tokenFor(userId, 'azure-resource-manager'), 'azure-devops': this.tokenFor(userId, 'azure-devops') });
  }

  inject(fault: Fault): void {
    this.faults.push({ fault, left: fault.times ?? 1 });
  }

  /** The requests for one operation, in order. */
  callsTo(operationId: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operationId === operationId);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const reply = await this.answer(req);
      send(res, reply);
    } catch (error) {
      this.violations.push(`The emulator failed on ${req.method} ${req.url}: ${error instanceof Error ? error.stack : String(error)}`);
      send(res, { status: 500, body: { error: { code: 'EmulatorFailure', message: 'The emulator failed.' } } });
    }
  }

  private async answer(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', this.base);
    const service = (Object.keys(SERVICES) as ServiceName[]).find((name) => url.pathname.startsWith(`${SERVICES[name].mount}/`));
    const text = await readBody(req);
    if (!service) return this.violation(`No emulated service is mounted at ${url.pathname}.`);
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        return this.violation(`${req.method} ${url.pathname} sent a body that is not JSON.`);
      }
    }
    const path = url.pathname.slice(SERVICES[service].mount.length);
    const pageToken = url.searchParams.get('$skiptoken');
    const checked = this.contracts[service].check({
      method: req.method ?? 'GET',
      path,
      query: url.searchParams,
      body,
      ...(pageToken !== null && this.issuedPages.has(pageToken) ? { pagingParameters: ['$skiptoken'] } : {}),
    });
    if ('violation' in checked) return this.violation(checked.violation);

    const { user, tenant } = this.authenticate(req, service);
    this.requests.push({
      service,
      operationId: checked.operation.operationId,
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      userId: user?.id,
    });
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const fault = this.takeFault(checked.operation.operationId, path);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.reply) return fault.reply;
    if (!user) return unauthorized(service);
    const consistencyLevel = req.headers.consistencylevel;
    return this.dispatch({
      service, operation: checked.operation, params: checked.pathParameters, query: url.searchParams, body, contentType: req.headers['content-type'] ?? '', user, tokenTenant: tenant,
      consistencyLevel: typeof consistencyLevel === 'string' ? consistencyLevel : undefined,
    });
  }

  private violation(message: string): Reply {
    this.violations.push(message);
    return { status: 400, body: { error: { code: 'RequestNotInContract', message } } };
  }

  private authenticate(req: IncomingMessage, service: ServiceName): { user: DirectoryUser | undefined; tenant: string } {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    if (!token) return { user: undefined, tenant: '' };
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}') as Json;
    const claims = readUnverifiedClaims(token);
    const tenant = claims.tenantId ?? '';
    if (payload.aud !== SERVICES[service].audience) return { user: undefined, tenant };
    if (claims.expiresAt && claims.expiresAt.getTime() < Date.now()) return { user: undefined, tenant };
    return { user: claims.objectId ? this.world.user(claims.objectId) : undefined, tenant };
  }

  /** What ARM shows the user: subscriptions of the token's tenant on which they hold a role. */
  private visible(c: Context, subscriptionId: string): boolean {
    const subscription = this.world.subscription(subscriptionId);
    return subscription !== undefined && subscription.tenantId === c.tokenTenant && this.world.rolesOn(subscription.id, c.user.id).length > 0;
  }

  private takeFault(operationId: string, path: string): Fault | undefined {
    const entry = this.faults.find((f) => f.fault.operationId === operationId && f.left > 0 && (!f.fault.pathIncludes || path.includes(f.fault.pathIncludes)));
    if (!entry) return undefined;
    entry.left -= 1;
    return entry.fault;
  }

  private dispatch(c: Context): Reply {
    switch (c.operation.operationId) {
      case 'Tenants_List':
        return this.page(c, this.world.tenants.filter((t) => t.id === c.user.tenantId).map(tenantJson));
      case 'Subscriptions_List':
        return this.page(c, this.world.subscriptions.filter((s) => this.visible(c, s.id)).map((s) => subscriptionJson(s.id, this.world)));
      case 'Subscriptions_Get':
        return this.getSubscription(c);
      case 'RoleAssignments_ListForSubscription':
      case 'RoleAssignments_ListForScope':
        return this.listAssignments(c);
      case 'RoleAssignments_Create':
        return this.createAssignment(c);
      case 'RoleAssignments_Delete':
        return this.deleteAssignment(c);
      case 'RoleDefinitions_Get':
        return this.roleDefinition(c);
      case 'Profiles_Get':
        return this.profile(c);
      case 'Accounts_List':
        return this.accounts(c);
      case 'Groups_List':
        return this.groups(c);
      case 'Memberships_List':
        return this.memberships(c);
      case 'Subject Lookup_Lookup Subjects':
        return this.lookup(c);
      case 'User Entitlements_Search User Entitlements':
        return this.entitlements(c);
      case 'User Entitlements_Update User Entitlement':
        return this.patchEntitlement(c);
      case 'BillingSetup_Get':
        return this.billingSetup(c);
      case 'BillingSetup_Put':
        return this.setBilling(c);
      case 'BillingSetup_Delete':
        return this.removeBilling(c);
      // Graph answers with the people of the token's tenant, members and guests alike.
      case 'Users_List':
        return searchUsers(this.world.users.filter((u) => u.tenantId === c.tokenTenant), c.query, c.consistencyLevel);
      case 'Users_Get':
        return getUser(this.world.users.filter((u) => u.tenantId === c.tokenTenant), c.params.id ?? '', c.query);
      case 'Query_Usage':
        return this.queryUsage(c);
      default:
        return this.violation(`The spec describes ${c.operation.operationId}, but the emulator does not answer it: the client was not expected to call it.`);
    }
  }

  /** ARM paging: `pageSize` items, and a nextLink with a $skiptoken the emulator remembers. */
  private page(c: Context, items: unknown[]): Reply {
    const start = Number(c.query.get('$skiptoken') ?? '0');
    const value = items.slice(start, start + this.pageSize);
    const body: Json = { value };
    if (start + this.pageSize < items.length) {
      const token = String(start + this.pageSize);
      this.issuedPages.add(token);
      const next = new URL(`${this.base}${SERVICES[c.service].mount}${pathOf(c)}`);
      for (const [name, v] of c.query) if (name !== '$skiptoken') next.searchParams.set(name, v);
      next.searchParams.set('$skiptoken', token);
      body.nextLink = next.href;
    }
    return { status: 200, body };
  }

  /** Cost Management pages its rows by a nextLink with a $skiptoken, which the client posts the same query to. */
  private queryUsage(c: Context): Reply {
    const scope = c.params.scope ?? '';
    const subscription = this.world.subscription(this.subscriptionOfScope(scope) ?? '');
    if (subscription && subscription.tenantId !== c.tokenTenant) return wrongTenant(subscription.tenantId);
    const start = Number(c.query.get('$skiptoken') ?? '0');
    const outcome = queryUsage({ world: this.world, bill: this.bill, user: c.user, scope, body: c.body, start, pageSize: this.pageSize });
    if ('violation' in outcome) return this.violation(outcome.violation);
    if (!outcome.more) return { status: outcome.status, body: outcome.body };
    const token = String(start + this.pageSize);
    this.issuedPages.add(token);
    const next = new URL(`${this.base}${SERVICES[c.service].mount}${pathOf(c)}`);
    next.searchParams.set('api-version', c.query.get('api-version') ?? '');
    next.searchParams.set('$skiptoken', token);
    const properties = outcome.body.properties as Record<string, unknown>;
    return { status: outcome.status, body: { ...outcome.body, properties: { ...properties, nextLink: next.href } } };
  }

  private getSubscription(c: Context): Reply {
    const id = c.params.subscriptionId ?? '';
    const subscription = this.world.subscription(id);
    if (subscription && subscription.tenantId !== c.tokenTenant) return wrongTenant(subscription.tenantId);
    if (!subscription || !this.visible(c, subscription.id)) return subscriptionNotFound(id);
    return { status: 200, body: subscriptionJson(subscription.id, this.world, EXAMPLES.subscription) };
  }

  private subscriptionOfScope(scope: string): string | undefined {
    return /^\/?subscriptions\/([^/]+)$/i.exec(scope)?.[1];
  }

  private listAssignments(c: Context): Reply {
    const id = c.params.subscriptionId ?? this.subscriptionOfScope(c.params.scope ?? '');
    if (!id) return armError(400, 'InvalidScope', 'The emulator answers role assignments on subscriptions only.');
    const subscription = this.world.subscription(id);
    if (!subscription) return subscriptionNotFound(id);
    if (subscription.tenantId !== c.tokenTenant) return wrongTenant(subscription.tenantId);
    if (this.world.rolesOn(subscription.id, c.user.id).length === 0) return authorizationFailed(c.user, 'Microsoft.Authorization/roleAssignments/read', `/subscriptions/${id}`);
    const filter = c.query.get('$filter');
    const assignedTo = /^atScope\(\) and assignedTo\('([^']+)'\)$/.exec(filter ?? '')?.[1];
    if (filter !== null && filter !== 'atScope()' && !assignedTo) return armError(400, 'InvalidFilter', `The emulator does not support $filter=${filter}.`);
    const principals = assignedTo ? new Set([assignedTo, ...this.world.groupsOf(assignedTo)]) : undefined;
    return this.page(c, this.world.assignments.filter((a) => a.subscriptionId === subscription.id && (!principals || principals.has(a.principalId))).map(assignmentJson));
  }

  /** Built-in definitions are not served: the client recognises them by id and never asks. */
  private roleDefinition(c: Context): Reply {
    const id = this.subscriptionOfScope(c.params.scope ?? '');
    if (!id || !this.world.subscription(id)) return subscriptionNotFound(id ?? c.params.scope ?? '');
    if (this.world.rolesOn(id, c.user.id).length === 0) return authorizationFailed(c.user, 'Microsoft.Authorization/roleDefinitions/read', `/subscriptions/${id}`);
    const definitionId = c.params.roleDefinitionId ?? '';
    const definition = this.world.customRoles.get(definitionId);
    if (!definition) return armError(404, 'RoleDefinitionDoesNotExist', 'The specified role definition does not exist.');
    const body = exampleBody(EXAMPLES.roleDefinition);
    return {
      status: 200,
      body: {
        ...body,
        id: `/subscriptions/${id}/providers/Microsoft.Authorization/roleDefinitions/${definitionId}`,
        name: definitionId,
        properties: {
          ...(body.properties as Json),
          roleName: definition.roleName,
          type: 'CustomRole',
          assignableScopes: [`/subscriptions/${id}`],
          permissions: [{ actions: [...definition.actions], notActions: [...definition.notActions], dataActions: [], notDataActions: [] }],
        },
      },
    };
  }

  private createAssignment(c: Context): Reply {
    const id = this.subscriptionOfScope(c.params.scope ?? '');
    const subscription = id ? this.world.subscription(id) : undefined;
    if (!id || !subscription) return subscriptionNotFound(id ?? c.params.scope ?? '');
    if (subscription.tenantId !== c.tokenTenant) return wrongTenant(subscription.tenantId);
    const scope = `/subscriptions/${subscription.id}`;
    if (!this.world.rolesOn(subscription.id, c.user.id).some((r) => r === 'Owner' || r === 'User Access Administrator')) {
      return authorizationFailed(c.user, 'Microsoft.Authorization/roleAssignments/write', scope);
    }
    const properties = ((c.body as Json).properties ?? {}) as Json;
    const role = builtInRoleOf(String(properties.roleDefinitionId));
    if (!role) return armError(400, 'RoleDefinitionDoesNotExist', 'The specified role definition does not exist.');
    const principalId = String(properties.principalId);
    const principal = this.world.user(principalId);
    if (!principal || principal.tenantId !== subscription.tenantId) {
      return armError(400, 'PrincipalNotFound', `Principal ${principalId.replace(/-/g, '')} does not exist in the directory ${subscription.tenantId}.`);
    }
    if (this.world.assignments.some((a) => a.subscriptionId === subscription.id && a.principalId === principalId && a.role === role)) {
      return armError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
    }
    const assignment: EmulatedAssignment = { name: c.params.roleAssignmentName ?? guidFrom(principalId), subscriptionId: subscription.id, principalId, role, scope };
    this.world.assignments.push(assignment);
    const body = exampleBody(EXAMPLES.createAssignment, '201');
    return { status: 201, body: fillAssignment(body, assignment) };
  }

  private deleteAssignment(c: Context): Reply {
    const id = this.subscriptionOfScope(c.params.scope ?? '');
    const subscription = id ? this.world.subscription(id) : undefined;
    if (!id || !subscription) return subscriptionNotFound(id ?? '');
    if (!this.world.rolesOn(subscription.id, c.user.id).some((r) => r === 'Owner' || r === 'User Access Administrator')) {
      return authorizationFailed(c.user, 'Microsoft.Authorization/roleAssignments/delete', `/subscriptions/${subscription.id}`);
    }
    const index = this.world.assignments.findIndex((a) => a.subscriptionId === subscription.id && a.name === c.params.roleAssignmentName);
    if (index < 0) return { status: 204 };
    const [removed] = this.world.assignments.splice(index, 1);
    return { status: 200, body: fillAssignment(exampleBody(EXAMPLES.deleteAssignment), removed as EmulatedAssignment) };
  }

  private profile(c: Context): Reply {
    if (c.params.id !== 'me') return devOpsError(404, 'ProfileNotFoundException', 'The emulator only knows the profile "me".');
    const body = exampleBody(EXAMPLES.profile);
    const vsid = vsidOf(c.user.id);
    return { status: 200, body: { ...body, displayName: c.user.displayName, publicAlias: vsid, emailAddress: c.user.email, id: vsid } };
  }

  private accounts(c: Context): Reply {
    const memberId = c.query.get('memberId');
    const ownerId = c.query.get('ownerId');
    const asked = memberId ?? ownerId;
    if (!asked) return devOpsError(400, 'InvalidArgumentValueException', 'One of the following parameters is required: ownerId, memberId.');
    if (asked !== vsidOf(c.user.id)) return devOpsError(403, 'UnauthorizedRequestException', 'You can only list your own organizations.');
    const organizations = this.world.organizations.filter((o) => (memberId ? this.world.isMember(c.user.id, o) : o.ownerId === c.user.id));
    const template = (exampleBody(EXAMPLES.accounts).value as Json[])[0] as Json;
    const value = organizations.map((o) => ({ ...template, accountId: o.id, accountName: o.name, accountUri: `https://vssps.dev.azure.com/${o.name}/` }));
    return { status: 200, body: { count: value.length, value } };
  }

  private organizationFor(c: Context): Organization | Reply {
    const organization = this.world.organizationByName(c.params.organization ?? '');
    if (!organization) return devOpsError(404, 'AccountNotFoundException', `The organization ${c.params.organization ?? ''} does not exist.`);
    if (!this.world.isMember(c.user.id, organization)) return devOpsError(401, 'UnauthorizedRequestException', `TF400813: The user '${c.user.id}' is not authorized to access this resource.`);
    return organization;
  }

  /** Graph groups: the example's groups, renamed into this organization, then its Project Collection Administrators. */
  private groups(c: Context): Reply {
    const organization = this.organizationFor(c);
    if (!isOrganization(organization)) return organization;
    const examples = (exampleBody(EXAMPLES.groups).value as Json[]).filter((g) => !String(g.principalName).endsWith('\\Project Collection Administrators'));
    const administrators = (exampleBody(EXAMPLES.groups).value as Json[]).find((g) => String(g.principalName).endsWith('\\Project Collection Administrators')) as Json;
    const renamed = examples.map((g) => ({ ...g, principalName: String(g.principalName).replace(/^\[Fabrikam\]/, `[${organization.name}]`) }));
    const all = [...renamed, { ...administrators, principalName: `[${organization.name}]\\Project Collection Administrators`, descriptor: administratorsGroupDescriptorOf(organization.id) }];
    const start = Number(c.query.get('continuationToken') ?? '0');
    const value = all.slice(start, start + this.pageSize * 3);
    const headers: Record<string, string> = { 'x-vss-resourcetenant': organization.tenantId };
    if (start + value.length < all.length) headers['x-ms-continuationtoken'] = String(start + value.length);
    return { status: 200, body: { count: value.length, value }, headers };
  }

  private memberships(c: Context): Reply {
    const organization = this.organizationFor(c);
    if (!isOrganization(organization)) return organization;
    const descriptor = c.params.subjectDescriptor ?? '';
    const nested = this.world.devOpsGroups.get(descriptor);
    if (c.query.get('direction')?.toLowerCase() !== 'down' || (descriptor !== administratorsGroupDescriptorOf(organization.id) && !nested)) {
      return devOpsError(400, 'InvalidArgumentValueException', 'The emulator answers memberships of Project Collection Administrators and the groups inside it, direction Down, only.');
    }
    const template = (exampleBody(EXAMPLES.memberships).value as Json[])[0] as Json;
    const members = nested
      ? [...nested.userIds.map(userDescriptorOf), ...nested.groupDescriptors]
      : [...this.world.administratorsOf(organization).map(userDescriptorOf), ...(this.world.nestedInAdministrators.get(organization.id) ?? [])];
    const value = members.map((memberDescriptor) => ({ ...template, containerDescriptor: descriptor, memberDescriptor }));
    return { status: 200, body: { count: value.length, value } };
  }

  private lookup(c: Context): Reply {
    const organization = this.organizationFor(c);
    if (!isOrganization(organization)) return organization;
    const examples = exampleBody(EXAMPLES.lookup).value as Json;
    const userTemplate = Object.values(examples).map((v) => v as Json).find((s) => s.subjectKind === 'user') as Json;
    const groupTemplate = Object.values(examples).map((v) => v as Json).find((s) => s.subjectKind === 'group') as Json;
    const keys = ((c.body as Json).lookupKeys ?? []) as Json[];
    const value: Json = {};
    for (const key of keys) {
      const descriptor = String(key.descriptor);
      const group = this.world.devOpsGroups.get(descriptor);
      if (group) {
        value[descriptor] = { ...groupTemplate, displayName: group.displayName, principalName: `[${organization.name}]\\${group.displayName}`, descriptor };
        continue;
      }
      const user = this.world.users.find((u) => userDescriptorOf(u.id) === descriptor);
      if (!user) continue;
      value[descriptor] = { ...userTemplate, displayName: user.displayName, mailAddress: user.email, principalName: user.email, originId: user.id, origin: 'aad', domain: user.tenantId, descriptor };
    }
    return { status: 200, body: { count: Object.keys(value).length, value } };
  }

  private entitlements(c: Context): Reply {
    const organization = this.organizationFor(c);
    if (!isOrganization(organization)) return organization;
    return listEntitlements(this.world, organization, c.query.get('continuationToken'), this.pageSize);
  }

  private patchEntitlement(c: Context): Reply {
    const organization = this.organizationFor(c);
    if (!isOrganization(organization)) return organization;
    return patchEntitlement(this.world, organization, c.user, c.params.userId ?? '', c.body, c.contentType);
  }

  private organizationById(c: Context): Organization | Reply {
    const organization = this.world.organizationById(c.params.organizationId ?? '');
    if (!organization) return devOpsError(404, 'AccountNotFoundException', 'The organization does not exist.');
    if (!this.world.isMember(c.user.id, organization)) return devOpsError(401, 'UnauthorizedRequestException', `TF400813: The user '${c.user.id}' is not authorized to access this resource.`);
    return organization;
  }

  private billingSetup(c: Context): Reply {
    const organization = this.organizationById(c);
    if (!isOrganization(organization)) return organization;
    const link = this.world.billing.get(organization.id);
    const body = recordedBody(EXAMPLES.billingSetup);
    if (!link) return { status: 200, body: { ...body, subscriptionId: null, updatedBy: null, updatedDateTime: null } };
    return { status: 200, body: { ...body, subscriptionId: link.subscriptionId, updatedBy: link.updatedBy, updatedDateTime: `/Date(${link.updatedAt.getTime()})/` } };
  }

  private setBilling(c: Context): Reply {
    const organization = this.organizationById(c);
    if (!isOrganization(organization)) return organization;
    const { subscriptionId, subscriptionTenantId } = c.body as { subscriptionId: string; subscriptionTenantId: string };
    const subscription = this.world.subscription(subscriptionId);
    if (!this.world.isAdministrator(c.user.id, organization)) return devOpsError(403, 'AccessCheckException', 'Only project collection administrators can set up billing.');
    if (!subscription || !this.world.rolesOn(subscription.id, c.user.id).some((r) => r === 'Owner' || r === 'Contributor')) {
      return devOpsError(403, 'AccessCheckException', 'You need Owner or Contributor on the subscription.');
    }
    if (subscription.tenantId !== subscriptionTenantId || subscription.tenantId !== organization.tenantId) {
      return devOpsError(400, 'InvalidArgumentValueException', 'The subscription must belong to the organization\'s tenant.');
    }
    this.world.billing.set(organization.id, { subscriptionId: subscription.id, updatedBy: vsidOf(c.user.id), updatedAt: new Date() });
    return { status: 200 };
  }

  private removeBilling(c: Context): Reply {
    const organization = this.organizationById(c);
    if (!isOrganization(organization)) return organization;
    if (!this.world.isAdministrator(c.user.id, organization)) return devOpsError(403, 'AccessCheckException', 'Only project collection administrators can remove billing.');
    this.world.billing.delete(organization.id);
    return { status: 204 };
  }
}

function pathOf(c: Context): string {
  return c.operation.template.replace(/\{([^}]+)\}/g, (_m, name: string) => c.params[name] ?? '');
}

function isOrganization(value: Organization | Reply): value is Organization {
  return 'projectCollectionAdministrators' in value;
}

function tenantJson(tenant: { id: string; displayName: string }): Json {
  const template = (exampleBody(EXAMPLES.tenants).value as Json[])[1] as Json;
  return { ...template, id: `/tenants/${tenant.id}`, tenantId: tenant.id, displayName: tenant.displayName, tenantCategory: 'Home' };
}

function subscriptionJson(id: string, world: EmulatedWorld, example: string = EXAMPLES.subscriptions): Json {
  const subscription = world.subscription(id);
  if (!subscription) throw new Error(`Unknown subscription ${id}`);
  const body = exampleBody(example);
  const template = (Array.isArray(body.value) ? (body.value as Json[])[0] : body) as Json;
  return {
    ...template,
    id: `/subscriptions/${subscription.id}`,
    subscriptionId: subscription.id,
    tenantId: subscription.tenantId,
    displayName: subscription.displayName,
    state: subscription.state,
    subscriptionPolicies: { ...(template.subscriptionPolicies as Json), quotaId: subscription.quotaId, spendingLimit: subscription.spendingLimit },
  };
}

function assignmentJson(assignment: EmulatedAssignment): Json {
  const template = (exampleBody(EXAMPLES.assignments).value as Json[])[0] as Json;
  return fillAssignment(structuredClone(template), assignment);
}

function fillAssignment(template: Json, assignment: EmulatedAssignment): Json {
  return {
    ...template,
    properties: {
      ...(template.properties as Json),
      roleDefinitionId: assignment.customRoleId
        ? `/subscriptions/${assignment.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${assignment.customRoleId}`
        : `/providers/Microsoft.Authorization/roleDefinitions/${roleIdOf(assignment.role)}`,
      principalId: assignment.principalId,
      principalType: assignment.principalType ?? 'User',
      scope: assignment.scope,
    },
    id: `${assignment.scope}/providers/Microsoft.Authorization/roleAssignments/${assignment.name}`,
    name: assignment.name,
  };
}

export function armError(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return { status, body: { error: { code, message } }, ...(headers ? { headers } : {}) };
}

export function devOpsError(status: number, typeKey: string, message: string): Reply {
  return { status, body: { $id: '1', innerException: null, message, typeName: `Microsoft.VisualStudio.Services.${typeKey}, Microsoft.VisualStudio.Services.WebApi`, typeKey, errorCode: 0, eventId: 3000 } };
}

function subscriptionNotFound(id: string): Reply {
  return armError(404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`);
}

function authorizationFailed(user: DirectoryUser, action: string, scope: string): Reply {
  return armError(403, 'AuthorizationFailed', `The client '${user.email}' with object id '${user.id}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
}

function unauthorized(service: ServiceName): Reply {
  return service === 'arm'
    ? armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.')
    : devOpsError(401, 'UnauthorizedRequestException', 'TF400813: The user is not authorized to access this resource.');
}

/** The page Azure DevOps sends instead of JSON when it does not accept a token. */
export const DEVOPS_SIGN_IN_PAGE: Reply = {
  status: 203,
  raw: {
    contentType: 'text/html; charset=utf-8',
    text: '<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head><body><form id="signin">Sign In</form></body></html>',
  },
};

export function wrongTenant(tenantId: string): Reply {
  return {
    status: 401,
    headers: { 'www-authenticate': `Bearer authorization_uri="https://login.windows.net/${tenantId}", error="invalid_token", error_description="The access token is from the wrong issuer."` },
    body: {
      error: {
        code: 'InvalidAuthenticationTokenTenant',
        message: `The access token is from the wrong issuer 'https://sts.windows.net/00000000-0000-0000-0000-000000000009/'. It must match the tenant 'https://sts.windows.net/${tenantId}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${tenantId}' to get the token.`,
      },
    },
  };
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let text = '';
  if (reply.raw) {
    headers['content-type'] = reply.raw.contentType;
    text = reply.raw.text;
  } else if (reply.body !== undefined) {
    headers['content-type'] = 'application/json; charset=utf-8';
    text = JSON.stringify(reply.body);
  }
  res.writeHead(reply.status, headers);
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

