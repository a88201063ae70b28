import type { DirectoryFile, DirectoryUser, Organization, RoleAssignment, Subscription, Tenant } from '../../src/domain/directory';
import { STATE_SCHEMA_VERSION, emptyState, type BotState } from '../../src/store/state';
import type { AuditEntry, BillingLink, Flow, StoredConversationReference } from '../../src/domain/model';

/**
 * A synthetic world of any size, deterministic, shaped like the demo world: tenants of 1,000 users,
 * every user owning two organizations and sitting in about ten (owner, administrator or member), an
 * eligible pay-as-you-go subscription of their own, Contributor on a neighbour's, Reader on another,
 * and for one user in ten an extra free trial, so the pickers show ineligible entries too.
 */

export interface WorldShape {
  readonly organizations: number;
  /** Whether the state links billing for four organizations in five (every fifth stays unlinked). */
  readonly linked: boolean;
  /** Audit entries per linked organization: its set-up, then changes. */
  readonly auditPerLink: number;
  /** Conversation references in the state: one personal chat per user, the rest group chats. */
  readonly references: number;
}

const USERS_PER_TENANT = 1000;
/** Every organization whose index is a multiple of this is left unlinked. */
const UNLINKED_EVERY = 5;

export const BENCH_BOT_ID = 'bench-bot';
export const BENCH_CHANNEL = 'msteams';

/** One user as the load generator impersonates them. */
export interface BenchUser {
  readonly index: number;
  readonly aadObjectId: string;
  /** Teams' per-bot user id. */
  readonly channelUserId: string;
  readonly name: string;
  readonly tenantId: string;
  readonly conversationId: string;
  /** The organization this user owns and which is not linked: the one their set-up steps pick. */
  readonly organizationId: string;
  /** Their own eligible subscription. */
  readonly subscriptionId: string;
}

/** A flow ready for confirmation, and who may confirm it. */
export interface ConfirmableFlow {
  readonly flowId: string;
  readonly user: BenchUser;
  readonly kind: 'setup' | 'change';
  readonly organizationId: string;
  /** The subscription the flow links the organization to. */
  readonly subscriptionId: string;
}

export class World {
  readonly users: number;

  constructor(readonly shape: WorldShape) {
    this.users = Math.max(50, Math.floor(shape.organizations / 2));
  }

  tenantOf(user: number): number {
    return Math.floor(user / USERS_PER_TENANT);
  }

  /** The k-th neighbour of a user inside their tenant, so every relation stays within one tenant. */
  neighbour(user: number, k: number): number {
    const tenant = this.tenantOf(user);
    const first = tenant * USERS_PER_TENANT;
    const size = Math.min(USERS_PER_TENANT, this.users - first);
    return first + ((user - first + k) % size);
  }

  ownerOf(organization: number): number {
    return organization % this.users;
  }

  isLinked(organization: number): boolean {
    return this.shape.linked && organization % UNLINKED_EVERY !== 0;
  }

  benchUser(user: number): BenchUser {
    return {
      index: user,
      aadObjectId: userId(user),
      channelUserId: `29:bench-user-${user}`,
      name: `User ${user}`,
      tenantId: tenantId(this.tenantOf(user)),
      conversationId: personalConversationId(user),
      organizationId: organizationId(user),
      subscriptionId: subscriptionId(user),
    };
  }

  /** Users whose own first organization is unlinked: they can run every set-up step. */
  setupUsers(count: number): BenchUser[] {
    const users: BenchUser[] = [];
    for (let u = 0; u < this.users && users.length < count; u++) {
      if (!this.isLinked(u)) users.push(this.benchUser(u));
    }
    return users;
  }

  directory(): DirectoryFile {
    const tenants: Tenant[] = [];
    for (let t = 0; t <= this.tenantOf(this.users - 1); t++) tenants.push({ id: tenantId(t), displayName: `Tenant ${t}` });
    const users: DirectoryUser[] = [];
    const subscriptions: Subscription[] = [];
    const roleAssignments: RoleAssignment[] = [];
    for (let u = 0; u < this.users; u++) {
      const tenant = tenantId(this.tenantOf(u));
      users.push({ id: userId(u), displayName: `User ${u}`, email: `user${u}@tenant${this.tenantOf(u)}.example`, tenantId: tenant });
      subscriptions.push({ id: subscriptionId(u), displayName: `Pay-As-You-Go ${u}`, tenantId: tenant, state: 'Enabled', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' });
      roleAssignments.push({ subscriptionId: subscriptionId(u), principalId: userId(u), role: 'Owner' });
      roleAssignments.push({ subscriptionId: subscriptionId(this.neighbour(u, 1)), principalId: userId(u), role: 'Contributor' });
      roleAssignments.push({ subscriptionId: subscriptionId(this.neighbour(u, 2)), principalId: userId(u), role: 'Reader' });
      if (u % 10 === 0) {
        subscriptions.push({ id: trialSubscriptionId(u), displayName: `Free Trial ${u}`, tenantId: tenant, state: 'Enabled', quotaId: 'FreeTrial_2014-09-01', spendingLimit: 'On' });
        roleAssignments.push({ subscriptionId: trialSubscriptionId(u), principalId: userId(u), role: 'Owner' });
      }
    }
    const organizations: Organization[] = [];
    for (let o = 0; o < this.shape.organizations; o++) {
      const owner = this.ownerOf(o);
      const administrators = [userId(owner), userId(this.neighbour(owner, 1))];
      const members = [...administrators, ...[2, 3, 4].map((k) => userId(this.neighbour(owner, k)))];
      organizations.push({
        id: organizationId(o),
        name: `org-${o}`,
        tenantId: tenantId(this.tenantOf(owner)),
        ownerId: userId(owner),
        projectCollectionAdministrators: [...new Set(administrators)],
        members: [...new Set(members)],
      });
    }
    return { tenants, users, organizations, subscriptions, roleAssignments };
  }

  /**
   * The state: links and audit history for the linked organizations, conversation references, and
   * the open flows the load generator acts on.
   */
  state(serviceUrl: string, flows: readonly Flow[], at = new Date()): BotState {
    const links: Record<string, BillingLink> = {};
    const audit: AuditEntry[] = [];
    const day = 24 * 60 * 60 * 1000;
    for (let o = 0; o < this.shape.organizations; o++) {
      if (!this.isLinked(o)) continue;
      const owner = this.ownerOf(o);
      const first = subscriptionId(this.neighbour(owner, 1));
      const linkedAt = new Date(at.getTime() - 400 * day + (o % 300) * day).toISOString();
      const history = this.shape.auditPerLink;
      const changedAt = history > 1 ? new Date(Date.parse(linkedAt) + 30 * day).toISOString() : undefined;
      links[organizationId(o)] = {
        organizationId: organizationId(o),
        subscriptionId: history > 1 ? subscriptionId(owner) : first,
        linkedBy: userId(owner),
        linkedAt,
        ...(changedAt ? { changedBy: userId(owner), changedAt } : {}),
      };
      for (let h = 0; h < history; h++) {
        const from = h === 0 ? undefined : h % 2 === 1 ? first : subscriptionId(owner);
        const to = h === 0 ? first : h % 2 === 1 ? subscriptionId(owner) : first;
        audit.push({
          id: `audit-${o}-${h}`,
          at: new Date(Date.parse(linkedAt) + h * 30 * day).toISOString(),
          actorId: userId(owner),
          action: h === 0 ? 'billing.setup' : 'billing.change',
          organizationId: organizationId(o),
          ...(from ? { fromSubscriptionId: from } : {}),
          toSubscriptionId: to,
        });
      }
    }
    audit.sort((a, b) => a.at.localeCompare(b.at));

    const conversations: Record<string, StoredConversationReference> = {};
    const updatedAt = new Date(at.getTime() - day).toISOString();
    for (let r = 0; r < this.shape.references; r++) {
      const reference = r < this.users ? this.personalReference(r, serviceUrl, updatedAt) : this.groupReference(r, serviceUrl, updatedAt);
      conversations[reference.conversationId] = reference;
    }
    const byId: Record<string, Flow> = {};
    for (const flow of flows) byId[flow.id] = flow;
    return { ...emptyState(), schemaVersion: STATE_SCHEMA_VERSION, links, flows: byId, conversations, audit };
  }

  /** Exactly what ConversationReferences.remember() would store for this user's turns, so they write nothing. */
  personalReference(user: number, serviceUrl: string, updatedAt: string): StoredConversationReference {
    const u = this.benchUser(user);
    return {
      conversationId: u.conversationId,
      serviceUrl,
      channelId: BENCH_CHANNEL,
      botId: BENCH_BOT_ID,
      userId: u.channelUserId,
      aadObjectId: u.aadObjectId,
      tenantId: u.tenantId,
      conversationType: 'personal',
      updatedAt,
      welcomedAt: updatedAt,
    };
  }

  private groupReference(index: number, serviceUrl: string, updatedAt: string): StoredConversationReference {
    return {
      conversationId: `19:bench-group-${index}@thread.v2`,
      serviceUrl,
      channelId: BENCH_CHANNEL,
      botId: BENCH_BOT_ID,
      tenantId: tenantId(this.tenantOf(index % this.users)),
      conversationType: index % 2 === 0 ? 'groupChat' : 'channel',
      updatedAt,
    };
  }

  /** An open set-up flow that has not picked an organization yet (for the organization step). */
  openFlow(user: BenchUser, id: string, at: Date): Flow {
    return {
      id,
      kind: 'setup',
      ownerId: user.aadObjectId,
      tenantId: user.tenantId,
      conversationId: user.conversationId,
      createdAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + 12 * 60 * 60 * 1000).toISOString(),
      status: 'open',
    };
  }

  /**
   * Flows at their confirmation step, each on its own organization: set-ups of unlinked
   * organizations and changes of linked ones (to the owner's neighbour's subscription, on which the
   * owner is Contributor), alternating while both last.
   */
  confirmableFlows(count: number, at: Date): { flows: Flow[]; confirmable: ConfirmableFlow[] } {
    const setups: number[] = [];
    const changes: number[] = [];
    for (let o = 0; o < this.shape.organizations && setups.length + changes.length < count * 2; o++) {
      (this.isLinked(o) ? changes : setups).push(o);
    }
    const order: number[] = [];
    while (order.length < count && (setups.length > 0 || changes.length > 0)) {
      const next = order.length % 2 === 0 ? setups.shift() ?? changes.shift() : changes.shift() ?? setups.shift();
      if (next !== undefined) order.push(next);
    }
    const flows: Flow[] = [];
    const confirmable: ConfirmableFlow[] = [];
    for (const o of order) {
      const owner = this.benchUser(this.ownerOf(o));
      const linked = this.isLinked(o);
      const id = `bench-confirm-${o}`;
      const current = this.shape.auditPerLink > 1 ? owner.subscriptionId : subscriptionId(this.neighbour(owner.index, 1));
      const to = linked && current === owner.subscriptionId ? subscriptionId(this.neighbour(owner.index, 1)) : owner.subscriptionId;
      const kind = linked ? 'change' : 'setup';
      flows.push({
        ...this.openFlow(owner, id, at),
        kind,
        organizationId: organizationId(o),
        subscriptionId: to,
        ...(linked ? { expectedSubscriptionId: current } : {}),
      });
      confirmable.push({ flowId: id, user: owner, kind, organizationId: organizationId(o), subscriptionId: to });
    }
    return { flows, confirmable };
  }

  /** How many flows confirmableFlows can make: one per organization. */
  get confirmableCapacity(): number {
    return this.shape.organizations;
  }
}

function hex12(n: number): string {
  return n.toString(16).padStart(12, '0');
}

export function tenantId(t: number): string {
  return `10000000-0000-4000-8000-${hex12(t)}`;
}

export function userId(u: number): string {
  return `00000000-0000-4000-8000-${hex12(u)}`;
}

export function subscriptionId(u: number): string {
  return `20000000-0000-4000-8000-${hex12(u)}`;
}

function trialSubscriptionId(u: number): string {
  return `30000000-0000-4000-8000-${hex12(u)}`;
}

export function organizationId(o: number): string {
  return `org-${o}`;
}

function personalConversationId(u: number): string {
  return `a:bench-personal-${u}`;
}
