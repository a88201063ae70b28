import type { Activity } from 'botbuilder';

interface TokenResponse {
  readonly channelId?: string;
  readonly connectionName: string;
  readonly token: string;
  readonly expiration: string;
}

/**
 * The Bot Framework token service as teams-ai and OAuthPrompt use it (the UserTokenClient they find
 * in the turn state), in memory: a user "signs in" on the sign-in page by `completeSignIn`, which
 * gives the magic code Teams then sends to the bot. Keys are the Teams user id and connection name.
 */
export class FakeTokenService {
  private readonly tokens = new Map<string, string>();
  private readonly pendingCodes = new Map<string, { key: string; token: string }>();
  private nextCode = 482913;
  readonly signedOut: string[] = [];
  /** Tokens given out to the bot, so tests can check that none leaked anywhere. */
  readonly issued: string[] = [];

  /** The user completes the sign-in page; returns the magic code Teams sends to the bot. */
  completeSignIn(teamsUserId: string, connectionName: string, token: string): string {
    const code = String(this.nextCode++);
    this.pendingCodes.set(code, { key: keyOf(teamsUserId, connectionName), token });
    return code;
  }

  /** The user signed in earlier: the token service has a token for them. */
  signedIn(teamsUserId: string, connectionName: string, token: string): void {
    this.tokens.set(keyOf(teamsUserId, connectionName), token);
  }

  async getUserToken(userId: string, connectionName: string, channelId: string, magicCode: string): Promise<TokenResponse | undefined> {
    const key = keyOf(userId, connectionName);
    const pending = magicCode ? this.pendingCodes.get(magicCode) : undefined;
    if (pending && pending.key === key) {
      this.pendingCodes.delete(magicCode);
      this.tokens.set(key, pending.token);
    }
    const token = this.tokens.get(key);
    if (!token) return undefined;
    this.issued.push(token);
    return { channelId, connectionName, token, expiration: new Date(Date.now() + 3600_000).toISOString() };
  }

  async getSignInResource(connectionName: string, _activity: Activity, _finalRedirect: string) {
    return {
      signInLink: `https://token.botframework.test/api/oauth/signin?connection=${encodeURIComponent(connectionName)}`,
      tokenExchangeResource: { id: 'exchange', uri: 'api://bot', providerId: 'aad' },
      tokenPostResource: { sasUrl: 'https://token.botframework.test/post' },
    };
  }

  async signOutUser(userId: string, connectionName: string, _channelId: string): Promise<void> {
    this.signedOut.push(connectionName);
    this.tokens.delete(keyOf(userId, connectionName));
  }

  async getTokenStatus(): Promise<never[]> {
    return [];
  }

  async getAadTokens(): Promise<Record<string, never>> {
    return {};
  }

  async exchangeToken(): Promise<undefined> {
    return undefined;
  }
}

function keyOf(userId: string, connectionName: string): string {
  return `${userId}|${connectionName}`;
}
