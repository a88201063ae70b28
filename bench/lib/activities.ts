import { BENCH_BOT_ID, BENCH_CHANNEL, type BenchUser } from './world';

/**
 * The activities Teams would post for a user of the generated world, in their personal chat. They
 * carry exactly what the stored conversation references hold, so a turn does not rewrite its
 * reference (as in steady use, where the user wrote before).
 */

let sequence = 0;

function base(user: BenchUser, serviceUrl: string): Record<string, unknown> {
  sequence++;
  return {
    channelId: BENCH_CHANNEL,
    serviceUrl,
    id: `bench-activity-${sequence}`,
    timestamp: new Date().toISOString(),
    from: { id: user.channelUserId, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: BENCH_BOT_ID, name: 'DevOps Billing' },
    conversation: { id: user.conversationId, conversationType: 'personal', tenantId: user.tenantId },
    channelData: { tenant: { id: user.tenantId } },
  };
}

export function messageActivity(user: BenchUser, text: string, serviceUrl: string): string {
  return JSON.stringify({ ...base(user, serviceUrl), type: 'message', text, textFormat: 'plain' });
}

export function actionExecute(user: BenchUser, verb: string, data: Readonly<Record<string, unknown>>, serviceUrl: string): string {
  return JSON.stringify({
    ...base(user, serviceUrl),
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
}
