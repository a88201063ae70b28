import { StateUnavailableError } from '../../domain/ports/store';

/** The HTTP status the Table service answered with, when it answered at all. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Another writer got there first: a create found the row (409), an If-Match update found another
 * ETag (412), or a delete or update found the row gone (404). The transaction runs again on fresh data.
 */
export function isConcurrencyConflict(error: unknown): boolean {
  const status = statusOf(error);
  return status === 409 || status === 412 || status === 404;
}

/** Any other failure: the service is down, unreachable, or refused the request. */
export function unavailable(where: string, error: unknown): StateUnavailableError {
  return error instanceof StateUnavailableError ? error : new StateUnavailableError(where, error);
}

/** Thrown inside a session when a commit lost a race; caught by the store, which retries. */
export class ConcurrencyConflict extends Error {
  constructor(override readonly cause: unknown) {
    super('Another instance changed the same records first.');
    this.name = 'ConcurrencyConflict';
  }
}
