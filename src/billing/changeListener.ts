import type { ChangeEvent, NamedRef } from '../store/changeEvent';
import type { DirectoryPort } from '../directory/port';
import type { BotState } from '../store/state';

export type { ChangeEvent, ChangeKind, NamedRef } from '../store/changeEvent';

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

/**
 * Told after a change has been saved, with the change's event recorded in that same write. The one
 * call site for notifying billing managers: every change (billing set up, changed or removed, paid
 * quantities, managers added or removed) goes through `changed`; a first purchase and the reset at
 * removal ride on the billing event (`quantities`), one notice per act. It resolves once the
 * notifications are queued, never waiting for delivery, and a failure here never undoes the saved
 * change: the recorded event is picked up again later.
 */
export interface BillingChangeListener {
  /**
   * `directory` is the one the change was made with. With per-person directories (DIRECTORY=azure)
   * it is the only one that can say who the billing managers are: the bot has no identity of its own there.
   */
  changed(event: ChangeEvent, directory?: DirectoryPort): Promise<NotificationPlan>;
}

export const ignoreChanges: BillingChangeListener = { changed: async () => ({ recipients: [] }) };

/**
 * Records the event inside the mutation that makes the change, so that the change and the duty to
 * tell people about it are saved together or not at all.
 */
export function recordChangeEvent(state: BotState, event: ChangeEvent): void {
  state.changeEvents[event.id] = event;
}

/** Calls the listener, turning its failure into `undefined` (reported) instead of a failed change. */
export async function announce(
  listener: BillingChangeListener,
  event: ChangeEvent,
  reportError: (error: unknown) => void,
  directory?: DirectoryPort,
): Promise<NotificationPlan | undefined> {
  try {
    return await listener.changed(event, directory);
  } catch (error) {
    reportError(error);
    return undefined;
  }
}
