import type { DelegatedTokens } from './credentials';

/** Who acts: the person Teams vouches for, in which tenant and conversation. */
export interface Caller {
  /** The user's Microsoft Entra object id, as Teams reports it. */
  readonly userId: string;
  readonly tenantId: string | undefined;
  readonly conversationId: string;
  /** The caller's own tokens when the directory acts with their rights (DIRECTORY=azure); never logged or stored. */
  readonly tokens?: DelegatedTokens;
  /** True when others than the caller read the answer (a group chat or channel): details are withheld. */
  readonly shared?: boolean;
}
