import type { DirectoryUser, Organization, OrganizationUsage, RoleAssignment, Subscription, Tenant } from '../domain/directory';
import type { DirectoryLookups } from './directoryLookups';
import { recordKey, type DirectoryRecord, type OrganizationRecord, type SubscriptionRecord, type TenantRecord, type UserRecord } from './directoryRecords';
import { RecordCache } from './recordCache';
import type { RecordFile } from './recordFile';
import type { RecordKeys } from './recordKeys';

const NONE: readonly never[] = Object.freeze([]);

/** What a stored record holds: its key, so that a record found through a shared hash can be told apart. */
export interface StoredRecord {
  readonly k: string;
  readonly v: DirectoryRecord;
}

/**
 * The answers of a checked copy (see CheckedCopy), read from disk as they are asked for: in memory
 * stay only where each record lies and the records used last.
 */
export class CopiedDirectory implements DirectoryLookups {
  private readonly cache: RecordCache<DirectoryRecord>;
  /** Reads under way by key: lookups that ask for a record already being read wait for that read instead of starting another. */
  private readonly reading = new Map<string, Promise<DirectoryRecord | undefined>>();

  constructor(
    private readonly file: RecordFile,
    private readonly keys: RecordKeys,
    cacheBytes: number,
  ) {
    this.cache = new RecordCache(cacheBytes);
  }

  async user(userId: string): Promise<DirectoryUser | undefined> {
    return (await this.userRecord(userId))?.user;
  }

  async tenant(tenantId: string): Promise<Tenant | undefined> {
    return (await this.tenantRecord(tenantId))?.tenant;
  }

  async organization(organizationId: string): Promise<Organization | undefined> {
    return (await this.organizationRecord(organizationId))?.organization;
  }

  async usage(organizationId: string): Promise<OrganizationUsage | undefined> {
    return (await this.organizationRecord(organizationId))?.usage;
  }

  async subscription(subscriptionId: string): Promise<Subscription | undefined> {
    return (await this.subscriptionRecord(subscriptionId))?.subscription;
  }

  async organizationsOf(userId: string): Promise<readonly Organization[]> {
    const ids = (await this.userRecord(userId))?.organizationIds ?? NONE;
    return present(await Promise.all(ids.map((id) => this.organization(id))));
  }

  async subscriptionsVisibleTo(userId: string): Promise<readonly Subscription[]> {
    const ids = (await this.userRecord(userId))?.subscriptionIds ?? NONE;
    return present(await Promise.all(ids.map((id) => this.subscription(id))));
  }

  async usersOfTenant(tenantId: string): Promise<readonly DirectoryUser[]> {
    return (await this.tenantRecord(tenantId))?.users ?? NONE;
  }

  async roleAssignmentsOn(subscriptionId: string): Promise<readonly RoleAssignment[]> {
    return (await this.subscriptionRecord(subscriptionId))?.assignments ?? NONE;
  }

  // Each kind of key is written with its kind of record (directoryRecords), and the copy is used
  // only when its hash holds, so the kind of a record found by its key is known.
  private userRecord(id: string): Promise<UserRecord | undefined> {
    return this.record(recordKey.user(id)) as Promise<UserRecord | undefined>;
  }

  private organizationRecord(id: string): Promise<OrganizationRecord | undefined> {
    return this.record(recordKey.organization(id)) as Promise<OrganizationRecord | undefined>;
  }

  private subscriptionRecord(id: string): Promise<SubscriptionRecord | undefined> {
    return this.record(recordKey.subscription(id)) as Promise<SubscriptionRecord | undefined>;
  }

  private tenantRecord(id: string): Promise<TenantRecord | undefined> {
    return this.record(recordKey.tenant(id)) as Promise<TenantRecord | undefined>;
  }

  private async record(key: string): Promise<DirectoryRecord | undefined> {
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const underWay = this.reading.get(key);
    if (underWay) return underWay;
    const read = this.read(key).finally(() => this.reading.delete(key));
    this.reading.set(key, read);
    return read;
  }

  private async read(key: string): Promise<DirectoryRecord | undefined> {
    for (const place of this.keys.candidates(key)) {
      const stored = JSON.parse((await this.file.readAt(place.offset, place.length)).toString('utf8')) as StoredRecord;
      if (stored.k !== key) continue;
      this.cache.set(key, stored.v, place.length);
      return stored.v;
    }
    return undefined;
  }
}

function present<T>(items: readonly (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}
