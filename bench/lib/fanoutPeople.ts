/**
 * Who the fan-out reaches, shared by the benchmark, the stand-in Bot Connector and the delivery
 * process, so that each recipient's conversation is known in advance and every message can be
 * accounted for: billing managers of one tenant, each with a 1:1 chat the bot has stored, or none yet.
 */

export const FANOUT_TENANT = 'fanout-tenant';

/** The Entra object id of the i-th billing manager. */
export function managerId(index: number): string {
  return `fanout-manager-${index}`;
}

/** The stored 1:1 chat of the i-th billing manager, when the run has stored chats. */
export function storedChatId(index: number): string {
  return `a:fanout-chat-${index}`;
}

/** The id the stand-in Bot Connector gives a chat the bot starts with `memberId`. */
export function startedChatId(memberId: string): string {
  return `a:chat-with-${memberId}`;
}
