import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startBot, type BotOptions, type RunningBot } from '../../src/compose';
import { readConfig } from '../../src/config';
import pino from 'pino';
import { readStateSnapshot } from '../../src/store/stateSnapshot';
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
  /** Written to the state file before the bot starts, as a previous run would have left it. */
  readonly initialState?: BotState;
}

/** One line the bot logged at warn level or above. */
export interface LogEntry {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** pino's number for "error". */
export const ERROR_LEVEL = 50;

export class HttpBot {
  private constructor(
    /** What the bot logged at warn level or above, oldest first. */
    readonly logs: LogEntry[],
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
      if (options.initialState) await writeFile(stateFile, JSON.stringify(options.initialState));
      const config = readConfig({ PORT: '0', STATE_FILE: stateFile, DIRECTORY_FILE: DEMO_DIRECTORY, ...options.env });
      const logs: LogEntry[] = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogEntry) });
      const bot = await startBot(config, logger, options.botOptions);
      return new HttpBot(logs, bot, connector, folder, stateFile, options.connector === undefined);
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

  /** Log lines at error level: the bot failed at something, rather than refusing it. */
  errorsLogged(): LogEntry[] {
    return this.logs.filter((entry) => entry.level >= ERROR_LEVEL);
  }

  async stateText(): Promise<string> {
    return readFile(this.stateFile, 'utf8');
  }

  /** The state as saved: the state file and its journals. */
  async state(): Promise<BotState> {
    return readStateSnapshot(this.stateFile);
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
