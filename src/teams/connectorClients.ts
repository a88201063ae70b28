import {
  AuthenticationConstants,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
} from 'botframework-connector';
import { KeptPromises } from './keptPromises';

/** Clients kept at most: Teams sends from a handful of regional service URLs, so this is never reached in use. */
const MAX_CLIENTS = 64;

/**
 * The Bot Connector clients that turns reply through, kept from one turn to the next. botbuilder
 * builds a new client for every turn (a pipeline of a dozen policies, its serializer and service
 * context: about a twentieth of a message turn's CPU), though it is the same for every turn of the
 * same bot, to the same service URL, for the same audience. A client holds nothing of a turn: its
 * credentials fetch and cache the tokens, each request is signed as it is sent.
 */
export class ConnectorClients {
  private readonly clients = new KeptPromises<ConnectorClient>(MAX_CLIENTS);

  /** The turn's authentication, with a connector factory that reuses the client made before for the same bot, service URL and audience. */
  reusing(identity: AuthenticateRequestResult): AuthenticateRequestResult {
    const made = identity.connectorFactory;
    if (!made) return identity;
    return { ...identity, connectorFactory: this.factory(made, identity.claimsIdentity) };
  }

  /** A connector factory that reuses the client made before for the same bot (whose claims sign), service URL and audience. */
  factory(made: ConnectorFactory, claims: ClaimsIdentity): ConnectorFactory {
    return new ReusingFactory(made, botOf(claims), this.clients);
  }
}

class ReusingFactory extends ConnectorFactory {
  constructor(
    private readonly made: ConnectorFactory,
    /** Whom the factory signs for: botbuilder's factory takes its app id from these claims. */
    private readonly bot: string,
    private readonly clients: KeptPromises<ConnectorClient>,
  ) {
    super();
  }

  override create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return this.clients.get(JSON.stringify([this.bot, serviceUrl, audience ?? null]), () => this.made.create(serviceUrl, audience));
  }
}

/** The claims botbuilder's connector and user-token factories pick the bot's app id from (audience, else app id). */
export function botOf(claims: ClaimsIdentity): string {
  return JSON.stringify([claims.getClaimValue(AuthenticationConstants.AudienceClaim), claims.getClaimValue(AuthenticationConstants.AppIdClaim)]);
}
