import { TeamsAdapter } from '@microsoft/teams-ai';
import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import type { BotCredentials } from './config';

/**
 * The Bot Framework adapter. With credentials it authenticates every request as coming from Teams;
 * without them (local development, the Agents Playground) it accepts unauthenticated requests.
 */
export function createAdapter(credentials: BotCredentials | undefined): TeamsAdapter {
  const settings = credentials
    ? {
        MicrosoftAppId: credentials.appId,
        MicrosoftAppPassword: credentials.appPassword,
        MicrosoftAppType: credentials.appType,
        MicrosoftAppTenantId: credentials.tenantId,
      }
    : {};
  return new TeamsAdapter(settings, new ConfigurationServiceClientCredentialFactory(settings));
}
