import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ALEX, CONTOSO_TENANT, DEMO_DIRECTORY, SUB_PAYG } from './demoWorld';

/** Talks to a bot over real HTTP as Teams would, with replies going to `serviceUrl`. */
export class BotClient {
  constructor(
    private readonly base: string,
    private readonly serviceUrl: string,
  ) {}

  activity(extra: Record<string, unknown>, from = { id: 'user-id-0', name: 'Alex Wilber', aadObjectId: ALEX }, conversationId = 'personal-alex'): Record<string, unknown> {
    return {
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      id: `incoming-${Math.random()}`,
      from,
      recipient: { id: '28:bot-id', name: 'DevOps Billing' },
      conversation: { id: conversationId, conversationType: 'personal', tenantId: CONTOSO_TENANT },
      channelData: { tenant: { id: CONTOSO_TENANT } },
      ...extra,
    };
  }

  async post(body: unknown): Promise<{ status: number; text: string }> {
    const response = await fetch(`${this.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, text: await response.text() };
  }

  async say(text: string): Promise<void> {
    const answer = await this.post(this.activity({ type: 'message', text }));
    assert.equal(answer.status, 200);
  }

  /** Clicks an Action.Execute button; returns the invoke response body as text. */
  async click(verb: string, data: Record<string, unknown>): Promise<string> {
    const answer = await this.post(this.activity({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } }));
    assert.equal(answer.status, 200, answer.text);
    return answer.text;
  }
}

/** The flow id in a card (a reply or an invoke answer), as text. */
export function flowIdIn(text: string): string {
  const id = /\\?"flowId\\?":\\?"([^"\\]+)/.exec(text)?.[1];
  assert.ok(id, `no flow id in ${text.slice(0, 300)}`);
  return id;
}

/**
 * The demo world plus `extra` people of Contoso, each Contributor on Contoso Pay-As-You-Go: billing
 * managers of any organization it pays for, so one change notifies all of them. Returns the file and ids.
 */
export async function worldWithManagers(folder: string, extra: number): Promise<{ file: string; ids: string[] }> {
  const world = JSON.parse(await fs.readFile(DEMO_DIRECTORY, 'utf8')) as { users: unknown[]; roleAssignments: unknown[] };
  const ids = Array.from({ length: extra }, (_, i) => `extra-manager-${String(i).padStart(3, '0')}`);
  for (const [i, id] of ids.entries()) {
    world.users.push({ id, displayName: `Manager Number${i}`, email: `manager${i}@contoso.com`, tenantId: CONTOSO_TENANT });
    world.roleAssignments.push({ subscriptionId: SUB_PAYG, principalId: id, role: 'Contributor' });
  }
  const file = path.join(folder, 'directory.json');
  await fs.writeFile(file, JSON.stringify(world, null, 2));
  return { file, ids };
}
