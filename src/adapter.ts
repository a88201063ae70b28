import { TeamsAdapter } from '@microsoft/teams-ai';
import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import type { BotCredentials } from './config';

/**
 * The Bot Framework adapter. With credentials it authenticates every request as coming from Teams;
 * without them (local development, the Agents Playground) it accepts unauthenticated requests.
 */
export class BotAdapter extends TeamsAdapter {
  /**
   * An authenticated Bot Connector client for `serviceUrl`, made exactly as botbuilder makes one for
   * a proactive turn (continueConversationAsync, createConversationAsync), for the notification
   * sender, which needs the client itself to control retries.
   */
  async connectorFor(serviceUrl: string, botAppId: string): Promise<ConnectorClient> {
    const factory = this.botFrameworkAuthentication.createConnectorFactory(this.createClaimsIdentity(botAppId));
    return factory.create(serviceUrl);
  }
}

export function createAdapter(credentials: BotCredentials | undefined): BotAdapter {
  const settings = credentials
    ? {
        MicrosoftAppId: credentials.appId,
        MicrosoftAppPassword: credentials.appPassword,
        MicrosoftAppType: credentials.appType,
        MicrosoftAppTenantId: credentials.tenantId,
      }
    : {};
  return new BotAdapter(settings, new ConfigurationServiceClientCredentialFactory(settings));
}
