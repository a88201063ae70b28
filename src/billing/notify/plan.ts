import type { NamedRef } from '../../domain/changeEvent';

/** Whether the bot expects to reach a person, judged before anything is sent. */
export type ExpectedReach = 'chat' | 'new-chat' | 'unreachable';

export interface PlannedRecipient {
  readonly person: NamedRef;
  readonly reach: ExpectedReach;
  /** For 'unreachable', and for 'new-chat' after an earlier failure: what the bot last learned, and what to do. */
  readonly reason?: string;
}

/** Who will be told about a change; delivery happens afterwards, in the background. */
export interface NotificationPlan {
  readonly recipients: readonly PlannedRecipient[];
}
