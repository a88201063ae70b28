import { bearerTokenAuthenticationPolicy, createPipelineFromOptions, type Pipeline, type PipelineOptions } from '@azure/core-rest-pipeline';
import { UserTokenCredential } from '../../auth/userTokenCredential';
import { applyAzureHttpPolicies, tlsOptionsFor, type AzureHttpOptions } from './azureHttp';

/**
 * The pipeline every hand-made Azure client uses: the signed-in user's token for `scope`, the bot's
 * user agent, the test-only trusted certificates, and the bot's own retries, timeouts and
 * concurrency limit (applyAzureHttpPolicies), so that no client calls a service another way.
 */
export function userPipeline(token: string, scope: string, http: AzureHttpOptions, options: Pick<PipelineOptions, 'redirectOptions'> = {}): Pipeline {
  const tlsOptions = tlsOptionsFor(http);
  const pipeline = createPipelineFromOptions({ userAgentOptions: { userAgentPrefix: 'devops-billing-bot' }, ...options, ...(tlsOptions ? { tlsOptions } : {}) });
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: new UserTokenCredential(token), scopes: scope }));
  return applyAzureHttpPolicies(pipeline, http);
}
