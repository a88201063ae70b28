import type { DelegatedTokens, TokenAudience } from '../domain/credentials';
import type { DirectoryPort } from '../domain/ports/directory';

/** Who is asking the directory, as Teams vouches for them, with the tokens they signed in with. */
export interface DirectoryRequester {
  /** Microsoft Entra object id, from Teams. */
  readonly userId: string;
  readonly tenantId: string | undefined;
  /** Present when the directory acts with the user's own rights (DIRECTORY=azure). */
  readonly tokens?: DelegatedTokens;
}

/**
 * Gives the directory to use for one request. A remote directory answers with the requester's own
 * rights, so it is built per request from their tokens; the local file is one directory for everyone.
 */
export interface DirectoryFactory {
  directoryFor(requester: DirectoryRequester): Promise<DirectoryPort>;
  /** The sign-ins a user needs before the directory can answer for them; empty for the local file. */
  readonly requiredSignIns: readonly TokenAudience[];
}

/** The same directory for every requester: the local file knows everything and needs no sign-in. */
export function sharedDirectory(directory: DirectoryPort): DirectoryFactory {
  return {
    directoryFor: async () => directory,
    requiredSignIns: [],
  };
}
