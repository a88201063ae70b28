import assert from 'node:assert/strict';
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { azureRetryStrategy, retryAfterMs } from '../../../../src/directory/azure/azureHttp';

function response(status: number, headers: Record<string, string> = {}): PipelineResponse {
  return { status, headers: createHttpHeaders(headers), request: createPipelineRequest({ url: 'https://management.azure.com/' }) };
}

describe('Azure retry rules', () => {
  const strategy = azureRetryStrategy({ timeoutMs: 1_000, maxRetries: 3, maxRetryAfterMs: 10_000, retryDelayMs: 100 });

  it('reads Retry-After in seconds, as a date, and the millisecond headers Azure prefers', () => {
    assert.equal(retryAfterMs(response(429, { 'retry-after': '7' })), 7_000);
    assert.equal(retryAfterMs(response(429, { 'x-ms-retry-after-ms': '250', 'retry-after': '7' })), 250);
    const inTwoSeconds = new Date(Date.now() + 2_000).toUTCString();
    const fromDate = retryAfterMs(response(503, { 'retry-after': inTwoSeconds })) ?? -1;
    assert.ok(fromDate > 0 && fromDate <= 2_000);
    assert.equal(retryAfterMs(response(429)), undefined);
  });

  const cases: { name: string; status: number; headers?: Record<string, string>; retries: boolean }[] = [
    { name: '429 with a short Retry-After', status: 429, headers: { 'retry-after': '3' }, retries: true },
    { name: '429 with a Retry-After longer than a user can wait', status: 429, headers: { 'retry-after': '60' }, retries: false },
    { name: '429 without Retry-After', status: 429, retries: true },
    { name: '500', status: 500, retries: true },
    { name: '503', status: 503, retries: true },
    { name: '501 Not Implemented', status: 501, retries: false },
    { name: '400', status: 400, retries: false },
    { name: '401', status: 401, retries: false },
    { name: '403', status: 403, retries: false },
    { name: '404', status: 404, retries: false },
    { name: '409', status: 409, retries: false },
  ];
  for (const { name, status, headers, retries } of cases) {
    it(`${retries ? 'retries' : 'does not retry'} ${name}`, () => {
      const decision = strategy.retry({ retryCount: 0, response: response(status, headers) });
      assert.equal(decision.retryAfterInMs !== undefined, retries);
    });
  }

  it('waits exactly as long as a short Retry-After says', () => {
    assert.equal(strategy.retry({ retryCount: 2, response: response(429, { 'retry-after': '3' }) }).retryAfterInMs, 3_000);
  });
});
