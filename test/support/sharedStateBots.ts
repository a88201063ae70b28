import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startAzurite, type RunningAzurite } from '../../scripts/lib/azurite';
import type { Store } from '../../src/domain/ports/store';
import { openAzureStore } from '../../src/store/azure/azureStore';
import { BotProcess } from './botProcess';
import { ConnectorStub } from './connectorStub';
import { ALEX_SENDER, request, teamsActivity, type HttpAnswer, type Sender } from './httpBot';

/**
 * Several bot processes on one state in Azurite, as a scaled-out App Service runs them: each its own
 * process on its own port, all replying to one loopback Bot Connector. Everything is started here,
 * on free ports, and stopped by `stop`.
 */
export class SharedStateBots {
  private constructor(
    readonly azurite: RunningAzurite,
    readonly connector: ConnectorStub,
    readonly instances: BotProcess[],
    readonly tablePrefix: string,
    readonly folder: string,
    private readonly extraEnv: Record<string, string>,
    private readonly ownsAzurite: boolean,
  ) {}

  /** `azurite`: one the caller started and stops (to stop and start it during the test); else one of its own. */
  static async start(count: number, options: { readonly env?: Record<string, string>; readonly azurite?: RunningAzurite } = {}): Promise<SharedStateBots> {
    const azurite = options.azurite ?? (await startAzurite());
    const connector = await ConnectorStub.start();
    const folder = await mkdtemp(path.join(os.tmpdir(), 'shared state bots '));
    const tablePrefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const env = { ...options.env };
    const pair = new SharedStateBots(azurite, connector, [], tablePrefix, folder, env, options.azurite === undefined);
    try {
      for (let index = 0; index < count; index += 1) pair.instances.push(await pair.startInstance(index));
    } catch (error) {
      await pair.stop();
      throw error;
    }
    return pair;
  }

  /** Starts one more instance (or again the one at `index`, after it was killed). */
  async startInstance(index: number): Promise<BotProcess> {
    const instance = await BotProcess.start({
      stateFile: path.join(this.folder, `unused-state-${index}.json`),
      cwd: this.folder,
      env: {
        STATE_STORE: 'azure',
        AZURE_STORAGE_CONNECTION_STRING: this.azurite.connectionString,
        STATE_TABLE_PREFIX: this.tablePrefix,
        ...this.extraEnv,
      },
    });
    this.instances[index] = instance;
    return instance;
  }

  instance(index: number): BotProcess {
    const found = this.instances[index];
    if (!found) throw new Error(`No instance ${index}.`);
    return found;
  }

  post(index: number, activity: Record<string, unknown>): Promise<HttpAnswer> {
    return request(`${this.instance(index).base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  }

  click(index: number, verb: string, data: Record<string, unknown>, sender: Sender = ALEX_SENDER): Promise<HttpAnswer> {
    return this.post(index, teamsActivity(this.connector.url, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } }, sender));
  }

  /** Sends a message; the answer goes to the connector, and this resolves with the text of what arrived. */
  async say(index: number, text: string, sender: Sender = ALEX_SENDER): Promise<string> {
    const before = this.connector.sends.length;
    const answer = await this.post(index, teamsActivity(this.connector.url, { type: 'message', text }, sender));
    if (answer.status !== 200) throw new Error(`"${text}" got HTTP ${answer.status}: ${answer.text}`);
    await this.connector.waitForSends(before + 1);
    return JSON.stringify(this.connector.sends.slice(before).map((send) => send.body));
  }

  /** The shared state, as a third party reads it. */
  openStore(): Promise<Store> {
    return openAzureStore({ account: { connectionString: this.azurite.connectionString }, tablePrefix: this.tablePrefix });
  }

  async stop(): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.kill()));
    await this.connector.stop();
    if (this.ownsAzurite) await this.azurite.stop();
    await rm(this.folder, { recursive: true, force: true });
  }
}
