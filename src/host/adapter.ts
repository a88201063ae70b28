import { CallerIdConstants, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import {
  AuthenticationConfiguration,
  AuthenticationConstants,
  ServiceClientCredentialsFactory,
  type ServiceClientCredentials,
} from 'botframework-connector';
import type { BotCredentials } from '../config';
import { BotAdapter } from '../teams/botAdapter';

export { BotAdapter };

/** What signs the bot's own calls to the Bot Connector (its replies). */
export type OutboundCredentials = ServiceClientCredentials;

export interface AdapterOptions {
  /**
   * Signs replies with these instead of tokens from Microsoft Entra. For tests, which cannot reach the
   * token service; inbound requests are authenticated exactly as without it.
   */
  readonly outboundCredentials?: OutboundCredentials;
}

/**
 * The Bot Framework adapter. With credentials it authenticates every request as coming from Teams;
 * without them (local development, the Agents Playground) it accepts unauthenticated requests.
 * botbuilder's configuration factory picks how the bot's own calls are signed from MicrosoftAppType:
 * a client secret (MultiTenant, SingleTenant) or the user-assigned managed identity whose client id
 * is MicrosoftAppId (UserAssignedMSI, tokens from the App Service identity endpoint).
 */
export function createAdapter(credentials: BotCredentials | undefined, options: AdapterOptions = {}): BotAdapter {
  const settings: Record<string, string> = credentials
    ? {
        MicrosoftAppId: credentials.appId,
        // A managed identity has no secret: botbuilder then asks the host's identity endpoint for tokens.
        ...(credentials.appType === 'UserAssignedMSI' ? {} : { MicrosoftAppPassword: credentials.appPassword }),
        MicrosoftAppType: credentials.appType,
        MicrosoftAppTenantId: credentials.tenantId,
        ...publicCloudEndpoints(credentials.openIdMetadataUrl),
      }
    : {};
  const configured = new ConfigurationServiceClientCredentialFactory(settings);
  const factory = options.outboundCredentials ? new FixedOutboundCredentials(configured, options.outboundCredentials) : configured;
  return new BotAdapter(settings, factory, new AuthenticationConfiguration(), credentials !== undefined);
}

/**
 * The public cloud's endpoints, spelled out: botbuilder uses its built-in defaults only while none
 * of them is set, so overriding one (the metadata URL) means stating them all.
 */
function publicCloudEndpoints(openIdMetadataUrl: string | undefined): Record<string, string> {
  return {
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
    ValidateAuthority: 'true',
  };
}

/** Checks app ids as configured, but signs outbound calls with the given credentials. */
class FixedOutboundCredentials extends ServiceClientCredentialsFactory {
  constructor(
    private readonly configured: ServiceClientCredentialsFactory,
    private readonly outbound: ServiceClientCredentials,
  ) {
    super();
  }

  override isValidAppId(appId: string): Promise<boolean> {
    return this.configured.isValidAppId(appId);
  }

  override isAuthenticationDisabled(): Promise<boolean> {
    return this.configured.isAuthenticationDisabled();
  }

  override async createCredentials(appId: string, audience: string | undefined, loginEndpoint: string, validateAuthority: boolean): Promise<ServiceClientCredentials> {
    if (await this.configured.isAuthenticationDisabled()) return this.configured.createCredentials(appId, audience, loginEndpoint, validateAuthority);
    if (!(await this.configured.isValidAppId(appId))) throw new Error(`Refusing to sign for app id ${appId}, which is not this bot's.`);
    return this.outbound;
  }
}
