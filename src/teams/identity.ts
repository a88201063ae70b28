import type { TurnContext } from 'botbuilder';
import type { Caller } from '../domain/caller';

/**
 * Who is acting, as Teams reports it. The Entra object id is the identity every rule is checked
 * against; Teams' per-bot user id is not, since it differs between bots and means nothing to Azure.
 */
export function callerOf(context: TurnContext): Caller | undefined {
  const activity = context.activity;
  const userId = activity.from?.aadObjectId;
  if (typeof userId !== 'string' || userId.trim() === '') return undefined;
  return {
    userId,
    tenantId: tenantOf(context),
    conversationId: activity.conversation?.id ?? '',
    shared: isSharedConversation(context),
  };
}

/** A group chat or channel: everyone in it reads the bot's answers. */
export function isSharedConversation(context: TurnContext): boolean {
  const type = context.activity.conversation?.conversationType;
  return type !== undefined && type !== 'personal';
}

export function tenantOf(context: TurnContext): string | undefined {
  const activity = context.activity;
  const fromConversation = activity.conversation?.tenantId;
  if (typeof fromConversation === 'string' && fromConversation !== '') return fromConversation;
  const channelData: unknown = activity.channelData;
  if (channelData && typeof channelData === 'object' && 'tenant' in channelData) {
    const tenant: unknown = (channelData as { tenant: unknown }).tenant;
    if (tenant && typeof tenant === 'object' && 'id' in tenant && typeof tenant.id === 'string') return tenant.id;
  }
  return undefined;
}

export const NO_ENTRA_IDENTITY =
  'I can only work with Microsoft Entra (work or school) accounts, and this message did not carry one. Open me in Microsoft Teams with your work account.';
