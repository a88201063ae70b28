import type { ClaimsIdentity, UserTokenClient } from 'botframework-connector';
import { botOf } from './connectorClients';
import { KeptPromises } from './keptPromises';

/** Clients kept at most: one per bot the adapter answers for, so this is never reached in use. */
const MAX_CLIENTS = 16;

/**
 * The user-token clients (sign-in's way to the Bot Framework token service), kept from one turn to the
 * next. botbuilder builds one for every turn, with its own pipeline, though only sign-in uses it and it
 * depends on nothing but the bot's app id: its credentials, the token service URL and the client
 * options are the adapter's own. The client holds nothing of a turn; each call names the user.
 */
export class UserTokenClients {
  private readonly clients = new KeptPromises<UserTokenClient>(MAX_CLIENTS);

  constructor(private readonly build: (claims: ClaimsIdentity) => Promise<UserTokenClient>) {}

  /** The client for the bot whose claims these are, made on the first turn for that bot. */
  for(claims: ClaimsIdentity): Promise<UserTokenClient> {
    return this.clients.get(botOf(claims), () => this.build(claims));
  }
}
