import type { DirectoryOverlay } from '../domain/model';
import type { Store } from '../domain/ports/store';
import type { RoleAssignment } from '../domain/directory';

/**
 * Where the local directory keeps the role assignments it made or took back. The directory file is
 * the admin's; the bot never rewrites it, and lays its own changes over it instead.
 */
export interface RoleOverlayLedger {
  read(): Promise<Readonly<DirectoryOverlay>>;
  change(apply: (overlay: DirectoryOverlay) => void): Promise<void>;
}

/** Kept in the bot's state file, so grants survive a restart like everything else the bot did. */
export function storedRoleOverlay(store: Store): RoleOverlayLedger {
  return {
    read: () => store.read((tx) => tx.directoryOverlay.get()),
    change: (apply) =>
      store.transaction(async (tx) => {
        const current = await tx.directoryOverlay.get();
        const next: DirectoryOverlay = {
          granted: [...current.granted],
          revoked: [...current.revoked],
          ...(current.accessLevels ? { accessLevels: [...current.accessLevels] } : {}),
        };
        apply(next);
        await tx.directoryOverlay.put(next);
      }),
  };
}

/** For tests and for a directory opened without a state store: forgotten on restart. */
export function memoryRoleOverlay(): RoleOverlayLedger {
  const overlay: DirectoryOverlay = { granted: [], revoked: [] };
  return {
    read: async () => overlay,
    change: async (apply) => apply(overlay),
  };
}

export function sameAssignment(a: RoleAssignment, b: RoleAssignment): boolean {
  return a.subscriptionId === b.subscriptionId && a.principalId === b.principalId && a.role === b.role;
}

export function recordGrant(overlay: DirectoryOverlay, assignment: RoleAssignment): void {
  overlay.revoked = overlay.revoked.filter((r) => !sameAssignment(r, assignment));
  if (!overlay.granted.some((g) => sameAssignment(g, assignment))) overlay.granted.push({ ...assignment });
}

export function recordRevocation(overlay: DirectoryOverlay, assignment: RoleAssignment): void {
  overlay.granted = overlay.granted.filter((g) => !sameAssignment(g, assignment));
  if (!overlay.revoked.some((r) => sameAssignment(r, assignment))) overlay.revoked.push({ ...assignment });
}

/** The file's assignments on one subscription with the overlay applied, in the file's order, granted last. */
export function effectiveAssignments(fromFile: readonly RoleAssignment[], overlay: Readonly<DirectoryOverlay>, subscriptionId: string): RoleAssignment[] {
  const kept = fromFile.filter((a) => !overlay.revoked.some((r) => sameAssignment(r, a)));
  const added = overlay.granted.filter((g) => g.subscriptionId === subscriptionId && !kept.some((k) => sameAssignment(k, g)));
  return [...kept, ...added];
}
