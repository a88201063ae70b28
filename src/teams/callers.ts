import type { TurnContext } from 'botbuilder';
import type { Caller } from '../domain/caller';
import type { DirectoryFailure } from '../directory/directoryFailure';
import { callerOf } from './identity';
import type { BotTurnState } from './turnState';

/** Who is acting in this turn, or why the turn was answered without them. */
export type Resolution =
  | { readonly caller: Caller }
  /** No Microsoft Entra identity on the activity, or a sign-in was started and the user got a sign-in card. */
  | { readonly answered: 'no-identity' | 'signing-in' };

/**
 * Turns an activity into the Caller the billing service acts for. With the local directory that is
 * the Teams identity alone; with DIRECTORY=azure it also carries the user's own tokens, and a
 * missing token starts a sign-in instead.
 */
export interface CallerResolver {
  resolve(context: TurnContext, state: BotTurnState): Promise<Resolution>;
  /** Answers a failure that needs the user to sign in again; false when it is not such a failure. */
  signInAgain(context: TurnContext, state: BotTurnState, failure: DirectoryFailure): Promise<boolean>;
}

/** The Teams identity is all the local directory needs. */
export const teamsIdentityCallers: CallerResolver = {
  async resolve(context) {
    const caller = callerOf(context);
    return caller ? { caller } : { answered: 'no-identity' };
  },
  async signInAgain() {
    return false;
  },
};
