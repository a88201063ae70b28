import autocannon from 'autocannon';
import { percentile, round } from './stats';

/**
 * One measured run ("cell"): autocannon keeps `connections` requests in flight against one URL, each
 * request's body made fresh by `nextBody`, for `durationSec` or until `amount` requests were made.
 * Latencies are taken from every 2xx response at full precision (autocannon's own histogram rounds
 * to whole milliseconds, too coarse for a bare echo).
 */
export interface CellLoad {
  readonly url: string;
  readonly connections: number;
  readonly durationSec: number;
  /** Stop after this many requests (for requests that consume something, like a flow to confirm). */
  readonly amount?: number;
  readonly nextBody: () => string;
  /** For answers that come back in the HTTP response: false counts the answer as unexpected. */
  readonly answerIsExpected?: (body: string) => boolean;
}

export interface CellMeasurement {
  readonly requests: number;
  readonly durationSec: number;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  /** 2xx answers whose body was not the expected one (a refusal instead of the next card, say). */
  readonly unexpected: number;
}

export async function runCell(load: CellLoad): Promise<CellMeasurement> {
  const latencies: number[] = [];
  let unexpected = 0;
  const check = load.answerIsExpected;
  const options: autocannon.Options = {
    url: load.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // autocannon refuses more connections than requests.
    connections: load.amount !== undefined ? Math.min(load.connections, load.amount) : load.connections,
    duration: load.durationSec,
    ...(load.amount !== undefined ? { amount: load.amount } : {}),
    timeout: 30,
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: load.nextBody() }),
        ...(check
          ? {
              onResponse: (status: number, body: string) => {
                if (status >= 200 && status < 300 && !check(body)) unexpected++;
              },
            }
          : {}),
      },
    ],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, finished) => {
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(finished);
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  latencies.sort((a, b) => a - b);
  const durationSec = result.duration;
  return {
    requests: latencies.length,
    durationSec: round(durationSec),
    reqPerSec: round(latencies.length / durationSec),
    p50Ms: round(percentile(latencies, 50)),
    p90Ms: round(percentile(latencies, 90)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies[latencies.length - 1] ?? 0),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    unexpected,
  };
}
