import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for the Bot Framework's token issuer: it publishes OpenID metadata and a key
 * set the way https://login.botframework.com does, and signs tokens the way the Bot Connector signs
 * the requests it forwards from Teams. The bot fetches the keys over real HTTP (plain http is what
 * its configuration allows for localhost), so nothing inside the bot is replaced.
 */

/** The issuer Teams' requests carry (AuthenticationConstants.ToBotFromChannelTokenIssuer). */
export const CHANNEL_ISSUER = 'https://api.botframework.com';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
}

export interface TokenOptions {
  /** Which key signs; its kid goes in the header unless `kid` says otherwise. */
  readonly key?: SigningKey;
  readonly kid?: string;
  readonly algorithm?: 'RS256' | 'none';
}

export interface ChannelClaims {
  readonly appId: string;
  readonly serviceUrl: string;
}

export class OpenIdIssuer {
  /** Published, endorsed for Teams: what real Teams traffic is signed with. */
  readonly teamsKey: SigningKey;
  /** Published, but endorsed only for Web Chat. */
  readonly webChatKey: SigningKey;
  /** Never published: a key the bot cannot know. */
  readonly strangerKey: SigningKey;
  metadataRequests = 0;

  private constructor(private readonly server: http.Server) {
    const [teams, teamsJwk] = newKey('teams-key', ['msteams']);
    const [webChat, webChatJwk] = newKey('webchat-key', ['webchat']);
    this.teamsKey = teams;
    this.webChatKey = webChat;
    this.strangerKey = newKey('stranger-key', [])[0];
    const keySet = JSON.stringify({ keys: [teamsJwk, webChatJwk] });
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.metadataRequests++;
      if (req.url === '/v1/.well-known/openidconfiguration') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ issuer: CHANNEL_ISSUER, jwks_uri: `${this.base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
      } else if (req.url === '/v1/.well-known/keys') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(keySet);
      } else {
        res.writeHead(404).end();
      }
    });
  }

  static async start(): Promise<OpenIdIssuer> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new OpenIdIssuer(server);
  }

  get metadataUrl(): string {
    return `${this.base}/v1/.well-known/openidconfiguration`;
  }

  /** The claims the Bot Connector puts in a request it forwards: valid from a minute ago for an hour. */
  channelClaims({ appId, serviceUrl }: ChannelClaims): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return { iss: CHANNEL_ISSUER, aud: appId, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + 3600 };
  }

  sign(claims: Record<string, unknown>, options: TokenOptions = {}): string {
    const key = options.key ?? this.teamsKey;
    const algorithm = options.algorithm ?? 'RS256';
    const header = { alg: algorithm, typ: 'JWT', kid: options.kid ?? key.kid };
    const input = `${base64url(header)}.${base64url(claims)}`;
    if (algorithm === 'none') return `${input}.`;
    return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
}

function newKey(kid: string, endorsements: string[]): [SigningKey, Record<string, unknown>] {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', endorsements };
  return [{ kid, privateKey }, jwk];
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
