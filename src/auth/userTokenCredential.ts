import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { readUnverifiedClaims } from './tokenClaims';

/** How long a token without an `exp` claim is assumed to stay valid: one turn is far shorter. */
const ASSUMED_LIFETIME_MS = 5 * 60_000;

/**
 * A TokenCredential that hands the Azure SDK the signed-in user's delegated token, so every call is
 * made with that user's rights and no identity of the bot's own. The token was issued for one
 * resource; the scopes the SDK asks for name that same resource, so they need no exchange here.
 */
export class UserTokenCredential implements TokenCredential {
  readonly #token: string;
  readonly #expiresOnTimestamp: number;

  constructor(token: string, now: () => number = Date.now) {
    this.#token = token;
    this.#expiresOnTimestamp = readUnverifiedClaims(token).expiresAt?.getTime() ?? now() + ASSUMED_LIFETIME_MS;
  }

  async getToken(_scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    return { token: this.#token, expiresOnTimestamp: this.#expiresOnTimestamp };
  }
}
