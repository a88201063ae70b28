import { ConfigError } from './configError';
import type { Settings } from './settings';
import type { NotificationConfig } from './types';

/** Pacing, retries and coalescing of proactive notifications (Teams allows about 7 a second per chat, 50 overall). */
export function readNotificationConfig(settings: Settings): NotificationConfig {
  const perConversationPerSecond = settings.wholeNumber('NOTIFY_PER_CONVERSATION_PER_SECOND', 7, 1, 50);
  const perSecond = settings.wholeNumber('NOTIFY_PER_SECOND', 50, 1, 1000);
  if (perConversationPerSecond > perSecond) {
    throw new ConfigError(
      `NOTIFY_PER_CONVERSATION_PER_SECOND is ${perConversationPerSecond}, more than NOTIFY_PER_SECOND (${perSecond}); one chat cannot get more than all of them. Lower it or raise NOTIFY_PER_SECOND.`,
    );
  }
  return {
    perConversationPerSecond,
    perSecond,
    maxAttempts: settings.wholeNumber('NOTIFY_MAX_ATTEMPTS', 5, 1, 20),
    sendTimeoutSeconds: settings.wholeNumber('NOTIFY_SEND_TIMEOUT_SECONDS', 15, 1, 120),
    coalesceSeconds: settings.wholeNumber('NOTIFY_COALESCE_SECONDS', 5, 0, 300),
  };
}
