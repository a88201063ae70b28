/** The services the bot calls on a user's behalf, each with its own token audience. */
export type TokenAudience = 'azure-resource-manager' | 'azure-devops' | 'microsoft-graph';

/** The sign-ins every command that reads Azure needs. */
export const TOKEN_AUDIENCES: readonly TokenAudience[] = ['azure-resource-manager', 'azure-devops'];

/**
 * Every audience, the optional one last: Microsoft Graph is asked for only when people are searched
 * (adding a billing manager), and only when the bot has a connection for it.
 */
export const ALL_AUDIENCES: readonly TokenAudience[] = [...TOKEN_AUDIENCES, 'microsoft-graph'];

export const AUDIENCE_NAMES: Readonly<Record<TokenAudience, string>> = {
  'azure-resource-manager': 'Azure Resource Manager',
  'azure-devops': 'Azure DevOps',
  'microsoft-graph': 'Microsoft Graph',
};

const WITHHELD = '[access tokens withheld]';

/**
 * The signed-in user's own access tokens for one turn. They live in private fields, so logging,
 * serializing or inspecting an object that carries them never writes a token anywhere, and they
 * are never put in the state file: the Bot Framework token service keeps them between turns.
 */
export class DelegatedTokens {
  readonly #tokens: ReadonlyMap<TokenAudience, string>;

  constructor(tokens: Partial<Record<TokenAudience, string>>) {
    this.#tokens = new Map(
      ALL_AUDIENCES.flatMap((audience) => {
        const token = tokens[audience];
        return token ? [[audience, token] as const] : [];
      }),
    );
  }

  tokenFor(audience: TokenAudience): string | undefined {
    return this.#tokens.get(audience);
  }

  /** The audiences without a token, in the order users are asked to sign in to them. */
  missing(required: readonly TokenAudience[] = TOKEN_AUDIENCES): TokenAudience[] {
    return required.filter((audience) => !this.#tokens.has(audience));
  }

  toJSON(): string {
    return WITHHELD;
  }

  toString(): string {
    return WITHHELD;
  }

  /** What util.inspect (and so console and loggers) shows. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return WITHHELD;
  }
}
