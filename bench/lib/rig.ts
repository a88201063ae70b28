import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startChild, type Child } from './child';
import { isRecord } from './calibration';
import type { Scenario } from './scenarios';

/**
 * The parts that stay up for a whole run: the stand-in Bot Connector and the bare echo bot. The
 * product is started per block, on a fresh copy of a prepared state, and the twin (teamsAi) with it
 * (`restartTwin`), so that the two compared processes are always the same age.
 */
export class Rig {
  private copies = 0;

  private constructor(
    readonly scratch: string,
    readonly sink: Child,
    readonly echo: Child,
    private twin: Child,
  ) {}

  get teamsAi(): Child {
    return this.twin;
  }

  /**
   * Replaces the twin with a fresh process. A process that has just started runs the same code
   * slower (nothing compiled yet, and Node checks where each of the first 10,000 deprecated
   * `Buffer()` calls comes from, which restify's body reader makes on every request): a twin that had
   * served every earlier block measured twice as cheap per turn as a product started for this one,
   * for the same work.
   */
  async restartTwin(): Promise<void> {
    await this.twin.stop();
    this.twin = await startChild('teamsAiEcho');
  }

  static async start(scratch: string): Promise<Rig> {
    const started: Child[] = [];
    try {
      for (const name of ['connectorSink', 'echoBot', 'teamsAiEcho']) started.push(await startChild(name));
      const [sink, echo, teamsAi] = started as [Child, Child, Child];
      return new Rig(scratch, sink, echo, teamsAi);
    } catch (error) {
      await Promise.allSettled(started.map((child) => child.stop()));
      throw error;
    }
  }

  /** The address bots reply to: the one every activity carries as its serviceUrl. */
  get serviceUrl(): string {
    return `http://127.0.0.1:${String(this.sink.ready.port)}/`;
  }

  get echoUrl(): string {
    return `http://127.0.0.1:${String(this.echo.ready.port)}/api/messages`;
  }

  get teamsAiUrl(): string {
    return `http://127.0.0.1:${String(this.teamsAi.ready.port)}/api/messages`;
  }

  /** Where a scenario's requests go, and the process whose event loop and memory it reports. */
  targetOf(scenario: Scenario, product: Product): { url: string; server: Child } {
    if (scenario.target === 'product') return { url: product.url, server: product.child };
    if (scenario.target === 'twin') return { url: this.teamsAiUrl, server: this.teamsAi };
    return { url: this.echoUrl, server: this.echo };
  }

  /** Hands the twin the card the product answered a scenario's turn with, so that it answers with exactly that. */
  async teachTwin(scenario: Scenario, card: Record<string, unknown>): Promise<void> {
    const reply = await this.teamsAi.request('cards', { answeredBy: scenario.answeredBy, trigger: scenario.trigger, card });
    if (reply.captured !== true) throw new Error(`The product's card for "${scenario.name}" could not be handed to its twin.`);
  }

  async sends(): Promise<number> {
    return Number((await this.sink.request('count')).sends);
  }

  /** Copies a prepared state folder, so that a run never changes the original. */
  async copyState(pristineFolder: string, label: string): Promise<string> {
    const folder = path.join(this.scratch, 'runs', `${label}-${++this.copies}`);
    await mkdir(path.dirname(folder), { recursive: true });
    await cp(pristineFolder, folder, { recursive: true });
    return folder;
  }

  /** Starts this build's product, or that of the checkout `build` names; on the Azure store when `azure` names its table. */
  async startProduct(stateFolder: string, directoryFile: string, build?: string, azure?: AzureState): Promise<Product> {
    const store = azure ? { azureConnectionString: azure.connectionString, tablePrefix: azure.tablePrefix } : {};
    const child = await startChild('productServer', { stateFile: path.join(stateFolder, 'state.json'), directoryFile, ...store }, undefined, build);
    return new Product(child);
  }

  /**
   * Sends one request of the scenario and checks its answer is the one the scenario measures, so a
   * run never times refusals by mistake. Returns the card it was answered with.
   */
  async probe(scenario: Scenario, url: string): Promise<Record<string, unknown> | undefined> {
    if (scenario.answeredBy === 'reply') await this.sink.request('configure', { mode: 'probe' });
    try {
      const body = scenario.nextBody();
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`answered HTTP ${response.status}: ${text.slice(0, 300)}`);
      // The reply to this very activity: a notification of an earlier change may reach the sink meanwhile.
      const answer = scenario.answeredBy === 'reply' ? String((await this.sink.request('last', { replyToId: activityIdOf(body) })).body) : text;
      if (!scenario.marker.test(answer)) throw new Error(`answered without ${String(scenario.marker)}: ${answer.slice(0, 400)}`);
      return cardIn(answer, scenario.answeredBy);
    } catch (error) {
      throw new Error(`The probe of "${scenario.name}" failed, so its numbers would be wrong: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      if (scenario.answeredBy === 'reply') await this.sink.request('configure', { mode: 'count' });
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.echo.stop(), this.twin.stop(), this.sink.stop()]);
  }
}

/** An Azure Table state: the storage account (Azurite) and the prefix of its table. */
export interface AzureState {
  readonly connectionString: string;
  readonly tablePrefix: string;
}

export class Product {
  constructor(readonly child: Child) {}

  get url(): string {
    return `http://127.0.0.1:${String(this.child.ready.port)}/api/messages`;
  }

  get startMs(): number {
    return Number(this.child.ready.startMs);
  }

  stop(): Promise<void> {
    return this.child.stop(60_000);
  }
}

/** The card of an answer: the first attachment of a sent message, or the value of an invoke response. */
function cardIn(answer: string, answeredBy: Scenario['answeredBy']): Record<string, unknown> | undefined {
  const parsed: unknown = JSON.parse(answer);
  if (!isRecord(parsed)) return undefined;
  if (answeredBy === 'answer') return isRecord(parsed.value) ? parsed.value : undefined;
  const first: unknown = Array.isArray(parsed.attachments) ? parsed.attachments[0] : undefined;
  return isRecord(first) && isRecord(first.content) ? first.content : undefined;
}

/** The id of the activity a request body carries ('' when it has none). */
function activityIdOf(body: string): string {
  const parsed: unknown = JSON.parse(body);
  const id = parsed !== null && typeof parsed === 'object' ? (parsed as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : '';
}
