import type { TokenAudience } from '../domain/credentials';
import { ReadFailure } from '../domain/ports/directory';

/**
 * Why a directory could not answer. The local file always answers; a remote directory can fail in
 * ways the user can act on, and each code has a message that says what to do.
 */
export type DirectoryFailureCode =
  /** The user must sign in (again) to the service named by `signIn`. */
  | 'sign-in-required'
  /** The token was issued by another Microsoft Entra tenant than the resource's. */
  | 'wrong-tenant'
  /** The user signed in to Azure with another account than the one they use in Teams. */
  | 'wrong-account'
  /** The service refused: the user lacks a role or permission. */
  | 'access-denied'
  | 'not-found'
  /** Azure asked the bot to slow down for longer than a user can wait. */
  | 'throttled'
  /** The service kept failing or could not be reached. */
  | 'unavailable'
  | 'timeout'
  /** Azure does not know the user being granted a role (yet). */
  | 'principal-not-found'
  /** The service answered something the bot does not understand. */
  | 'unexpected-response';

export interface DirectoryFailureDetails {
  /** The service that failed, as users know it ("Azure Resource Manager"). */
  readonly service: string;
  readonly status?: number;
  /** The service's own error code, such as AuthorizationFailed. */
  readonly serviceCode?: string;
  /** Set with 'sign-in-required': the sign-in that must be repeated. */
  readonly signIn?: TokenAudience;
}

/**
 * A directory question that could not be answered. `message` is for the user: a full sentence that
 * says what happened and what to do next. It never contains a token.
 */
export class DirectoryFailure extends ReadFailure {
  constructor(
    readonly code: DirectoryFailureCode,
    message: string,
    readonly details: DirectoryFailureDetails,
  ) {
    super(message);
    this.name = 'DirectoryFailure';
  }
}
