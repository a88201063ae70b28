import { z } from 'zod';
import { ConfigError } from './configError';
import { mustBe, parsedUrl, type Settings } from './settings';
import type { AppType, BotCredentials } from './types';

const APP_TYPES: readonly AppType[] = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'];

/** The bot's own credentials, in the combinations botbuilder accepts; none for local development. */
export function readCredentials(settings: Settings): BotCredentials | undefined {
  const appId = settings.text('MicrosoftAppId');
  const appPassword = settings.text('MicrosoftAppPassword');
  const appType = settings.oneOf<AppType>('MicrosoftAppType', APP_TYPES, 'MultiTenant');
  const tenantId = settings.text('MicrosoftAppTenantId') ?? '';
  const openIdMetadataUrl = settings.parsed('BOT_OPENID_METADATA_URL', METADATA_URL, undefined);
  if (appId === undefined) {
    if (appPassword !== undefined) {
      throw new ConfigError('MicrosoftAppPassword is set but MicrosoftAppId is not. Set both, or neither for local development.');
    }
    if (settings.text('MicrosoftAppType') !== undefined || tenantId !== '') {
      throw new ConfigError(
        'MicrosoftAppType or MicrosoftAppTenantId is set but MicrosoftAppId is not, so the bot would accept unauthenticated requests. Set MicrosoftAppId (the app registration\'s or the managed identity\'s client id), or unset both for local development.',
      );
    }
    if (openIdMetadataUrl !== undefined) {
      throw new ConfigError('BOT_OPENID_METADATA_URL is set but MicrosoftAppId is not: without credentials no request is authenticated. Set the credentials, or remove BOT_OPENID_METADATA_URL.');
    }
    return undefined;
  }
  checkCredentialCombination(appType, appPassword !== undefined, tenantId !== '');
  return {
    appId,
    appPassword: appPassword ?? '',
    appType,
    tenantId,
    ...(openIdMetadataUrl !== undefined ? { openIdMetadataUrl } : {}),
  };
}

/**
 * The combinations botbuilder accepts. A managed identity has no secret: it gets its tokens from the
 * host (App Service), so a password beside it would be a leftover that is never used.
 */
function checkCredentialCombination(appType: AppType, hasPassword: boolean, hasTenant: boolean): void {
  if (appType === 'UserAssignedMSI') {
    if (hasPassword) {
      throw new ConfigError(
        'MicrosoftAppType is UserAssignedMSI, which signs in as the managed identity and takes no secret, but MicrosoftAppPassword is set. Remove MicrosoftAppPassword, or set MicrosoftAppType to SingleTenant or MultiTenant to use the secret.',
      );
    }
    if (!hasTenant) {
      throw new ConfigError('MicrosoftAppType is UserAssignedMSI, which needs MicrosoftAppTenantId (the Entra tenant id of the managed identity).');
    }
    return;
  }
  if (!hasPassword) {
    throw new ConfigError(
      `MicrosoftAppId is set but MicrosoftAppPassword is not. MicrosoftAppType ${appType} needs the app registration's client secret; for a managed identity without a secret set MicrosoftAppType=UserAssignedMSI.`,
    );
  }
  if (appType === 'SingleTenant' && !hasTenant) {
    throw new ConfigError('MicrosoftAppType is SingleTenant, which needs MicrosoftAppTenantId (the Entra tenant id of the app registration).');
  }
}

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The signing keys decide who may talk to the bot, so they must come over https; plain http is
 * accepted only from this machine, where a test serves its own keys.
 */
const METADATA_URL: z.ZodType<string | undefined, string> = z.string().superRefine((value, context) => {
  const url = parsedUrl(value);
  if (!url) {
    context.addIssue({ code: 'custom', message: ', which is not a URL. Give the full https address of the OpenID metadata document.' });
    return;
  }
  const loopback = url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname);
  if (url.protocol !== 'https:' && !loopback) context.addIssue({ code: 'custom', message: mustBe('an https address (plain http is accepted only for localhost)') });
});
