import { TeamsAdapter } from './teamsAi';
import { ConnectorClients } from './connectorClients';
import { UserTokenClients } from './userTokenClients';
import { Channels, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import {
  AuthenticationError,
  EmulatorValidation,
  SkillValidation,
  type AuthenticateRequestResult,
  type AuthenticationConfiguration,
  type ConnectorClient,
  type ServiceClientCredentialsFactory,
} from 'botframework-connector';

/** Whether a request may reach the bot, and if not, the HTTP status and the reason to log. */
export type InboundVerdict =
  | { readonly ok: true; readonly identity: AuthenticateRequestResult }
  | { readonly ok: false; readonly status: 401 | 403 | 503; readonly reason: string };

/**
 * The Bot Framework adapter, split so that the HTTP server can authenticate a request before anything
 * else looks at it, and answer every refusal itself (the base adapter answers some invalid tokens
 * with a 500 and prints them to the console).
 */
export class BotAdapter extends TeamsAdapter {
  /** The clients turns reply through, kept across turns rather than built for each. */
  private readonly replyClients = new ConnectorClients();
  /**
   * The clients notifications are sent through, kept apart from the reply clients: the notification
   * sender takes the built-in retries out of its clients, and replies keep theirs.
   */
  private readonly sendClients = new ConnectorClients();

  constructor(
    settings: Record<string, string>,
    credentialsFactory: ServiceClientCredentialsFactory,
    authConfiguration: AuthenticationConfiguration,
    /** With credentials, only Teams may talk to the bot; without, everything is local development. */
    private readonly authenticating: boolean,
  ) {
    super(settings, credentialsFactory, authConfiguration);
    // The base adapter asks its authentication for a user-token client on every turn. The authentication
    // object is this adapter's own (TeamsAdapter builds it), so its method is wrapped in place to hand
    // out the client kept for the bot instead of a new one.
    const authentication = this.botFrameworkAuthentication;
    const tokenClients = new UserTokenClients(authentication.createUserTokenClient.bind(authentication));
    authentication.createUserTokenClient = (claims) => tokenClients.for(claims);
  }

  /**
   * Checks the request's bearer token against the channel's published signing keys, the bot's app id
   * (audience), the channel's issuer and the activity's serviceUrl. Without credentials every request
   * passes, anonymously.
   */
  async authenticate(activity: Partial<Activity>, authorization: string): Promise<InboundVerdict> {
    if (this.authenticating) {
      if (!/^Bearer [^ ]+$/.test(authorization)) return refused(401, 'The request carries no bearer token.');
      // Only the channel (Teams, through the Bot Connector) talks to this bot: tokens the Emulator or
      // another bot would send are refused before any key is fetched for them.
      if (EmulatorValidation.isTokenFromEmulator(authorization) || SkillValidation.isSkillToken(authorization)) {
        return refused(401, 'The token was not issued to a Bot Framework channel.');
      }
    }
    let identity: AuthenticateRequestResult;
    try {
      identity = await this.botFrameworkAuthentication.authenticateRequest(activity as Activity, authorization);
    } catch (error) {
      return verificationFailure(error);
    }
    if (this.authenticating && activity.channelId !== Channels.Msteams) {
      return refused(403, `Only Microsoft Teams may talk to this bot, not the channel ${JSON.stringify(activity.channelId ?? null).slice(0, 60)}.`);
    }
    return { ok: true, identity };
  }

  /**
   * An authenticated Bot Connector client for `serviceUrl`, made exactly as botbuilder makes one for
   * a proactive turn (continueConversationAsync, createConversationAsync), for the notification
   * sender, which needs the client itself to control retries. The client is kept for the next send
   * by the same bot to the same service URL.
   */
  async connectorFor(serviceUrl: string, botAppId: string): Promise<ConnectorClient> {
    const claims = this.createClaimsIdentity(botAppId);
    const factory = this.sendClients.factory(this.botFrameworkAuthentication.createConnectorFactory(claims), claims);
    return factory.create(serviceUrl);
  }

  /** Runs a turn for an activity whose request `authenticate` accepted; returns the invoke response, if any. */
  processAuthenticated(
    identity: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(this.replyClients.reusing(identity), withDates(activity), logic);
  }
}

function refused(status: 401 | 403 | 503, reason: string): InboundVerdict {
  return { ok: false, status, reason };
}

/**
 * Any failure to verify is a refusal. Only a failure to fetch the signing keys is ours rather than the
 * caller's: it answers 503, so that the Bot Connector retries instead of dropping the message.
 */
function verificationFailure(error: unknown): InboundVerdict {
  const message = error instanceof Error ? error.message : String(error);
  const keysUnavailable =
    (error instanceof AuthenticationError && error.statusCode >= 500) || (error instanceof Error && error.name === 'FetchError');
  if (keysUnavailable) return refused(503, `The signing keys could not be fetched: ${message}`);
  return refused(401, message);
}

/** What the base adapter does to a parsed body: timestamps arrive as text and handlers expect dates. */
function withDates(activity: Activity): Activity {
  const raw = activity as Activity & Record<string, unknown>;
  for (const [field, rawField] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
    ['expiration', 'rawExpiration'],
  ] as const) {
    const value = raw[field];
    if (typeof value === 'string') {
      raw[rawField] = value;
      raw[field] = new Date(value);
    }
  }
  return activity;
}
