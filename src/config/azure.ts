import { z } from 'zod';
import { ConfigError } from './configError';
import { mustBe, type Settings } from './settings';
import { DEFAULT_AZURE_ENDPOINTS, type AzureConfig, type BillingLinkWrites, type BotCredentials } from './types';

const TOKEN_EXCHANGE_URI: z.ZodType<string | undefined, string> = z
  .string()
  .regex(/^api:\/\/\S+$/, mustBe("the Application ID URI of the bot's app registration, starting with api://"));

/** DIRECTORY=azure: sign-in connections, service addresses and HTTP behaviour; it needs the bot's credentials. */
export function readAzure(settings: Settings, credentials: BotCredentials | undefined): AzureConfig {
  if (!credentials) {
    throw new ConfigError(
      'DIRECTORY is "azure", which signs users in through the Bot Framework token service and so needs the bot\'s MicrosoftAppId (with MicrosoftAppPassword, or with MicrosoftAppType=UserAssignedMSI and MicrosoftAppTenantId). Set them, or use DIRECTORY=local.',
    );
  }
  const required = (name: string, what: string): string => {
    const value = settings.text(name);
    if (value === undefined) throw new ConfigError(`DIRECTORY is "azure" but ${name} is not set. Set it to the name of ${what}.`);
    return value;
  };
  const tokenExchangeUri = settings.parsed('AZURE_SSO_TOKEN_EXCHANGE_URI', TOKEN_EXCHANGE_URI, undefined);
  const graphConnection = settings.text('AZURE_GRAPH_CONNECTION_NAME');
  return {
    signIn: {
      resourceManagerConnection: required('AZURE_ARM_CONNECTION_NAME', 'the OAuth connection (on the Azure Bot resource) for https://management.azure.com/user_impersonation'),
      devOpsConnection: required('AZURE_DEVOPS_CONNECTION_NAME', 'the OAuth connection (on the Azure Bot resource) for Azure DevOps, 499b84ac-1321-427f-aa17-267ca6975798/user_impersonation'),
      ...(graphConnection ? { graphConnection } : {}),
      tokenExchangeUri,
    },
    endpoints: {
      resourceManager: settings.httpsUrl('ARM_ENDPOINT', DEFAULT_AZURE_ENDPOINTS.resourceManager),
      devOpsProfile: settings.httpsUrl('AZURE_DEVOPS_PROFILE_ENDPOINT', DEFAULT_AZURE_ENDPOINTS.devOpsProfile),
      devOpsGraph: settings.httpsUrl('AZURE_DEVOPS_GRAPH_ENDPOINT', DEFAULT_AZURE_ENDPOINTS.devOpsGraph),
      devOpsCommerce: settings.httpsUrl('AZURE_DEVOPS_COMMERCE_ENDPOINT', DEFAULT_AZURE_ENDPOINTS.devOpsCommerce),
      devOpsWeb: settings.httpsUrl('AZURE_DEVOPS_WEB_ENDPOINT', DEFAULT_AZURE_ENDPOINTS.devOpsWeb),
      devOpsEntitlements: settings.httpsUrl('AZURE_DEVOPS_ENTITLEMENTS_ENDPOINT', DEFAULT_AZURE_ENDPOINTS.devOpsEntitlements),
      microsoftGraph: settings.httpsUrl('MICROSOFT_GRAPH_ENDPOINT', DEFAULT_AZURE_ENDPOINTS.microsoftGraph),
    },
    http: {
      timeoutMs: settings.wholeNumber('AZURE_REQUEST_TIMEOUT_SECONDS', 10, 1, 120) * 1000,
      maxRetries: settings.wholeNumber('AZURE_MAX_RETRIES', 3, 0, 10),
      maxRetryAfterMs: settings.wholeNumber('AZURE_MAX_RETRY_AFTER_SECONDS', 10, 0, 300) * 1000,
    },
    billingWrites: settings.oneOf<BillingLinkWrites>('AZURE_BILLING_WRITES', ['deep-link', 'api'], 'deep-link'),
  };
}
