import { readFile, stat } from 'node:fs/promises';
import { peopleMatching } from './peopleSearch';
import path from 'node:path';
import { CheckedCopy } from './checkedCopy';
import { DirectoryFileError, parseDirectoryFile } from './directoryFile';
import { DirectoryIndex } from './directoryIndex';
import { memoryLookups, type DirectoryLookups } from './directoryLookups';
import { DirectoryChangeError, type DirectoryPort } from '../domain/ports/directory';
import { effectiveAssignments, memoryRoleOverlay, recordGrant, recordRevocation, type RoleOverlayLedger } from './roleOverlay';
import { effectiveUsage, recordAccessLevel } from './accessLevelOverlay';
import type { AccessLevelChange, DirectoryFile, DirectoryUser, Organization, OrganizationUsage, RoleAssignment, Subscription, Tenant } from '../domain/directory';

export interface LocalDirectoryOptions {
  /**
   * Told, once per bad version of the file, that a changed file could not be used and the last
   * good version stays in service. Without it such a change goes unreported.
   */
  readonly warn?: (message: string) => void;
  /**
   * Where the role assignments the bot grants and revokes are kept, laid over the file. Without it
   * they are kept in memory only.
   */
  readonly overlay?: RoleOverlayLedger;
  /**
   * How long an answer may come from the loaded version before the file is looked at again; an
   * edit is picked up at most this late. Default one second: a turn asks the directory a dozen
   * questions, and a stat for each was a measurable part of its cost.
   */
  readonly recheckAfterMs?: number;
  /** The clock, in milliseconds; tests replace it. */
  readonly now?: () => number;
  /**
   * Where to keep a copy of the directory as last checked (see CheckedCopy), so that a restart with
   * the same file skips the checks, and from which the directory answers on disk instead of holding
   * the file in memory. Without it every version is checked when it is read and held in memory.
   */
  readonly checkedCopy?: string;
}

export const DEFAULT_RECHECK_AFTER_MS = 1000;

/** What identifies one version of the file without reading it. */
type FileStamp = string;

interface LoadedVersion {
  readonly stamp: FileStamp;
  readonly index: DirectoryLookups;
  readonly loadedAt: Date;
}

/**
 * The directory read from a local JSON file (the embedded default). An admin may edit the file
 * while the bot runs: a question first compares the file's modification time and size with the
 * loaded version (one stat, no read; at most once per `recheckAfterMs`) and loads it again when they
 * differ. A changed file that cannot be used is reported through `warn` and the last good version
 * keeps answering, so a half-saved edit never takes the bot down.
 */
export class LocalDirectory implements DirectoryPort {
  private refreshing: Promise<void> | undefined;
  /** The stamp of the last version found unusable, so that it is reported only once. */
  private rejectedStamp: FileStamp | undefined;
  /** When the file was last looked at; undefined forces a look. */
  private checkedAt: number | undefined;

  private constructor(
    readonly file: string,
    private loaded: LoadedVersion,
    private readonly warn: (message: string) => void,
    private readonly overlay: RoleOverlayLedger,
    private readonly recheckAfterMs: number,
    private readonly now: () => number,
    private readonly copy: CheckedCopy | undefined,
  ) {
    this.checkedAt = now();
  }

  /**
   * Reads and validates the file.
   * @throws DirectoryFileError naming the file when it is missing, unreadable or invalid.
   */
  static async open(file: string, options: LocalDirectoryOptions = {}): Promise<LocalDirectory> {
    const absolute = path.resolve(file);
    const stamp = await stampOf(absolute).catch((error: unknown) => {
      throw unreadable(absolute, error);
    });
    const warn = options.warn ?? ignoreWarning;
    const copy = options.checkedCopy === undefined ? undefined : new CheckedCopy(path.resolve(options.checkedCopy));
    const loaded = await load(absolute, stamp, copy, warn);
    return new LocalDirectory(
      absolute,
      loaded,
      warn,
      options.overlay ?? memoryRoleOverlay(),
      options.recheckAfterMs ?? DEFAULT_RECHECK_AFTER_MS,
      options.now ?? Date.now,
      copy,
    );
  }

  async getUser(userId: string): Promise<DirectoryUser | undefined> {
    return (await this.current()).user(userId);
  }

  async getUsers(userIds: readonly string[]): Promise<DirectoryUser[]> {
    const index = await this.current();
    const users = await Promise.all(userIds.map((userId) => index.user(userId)));
    return users.filter((user): user is DirectoryUser => user !== undefined);
  }

  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    return (await this.current()).tenant(tenantId);
  }

  async organizationsOf(userId: string): Promise<Organization[]> {
    return [...(await (await this.current()).organizationsOf(userId))];
  }

  async getOrganization(organizationId: string): Promise<Organization | undefined> {
    return (await this.current()).organization(organizationId);
  }

  async subscriptionsVisibleTo(userId: string): Promise<Subscription[]> {
    const index = await this.current();
    const overlay = await this.overlay.read();
    const candidates = [...(await index.subscriptionsVisibleTo(userId))];
    for (const granted of overlay.granted) {
      if (granted.principalId !== userId || candidates.some((s) => s.id === granted.subscriptionId)) continue;
      const subscription = await index.subscription(granted.subscriptionId);
      if (subscription) candidates.push(subscription);
    }
    const assignments = await Promise.all(candidates.map((s) => index.roleAssignmentsOn(s.id)));
    return candidates.filter((s, i) => effectiveAssignments(assignments[i] ?? [], overlay, s.id).some((a) => a.principalId === userId));
  }

  async getSubscription(subscriptionId: string): Promise<Subscription | undefined> {
    return (await this.current()).subscription(subscriptionId);
  }

  async roleAssignmentsOn(subscriptionId: string): Promise<RoleAssignment[]> {
    const index = await this.current();
    return effectiveAssignments(await index.roleAssignmentsOn(subscriptionId), await this.overlay.read(), subscriptionId);
  }

  async searchUsersOfTenant(tenantId: string, text: string, max: number): Promise<DirectoryUser[]> {
    return peopleMatching(await this.usersOfTenant(tenantId), text, max);
  }

  async usersOfTenant(tenantId: string): Promise<DirectoryUser[]> {
    return [...(await (await this.current()).usersOfTenant(tenantId))];
  }

  /** Recorded in the overlay, not in the file: the file stays the admin's. */
  async grantRole(assignment: RoleAssignment): Promise<void> {
    await this.checkAssignable(assignment);
    await this.overlay.change((overlay) => recordGrant(overlay, assignment));
  }

  async revokeRole(assignment: RoleAssignment): Promise<void> {
    await this.checkAssignable(assignment);
    await this.overlay.change((overlay) => recordRevocation(overlay, assignment));
  }

  async usageOf(organizationId: string): Promise<OrganizationUsage | undefined> {
    const index = await this.current();
    return effectiveUsage(await index.usage(organizationId), await this.overlay.read(), organizationId);
  }

  /** Recorded in the overlay, like role assignments; only for a person the file lists in the organization. */
  async setAccessLevel(change: AccessLevelChange): Promise<void> {
    const index = await this.current();
    const organization = await index.organization(change.organizationId);
    if (!organization) {
      throw new DirectoryChangeError(`The organization ${change.organizationId} is not in the directory file ${this.file}, so no access level can be changed in it.`);
    }
    if (!(await index.usage(change.organizationId))?.entitlements?.some((e) => e.userId === change.userId)) {
      throw new DirectoryChangeError(`The directory file ${this.file} lists no access level for ${change.userId} in ${organization.name}, so it cannot be changed.`);
    }
    await this.overlay.change((overlay) => recordAccessLevel(overlay, change));
  }

  private async checkAssignable(assignment: RoleAssignment): Promise<void> {
    const index = await this.current();
    if (!(await index.subscription(assignment.subscriptionId))) {
      throw new DirectoryChangeError(`The subscription ${assignment.subscriptionId} is not in the directory file ${this.file}, so no role can be changed on it.`);
    }
    if (!(await index.user(assignment.principalId))) {
      throw new DirectoryChangeError(`The person ${assignment.principalId} is not in the directory file ${this.file}, so no role can be changed for them.`);
    }
  }

  private async current(): Promise<DirectoryLookups> {
    const now = this.now();
    if (this.refreshing === undefined && this.checkedAt !== undefined && now - this.checkedAt < this.recheckAfterMs) return this.loaded.index;
    // Questions that arrive while the file is being read wait for that one read.
    this.refreshing ??= this.refreshIfChanged().finally(() => {
      this.checkedAt = this.now();
      this.refreshing = undefined;
    });
    await this.refreshing;
    return this.loaded.index;
  }

  private async refreshIfChanged(): Promise<void> {
    let stamp: FileStamp;
    try {
      stamp = await stampOf(this.file);
    } catch (error) {
      this.reject('missing', unreadable(this.file, error));
      return;
    }
    if (stamp === this.loaded.stamp) {
      // The file is back to the version in service (say, an editor's swap file was renamed back).
      this.rejectedStamp = undefined;
      return;
    }
    if (stamp === this.rejectedStamp) return;
    try {
      this.loaded = await load(this.file, stamp, this.copy, this.warn);
      this.rejectedStamp = undefined;
    } catch (error) {
      if (!(error instanceof DirectoryFileError)) throw error;
      this.reject(stamp, error);
    }
  }

  private reject(stamp: FileStamp, error: DirectoryFileError): void {
    if (stamp === this.rejectedStamp) return;
    this.rejectedStamp = stamp;
    this.warn(
      `The directory file "${this.file}" changed but cannot be used, so the bot keeps answering from the version ` +
        `it loaded at ${this.loaded.loadedAt.toISOString()}. ${error.message}`,
    );
  }
}

/** Modification time in nanoseconds and size: a save almost always changes one of them. */
async function stampOf(file: string): Promise<FileStamp> {
  const stats = await stat(file, { bigint: true });
  if (!stats.isFile()) throw Object.assign(new Error(`"${file}" is not a file`), { code: 'ENOTFILE' });
  return `${stats.mtimeNs}:${stats.size}`;
}

/**
 * Reads the version identified by `stamp`. The stamp is taken before the read, so a save that lands
 * during the read makes the next stamp differ and that version is read too.
 */
async function load(file: string, stamp: FileStamp, copy: CheckedCopy | undefined, warn: (message: string) => void): Promise<LoadedVersion> {
  return { stamp, index: await lookupsOf(file, copy, warn), loadedAt: new Date() };
}

/**
 * The answers of the file as it is now: from the copy checked before when it is of the same bytes
 * (hashed a piece at a time, so that a restart never holds the file in memory), else checked now,
 * copied, and answered from the new copy. Without a copy, or when it cannot be written, from memory.
 */
async function lookupsOf(file: string, copy: CheckedCopy | undefined, warn: (message: string) => void): Promise<DirectoryLookups> {
  if (copy) {
    const source = await CheckedCopy.hashOfFile(file).catch((error: unknown) => {
      throw unreadable(file, error);
    });
    const saved = await copy.open(source);
    if (saved) return saved;
  }
  const { source, directory } = await checkVersion(file);
  if (!copy) return memoryLookups(new DirectoryIndex(directory));
  try {
    await copy.write(source, directory);
  } catch (error) {
    warn(`Could not save the checked copy of the directory file "${file}" at ${copy.file} (${error instanceof Error ? error.message : String(error)}); the next start checks the file again.`);
    return memoryLookups(new DirectoryIndex(directory));
  }
  return (await copy.open(source)) ?? memoryLookups(new DirectoryIndex(directory));
}

/**
 * The file as it is now, checked, and the hash of the very bytes checked (the file may have been
 * saved since it was hashed above). Neither the bytes nor the text outlive the check: at 100,000
 * organizations each is 100 MB of the first start's peak.
 */
async function checkVersion(file: string): Promise<{ readonly source: string; readonly directory: DirectoryFile }> {
  const { source, text } = await readVersion(file);
  return { source, directory: parseDirectoryFile(file, text) };
}

async function readVersion(file: string): Promise<{ readonly source: string; readonly text: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw unreadable(file, error);
  }
  return { source: CheckedCopy.hashOf(bytes), text: bytes.toString('utf8') };
}

function unreadable(file: string, error: unknown): DirectoryFileError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  if (code === 'ENOENT') {
    return new DirectoryFileError(
      file,
      [{ path: '', message: 'The file does not exist.' }],
      'Create it (demo/directory.json shows the format) or point the bot at an existing directory file.',
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new DirectoryFileError(
    file,
    [{ path: '', message: `The file cannot be read (${reason}).` }],
    'Check that the path names a file the bot is allowed to read.',
  );
}

function ignoreWarning(): void {}
