import { TestAdapter, TurnContext } from 'botbuilder';

/** A turn of `aadObjectId` typing "status" in their personal chat `conversationId` of `tenantId`. */
export function personalMessage(conversationId: string, aadObjectId: string, tenantId: string): TurnContext {
  return new TurnContext(new TestAdapter(), {
    type: 'message',
    text: 'status',
    channelId: 'msteams',
    serviceUrl: `https://smba.example.test/${conversationId}/`,
    conversation: { id: conversationId, conversationType: 'personal', tenantId, isGroup: false, name: '' },
    from: { id: `29:${aadObjectId}`, aadObjectId, name: aadObjectId },
    recipient: { id: 'bot', name: 'bot' },
    channelData: { tenant: { id: tenantId } },
  });
}
