import type { AccessLevelChange, OrganizationUsage } from '../domain/directory';
import type { DirectoryOverlay } from '../domain/model';

/**
 * Access levels the local directory set on the bot's behalf, kept with the role overlay (see
 * roleOverlay.ts): the directory file is the admin's and is never rewritten.
 */
export function recordAccessLevel(overlay: DirectoryOverlay, change: AccessLevelChange): void {
  const others = (overlay.accessLevels ?? []).filter((c) => c.organizationId !== change.organizationId || c.userId !== change.userId);
  overlay.accessLevels = [...others, { ...change }];
}

/** The file's usage of one organization with the access levels the bot set applied. */
export function effectiveUsage(fromFile: OrganizationUsage | undefined, overlay: Readonly<DirectoryOverlay>, organizationId: string): OrganizationUsage | undefined {
  const changes = (overlay.accessLevels ?? []).filter((c) => c.organizationId === organizationId);
  if (fromFile?.entitlements === undefined || changes.length === 0) return fromFile;
  const entitlements = fromFile.entitlements.map((entitlement) => {
    const change = changes.find((c) => c.userId === entitlement.userId);
    return change ? { ...entitlement, accessLevel: change.accessLevel, assignedBy: 'direct' as const, assigned: change.changedAt } : entitlement;
  });
  return { ...fromFile, entitlements };
}
