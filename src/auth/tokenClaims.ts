/** The few claims the bot reads from a user's access token. */
export interface TokenClaims {
  /** Microsoft Entra object id of the signed-in account (`oid`). */
  readonly objectId?: string;
  /** Microsoft Entra tenant that issued the token (`tid`). */
  readonly tenantId?: string;
  readonly expiresAt?: Date;
}

/**
 * Reads claims from a JWT access token without checking its signature. That is safe here because
 * the token is never trusted for anything the service it is meant for does not check itself: the
 * claims only tell the user early that they signed in with another account or tenant than the one
 * they use in Teams, and when the token stops working.
 */
export function readUnverifiedClaims(token: string): TokenClaims {
  const payload = token.split('.')[1];
  if (!payload) return {};
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return {};
  }
  if (typeof claims !== 'object' || claims === null) return {};
  const record = claims as Record<string, unknown>;
  const text = (name: string): string | undefined => (typeof record[name] === 'string' && record[name] !== '' ? (record[name] as string) : undefined);
  const exp = typeof record.exp === 'number' && Number.isFinite(record.exp) ? new Date(record.exp * 1000) : undefined;
  const objectId = text('oid');
  const tenantId = text('tid');
  return { ...(objectId ? { objectId } : {}), ...(tenantId ? { tenantId } : {}), ...(exp ? { expiresAt: exp } : {}) };
}
