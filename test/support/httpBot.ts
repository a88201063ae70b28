import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startBot, type BotOptions, type RunningBot } from '../../src/bot';
import { readConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import type { BotState } from '../../src/store/state';
import { ConnectorStub } from './connectorStub';
import { ALEX, CONTOSO_TENANT, DEMO_DIRECTORY } from './demoWorld';

/**
 * The whole bot in this process, on a real port, with a real state file in a fresh folder and its
 * replies going to a loopback Bot Connector: what a test posts is what Teams would post.
 */

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
  /** The parsed body, or undefined when it is empty or not JSON. */
  readonly json: unknown;
}

export interface Sender {
  readonly aadObjectId: string;
  readonly name: string;
  readonly tenantId?: string;
}

export const ALEX_SENDER: Sender = { aadObjectId: ALEX, name: 'Alex Wilber' };

export interface HttpBotOptions {
  /** Extra environment for readConfig, on top of PORT, STATE_FILE and DIRECTORY_FILE. */
  readonly env?: Record<string, string>;
  readonly botOptions?: BotOptions;
  readonly connector?: ConnectorStub;
}

export class HttpBot {
  private constructor(
    readonly bot: RunningBot,
    readonly connector: ConnectorStub,
    readonly folder: string,
    readonly stateFile: string,
    private readonly ownsConnector: boolean,
  ) {}

  static async start(options: HttpBotOptions = {}): Promise<HttpBot> {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'billing-bot-http-'));
    const connector = options.connector ?? (await ConnectorStub.start());
    const stateFile = path.join(folder, 'state.json');
    try {
      const config = readConfig({ PORT: '0', STATE_FILE: stateFile, DIRECTORY_FILE: DEMO_DIRECTORY, ...options.env });
      const bot = await startBot(config, silentLogger(), options.botOptions);
      return new HttpBot(bot, connector, folder, stateFile, options.connector === undefined);
    } catch (error) {
      if (options.connector === undefined) await connector.stop();
      await rm(folder, { recursive: true, force: true });
      throw error;
    }
  }

  get base(): string {
    return `http://127.0.0.1:${this.bot.port}`;
  }

  /** An activity as Teams sends it, from `sender` in their personal chat, replying to the connector stub. */
  activity(extra: Record<string, unknown>, sender: Sender = ALEX_SENDER): Record<string, unknown> {
    return teamsActivity(this.connector.url, extra, sender);
  }

  message(text: string, sender: Sender = ALEX_SENDER): Record<string, unknown> {
    return this.activity({ type: 'message', text }, sender);
  }

  cardAction(verb: string, data: unknown, sender: Sender = ALEX_SENDER): Record<string, unknown> {
    return this.activity({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } }, sender);
  }

  post(body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return request(`${this.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  get(pathname: string): Promise<HttpAnswer> {
    return request(`${this.base}${pathname}`, { method: 'GET' });
  }

  async stateText(): Promise<string> {
    return readFile(this.stateFile, 'utf8');
  }

  async state(): Promise<BotState> {
    return JSON.parse(await this.stateText()) as BotState;
  }

  async stop(): Promise<void> {
    try {
      await this.bot.stop();
    } finally {
      if (this.ownsConnector) await this.connector.stop();
      await rm(this.folder, { recursive: true, force: true });
    }
  }
}

export function teamsActivity(serviceUrl: string, extra: Record<string, unknown>, sender: Sender = ALEX_SENDER): Record<string, unknown> {
  const tenantId = sender.tenantId ?? CONTOSO_TENANT;
  return {
    channelId: 'msteams',
    serviceUrl,
    id: `incoming-${Math.random().toString(36).slice(2)}`,
    from: { id: `teams-${sender.aadObjectId}`, name: sender.name, aadObjectId: sender.aadObjectId },
    recipient: { id: 'bot-id', name: 'DevOps Billing' },
    conversation: { id: `personal-${sender.aadObjectId}`, conversationType: 'personal', tenantId },
    channelData: { tenant: { id: tenantId } },
    ...extra,
  };
}

export async function request(url: string, init: RequestInit): Promise<HttpAnswer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** The flow id a card carries in its buttons' data. */
export function flowIdIn(card: unknown): string | undefined {
  return /"flowId":"([^"]+)"/.exec(JSON.stringify(card))?.[1];
}
