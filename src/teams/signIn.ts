import { ActivityTypes, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { Application, AuthenticationOptions, OAuthSettings } from '@microsoft/teams-ai';
import { ALL_AUDIENCES, AUDIENCE_NAMES, DelegatedTokens, TOKEN_AUDIENCES, type TokenAudience } from '../domain/credentials';
import { noticeCard } from '../cards/infoCards';
import { signInCard } from '../cards/signInCard';
import type { AzureSignIn } from '../config';
import type { DirectoryFailure } from '../directory/directoryFailure';
import type { Logger } from '../logger';
import type { CallerResolver, Resolution } from './callers';
import { commandText } from './commandText';
import { commandFor, type CommandDeps } from './commands';
import { callerOf, NO_ENTRA_IDENTITY } from './identity';
import { signInFailureMessage } from './signInFailures';
import type { BotTurnState } from './turnState';

/** The teams-ai authentication setting for each service the bot signs users in to. */
export const SIGN_IN_SETTINGS: Readonly<Record<TokenAudience, string>> = {
  'azure-resource-manager': 'azureResourceManager',
  'azure-devops': 'azureDevOps',
  'microsoft-graph': 'microsoftGraph',
};

/** Sign-ins a user is asked for only when a command needs them: Microsoft Graph, for the people picker, when configured. */
export function optionalSignIns(signIn: AzureSignIn): TokenAudience[] {
  return signIn.graphConnection ? ['microsoft-graph'] : [];
}

/** The verb of the sign-in card's button; answered here, not in CARD_ACTIONS. */
export const CONTINUE_VERB = 'signin.continue';
const SIGN_OUT = /^(sign|log)[\s-]?out$/i;

/**
 * teams-ai authentication for the two Bot Framework OAuth connections. Sign-in is never automatic:
 * only commands and clicks that ask Azure need tokens, so the bot starts sign-in itself. With a
 * token exchange URI, Teams SSO signs the user in without a prompt where it can.
 */
export function authenticationOptions(signIn: AzureSignIn): AuthenticationOptions {
  const setting = (connectionName: string, title: string, text: string): OAuthSettings => ({
    connectionName,
    title,
    text,
    ...(signIn.tokenExchangeUri ? { enableSso: true, tokenExchangeUri: signIn.tokenExchangeUri } : {}),
  });
  return {
    settings: {
      [SIGN_IN_SETTINGS['azure-resource-manager']]: setting(
        signIn.resourceManagerConnection,
        'Sign in to Azure',
        'I read your subscriptions and roles in Azure with your own permissions.',
      ),
      [SIGN_IN_SETTINGS['azure-devops']]: setting(
        signIn.devOpsConnection,
        'Sign in to Azure DevOps',
        'I read your organizations and their billing in Azure DevOps with your own permissions.',
      ),
      ...(signIn.graphConnection
        ? {
            [SIGN_IN_SETTINGS['microsoft-graph']]: setting(
              signIn.graphConnection,
              'Sign in to Microsoft Graph',
              'I search the people of your organization (names and addresses only) with your own permissions, so that you can pick a billing manager.',
            ),
          }
        : {}),
    },
    autoSignIn: false,
  };
}

/**
 * Callers with their own tokens, from the Bot Framework token service through teams-ai. A missing
 * token starts that sign-in: a sign-in card for a message, a sign-in inside the card for a click.
 * Tokens are fetched fresh each turn (the token service renews them) and kept nowhere.
 */
export class SignInCallers implements CallerResolver {
  constructor(
    private readonly app: Application<BotTurnState>,
    private readonly required: readonly TokenAudience[],
    private readonly logger: Logger,
    /** Fetched when there, never asked for up front; a directory that needs one asks (sign-in-required). */
    private readonly optional: readonly TokenAudience[] = [],
  ) {}

  /** Every sign-in this bot has a connection for. */
  get audiences(): readonly TokenAudience[] {
    return [...this.required, ...this.optional];
  }

  /** `also`: optional sign-ins this turn needs as well (the "Sign in and continue" button of one). */
  async resolve(context: TurnContext, state: BotTurnState, also: readonly TokenAudience[] = []): Promise<Resolution> {
    const caller = callerOf(context);
    if (!caller) return { answered: 'no-identity' };
    const required = [...this.required, ...also.filter((audience) => this.optional.includes(audience))];
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const tokens = await this.tokens(context);
      const missing = tokens.missing(required);
      const next = missing[0];
      if (!next) return { caller: { ...caller, tokens } };
      // A sign-in that completes at once (Teams SSO) means looking again.
      if (!(await this.startSignIn(context, state, next))) return { answered: 'signing-in' };
    }
    return { answered: 'signing-in' };
  }

  async signInAgain(context: TurnContext, state: BotTurnState, failure: DirectoryFailure): Promise<boolean> {
    const audience = failure.details.signIn;
    if (failure.code !== 'sign-in-required' || !audience) return false;
    this.logger.info({ service: failure.details.service, status: failure.details.status }, 'A token was refused; asking the user to sign in again.');
    await this.app.authentication.signOutUser(context, state, SIGN_IN_SETTINGS[audience]);
    if (context.activity.type === ActivityTypes.Message) await context.sendActivity(failure.message);
    await this.startSignIn(context, state, audience);
    return true;
  }

  /** Signs the user out of every connection. */
  async signOut(context: TurnContext, state: BotTurnState): Promise<void> {
    for (const audience of this.audiences) {
      await this.app.authentication.signOutUser(context, state, SIGN_IN_SETTINGS[audience]);
    }
  }

  private async tokens(context: TurnContext): Promise<DelegatedTokens> {
    const found: Partial<Record<TokenAudience, string>> = {};
    for (const audience of this.audiences) {
      const token = await this.app.authentication.get(SIGN_IN_SETTINGS[audience]).isUserSignedIn(context);
      if (token) found[audience] = token;
    }
    return new DelegatedTokens(found);
  }

  /**
   * Starts the sign-in for `audience`; true when it completed at once. teams-ai can start one from
   * a message (sign-in card) or an Action.Execute click (sign-in in the card); anywhere else, such
   * as right after another sign-in, the user gets a card whose button starts it.
   */
  private async startSignIn(context: TurnContext, state: BotTurnState, audience: TokenAudience): Promise<boolean> {
    if (canStartSignIn(context)) {
      try {
        return (await this.app.getTokenOrStartSignIn(context, state, SIGN_IN_SETTINGS[audience])) !== undefined;
      } catch (error) {
        // teams-ai refuses while another sign-in is unfinished; the card below lets the user go on.
        this.logger.warn({ err: error, service: AUDIENCE_NAMES[audience] }, 'Could not start a sign-in here; sending a sign-in card instead.');
      }
    }
    const command = commandFor(context.activity.text);
    await context.sendActivity(
      MessageFactory.attachment(
        CardFactory.adaptiveCard(
          signInCard({
            title: `Sign in to ${AUDIENCE_NAMES[audience]}`,
            message: `I act with your own permissions, so I need you to sign in to ${AUDIENCE_NAMES[audience]} as well.${command ? ` Then I will continue with "${command.name}".` : ''}`,
            buttonTitle: 'Sign in and continue',
            command: command ? commandText(context.activity.text) : '',
            audience,
          }),
        ),
      ),
    );
    return false;
  }
}

/** The failure Teams or the token service describes in the activity's value (`code`, `message`, `failureDetail`), as text. */
function signInFailureDetails(value: unknown): string {
  if (!value || typeof value !== 'object') return '';
  return ['code', 'message', 'failureDetail', 'error', 'error_description']
    .map((key) => (value as Record<string, unknown>)[key])
    .filter((part): part is string => typeof part === 'string')
    .join(' ');
}

/** "Azure Resource Manager and Azure DevOps", "A, B and Microsoft Graph". */
function serviceList(audiences: readonly TokenAudience[]): string {
  const names = [...new Set(audiences)].map((audience) => AUDIENCE_NAMES[audience]);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

function canStartSignIn(context: TurnContext): boolean {
  const activity = context.activity;
  if (activity.type === ActivityTypes.Message) return typeof activity.text === 'string' && activity.text.length > 0;
  const value: unknown = activity.value;
  return activity.type === ActivityTypes.Invoke && activity.name === 'adaptiveCard/action' && typeof value === 'object' && value !== null && 'action' in value;
}

export interface SignInRouteDeps {
  readonly callers: SignInCallers;
  /** What a command continued after a sign-in runs with. */
  readonly commands: CommandDeps;
  readonly logger: Logger;
}

/**
 * What sign-in adds to the conversation: continuing the user's command once a sign-in succeeds,
 * the "Sign in and continue" button, and "sign out". Register before commands and card actions.
 */
export function registerSignIn(app: Application<BotTurnState>, deps: SignInRouteDeps): void {
  const { commands } = deps;

  for (const setting of deps.callers.audiences.map((audience) => SIGN_IN_SETTINGS[audience])) {
    const authentication = app.authentication.get(setting);
    // teams-ai puts the text of the message that started the sign-in back on the activity.
    authentication.onUserSignInSuccess(async (context, state) => {
      const command = commandFor(context.activity.text);
      if (command) await command.run(context, state, commands);
      else await context.sendActivity('You are signed in. Type what you wanted to do again.');
    });
    authentication.onUserSignInFailure(async (context, _state, error) => {
      const details = `${error.message} ${signInFailureDetails(context.activity.value)}`;
      deps.logger.warn({ setting, reason: error.cause, code: /AADSTS\d+/.exec(details)?.[0] }, 'A sign-in did not complete.');
      await context.sendActivity(signInFailureMessage(details));
    });
  }

  // Teams reports a single sign-in it could not complete (consent missing, say) with this invoke.
  app.addRoute(
    async (context) => context.activity.type === ActivityTypes.Invoke && context.activity.name === 'signin/failure',
    async (context) => {
      const details = signInFailureDetails(context.activity.value);
      deps.logger.warn({ code: /AADSTS\d+/.exec(details)?.[0] }, 'Teams could not complete a single sign-in.');
      await context.sendActivity(signInFailureMessage(details));
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200 } });
    },
    true,
  );

  app.adaptiveCards.actionExecute<Record<string, unknown>>(CONTINUE_VERB, async (context, state, data) => {
    const also = ALL_AUDIENCES.filter((audience) => audience === data.audience);
    const resolved = await deps.callers.resolve(context, state, also);
    if (!('caller' in resolved)) return resolved.answered === 'no-identity' ? NO_ENTRA_IDENTITY : 'Sign in, and I will continue.';
    const typed = typeof data.command === 'string' ? data.command : '';
    const command = commandFor(typed);
    if (command) await command.run(context, state, commands);
    const signedIn = serviceList([...TOKEN_AUDIENCES, ...also]);
    if (also.length > 0 && !command) return noticeCard('Signed in', `You are signed in to ${signedIn}. Search again in the card, or type a command to continue.`);
    return noticeCard(
      'Signed in',
      command ? `You are signed in to ${signedIn}; "${command.name}" continues below.` : `You are signed in to ${signedIn}. Type a command to continue.`,
    );
  });

  app.message(
    async (context) => context.activity.type === ActivityTypes.Message && SIGN_OUT.test(commandText(context.activity.text)),
    async (context, state) => {
      await deps.callers.signOut(context, state);
      await context.sendActivity(`Signed out of ${serviceList(deps.callers.audiences)}. The next command asks you to sign in again.`);
    },
  );
}
