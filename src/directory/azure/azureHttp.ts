import {
  bearerTokenAuthenticationPolicyName,
  retryPolicy,
  type Pipeline,
  type PipelinePolicy,
  type PipelineResponse,
  type RestError,
  type RetryStrategy,
  type TlsSettings,
} from '@azure/core-rest-pipeline';
import type { AzureHttp } from '../../config';
import { concurrencyLimitPolicy, CONCURRENCY_LIMIT_POLICY_NAME, type ConcurrencyLimit } from './concurrencyLimit';

/** How the bot talks to Azure: timeouts, retries and, in tests only, which certificates to trust. */
export interface AzureHttpOptions extends AzureHttp {
  /**
   * Certificates (PEM) that these clients, and only these, trust instead of the system roots. Tests
   * use it for the loopback emulator's self-signed certificate; production leaves it unset, and TLS
   * verification is never turned off.
   */
  readonly trustedCertificates?: string;
  /** The first backoff after a failed attempt; each further one doubles, up to eight seconds. */
  readonly retryDelayMs?: number;
  /** Shared by the clients of one user's command: how many calls may be under way at once. */
  readonly limit?: ConcurrencyLimit;
}

const DEFAULT_RETRY_DELAY_MS = 800;
const MAX_BACKOFF_MS = 8_000;
/** Connection failures worth another attempt; anything else is reported at once. */
const TRANSIENT_NETWORK_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

export const AZURE_RETRY_POLICY_NAME = 'azureRetryPolicy';
export const AZURE_TIMEOUT_POLICY_NAME = 'azureTimeoutPolicy';

/** TLS settings for the pipeline: only when a test supplies its own certificates. */
export function tlsOptionsFor(options: AzureHttpOptions): TlsSettings | undefined {
  return options.trustedCertificates ? { ca: options.trustedCertificates } : undefined;
}

/**
 * Replaces the SDK's default retry policy with one that waits for Retry-After only as long as a user
 * in a chat can wait, retries 5xx and dropped connections with exponential backoff, and gives every
 * attempt a timeout.
 */
export function applyAzureHttpPolicies(pipeline: Pipeline, options: AzureHttpOptions): Pipeline {
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  pipeline.removePolicy({ name: AZURE_RETRY_POLICY_NAME });
  pipeline.removePolicy({ name: AZURE_TIMEOUT_POLICY_NAME });
  pipeline.addPolicy(timeoutPolicy(options.timeoutMs));
  pipeline.addPolicy(
    { ...retryPolicy([azureRetryStrategy(options)], { maxRetries: options.maxRetries }), name: AZURE_RETRY_POLICY_NAME },
    { phase: 'Retry' },
  );
  pipeline.removePolicy({ name: CONCURRENCY_LIMIT_POLICY_NAME });
  if (options.limit) pipeline.addPolicy(concurrencyLimitPolicy(options.limit), { afterPhase: 'Retry' });
  if (!pipeline.getOrderedPolicies().some((p) => p.name === bearerTokenAuthenticationPolicyName)) {
    throw new Error('An Azure pipeline must authenticate with the user\'s token; no bearer token policy is present.');
  }
  return pipeline;
}

function timeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: AZURE_TIMEOUT_POLICY_NAME,
    sendRequest: (request, next) => {
      if (!request.timeout) request.timeout = timeoutMs;
      return next(request);
    },
  };
}

export function azureRetryStrategy(options: AzureHttpOptions): RetryStrategy {
  const firstDelay = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  const backoff = (retryCount: number): number => {
    const exponential = Math.min(MAX_BACKOFF_MS, firstDelay * 2 ** retryCount);
    // Jitter spreads the retries of several users who hit the same outage.
    return Math.round(exponential * (0.8 + Math.random() * 0.4));
  };
  return {
    name: 'azureRetryStrategy',
    retry({ retryCount, response, responseError }) {
      if (!response) {
        return responseError && isTransientNetworkError(responseError) ? { retryAfterInMs: backoff(retryCount) } : { skipStrategy: true };
      }
      const status = response.status;
      const retryAfter = retryAfterMs(response);
      if ((status === 429 || status === 503) && retryAfter !== undefined) {
        // Waiting longer than a user in a chat can wait helps nobody: answer now, say when to retry.
        return retryAfter <= options.maxRetryAfterMs ? { retryAfterInMs: retryAfter } : { skipStrategy: true };
      }
      if (status === 429 || status === 408 || (status >= 500 && status !== 501 && status !== 505)) {
        return { retryAfterInMs: backoff(retryCount) };
      }
      return { skipStrategy: true };
    },
  };
}

function isTransientNetworkError(error: RestError): boolean {
  return typeof error.code === 'string' && TRANSIENT_NETWORK_ERRORS.has(error.code);
}

const COST_MANAGEMENT_RETRY_HEADERS = [
  'x-ms-ratelimit-microsoft.costmanagement-entity-retry-after',
  'x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after',
  'x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after',
  'x-ms-ratelimit-microsoft.consumption-retry-after',
];

/** Retry-After in milliseconds: the millisecond headers Azure sends, or the standard one in seconds or as a date. */
export function retryAfterMs(response: PipelineResponse): number | undefined {
  for (const header of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(response.headers.get(header));
    if (response.headers.get(header) !== undefined && Number.isFinite(value) && value >= 0) return value;
  }
  // Cost Management throttles per entity and per tenant, and names the wait in its own headers (seconds).
  const standard = response.headers.get('retry-after') ?? COST_MANAGEMENT_RETRY_HEADERS.map((h) => response.headers.get(h)).find((v) => v !== undefined);
  if (standard === undefined || standard.trim() === '') return undefined;
  const seconds = Number(standard);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(standard);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}
