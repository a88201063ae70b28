import { isRestError } from '@azure/core-rest-pipeline';
import type { TokenAudience } from '../../domain/credentials';
import { DirectoryFailure } from '../directoryFailure';
import { retryAfterMs } from './azureHttp';

export const RESOURCE_MANAGER = 'Azure Resource Manager';
export const AZURE_DEVOPS = 'Azure DevOps';
export const MICROSOFT_GRAPH = 'Microsoft Graph';
export const COST_MANAGEMENT = 'Azure Cost Management';

/** What the bot was doing when a call failed, in words a user reads after "Azure refused to ...". */
export interface AzureAction {
  /** "list your subscriptions", "read the role assignments of subscription 1234" */
  readonly doing: string;
  /** What the user can do about a 403 on this action. */
  readonly whenDenied: string;
  /** What a 404 means for this action; without it a 404 is unexpected. */
  readonly whenNotFound?: string;
}

interface ServiceCall {
  readonly service: typeof RESOURCE_MANAGER | typeof AZURE_DEVOPS | typeof MICROSOFT_GRAPH | typeof COST_MANAGEMENT;
  readonly audience: TokenAudience;
  readonly action: AzureAction;
  readonly timeoutMs: number;
  readonly maxRetries: number;
}

/** The answer when the user has no token for `audience` yet: sign in first. */
export function signInFirst(audience: TokenAudience, serviceName: string): DirectoryFailure {
  return new DirectoryFailure('sign-in-required', `Sign in to ${serviceName} first, so that I can act with your own permissions.`, { service: serviceName, signIn: audience });
}

/**
 * Turns whatever a call to Azure threw into a DirectoryFailure whose message tells the user what
 * happened and what to do. A DirectoryFailure thrown deeper passes through unchanged.
 */
export function azureFailure(error: unknown, call: ServiceCall): DirectoryFailure {
  if (error instanceof DirectoryFailure) return error;
  if (isAbort(error)) {
    return new DirectoryFailure('timeout', `${call.service} did not answer within ${seconds(call.timeoutMs)} while I tried to ${call.action.doing}. Try again in a minute.`, { service: call.service });
  }
  if (!isRestError(error)) {
    return new DirectoryFailure('unavailable', `I could not ${call.action.doing}: ${call.service} could not be reached. Try again in a few minutes; if it keeps failing, tell whoever runs this bot.`, { service: call.service });
  }
  const status = error.statusCode;
  if (status === undefined) {
    const reason = error.code ? ` (${error.code})` : '';
    return new DirectoryFailure('unavailable', `I could not reach ${call.service}${reason} to ${call.action.doing}. Try again in a few minutes; if it keeps failing, tell whoever runs this bot.`, { service: call.service });
  }
  const serviceCode = serviceCodeOf(error);
  return failureForStatus(call, status, serviceCode, error.response ? retryAfterMs(error.response) : undefined);
}

/** The failure for an HTTP answer the caller could not use. */
export function failureForStatus(call: ServiceCall, status: number, serviceCode: string | undefined, retryAfter?: number): DirectoryFailure {
  const details = { service: call.service, status, ...(serviceCode ? { serviceCode } : {}) };
  if (status === 401 && serviceCode === 'InvalidAuthenticationTokenTenant') {
    return new DirectoryFailure(
      'wrong-tenant',
      `${call.service} refused to ${call.action.doing} because the account you signed in with belongs to another Microsoft Entra tenant than that resource. Pick a subscription of your own tenant, or sign out and sign in with an account of the subscription's tenant.`,
      details,
    );
  }
  if (status === 401) {
    return new DirectoryFailure(
      'sign-in-required',
      `${call.service} no longer accepts your sign-in (it expired or was revoked), so I could not ${call.action.doing}. Sign in again, and I will continue.`,
      { ...details, signIn: call.audience },
    );
  }
  if (status === 403) {
    return new DirectoryFailure('access-denied', `${call.service} refused to let you ${call.action.doing}${serviceCode ? ` (${serviceCode})` : ''}. ${call.action.whenDenied}`, details);
  }
  if (status === 404 && call.action.whenNotFound) {
    return new DirectoryFailure('not-found', call.action.whenNotFound, details);
  }
  if (status === 429 || (status === 503 && retryAfter !== undefined)) {
    const wait = retryAfter !== undefined ? ` It asked to wait ${seconds(retryAfter)}.` : '';
    return new DirectoryFailure('throttled', `${call.service} is limiting requests right now, so I could not ${call.action.doing}.${wait} Try again in a minute.`, details);
  }
  if (status >= 500) {
    return new DirectoryFailure(
      'unavailable',
      `${call.service} failed (HTTP ${status}) ${call.maxRetries > 0 ? `${call.maxRetries + 1} times in a row ` : ''}while I tried to ${call.action.doing}. Try again in a few minutes.`,
      details,
    );
  }
  return new DirectoryFailure(
    'unexpected-response',
    `${call.service} answered HTTP ${status}${serviceCode ? ` (${serviceCode})` : ''} when I tried to ${call.action.doing}. Try again; if it keeps failing, tell whoever runs this bot.`,
    details,
  );
}

/** The service's error code: ARM's `error.code`, or Azure DevOps' `typeKey`. */
function serviceCodeOf(error: { code?: string; details?: unknown }): string | undefined {
  const details = error.details;
  if (details && typeof details === 'object') {
    const nested = (details as { error?: { code?: unknown } }).error?.code;
    if (typeof nested === 'string') return nested;
  }
  return error.code && !error.code.startsWith('REQUEST_SEND_ERROR') ? error.code : undefined;
}

function seconds(ms: number): string {
  const n = Math.max(1, Math.round(ms / 1000));
  return `${n} second${n === 1 ? '' : 's'}`;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
