import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedSend {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** The Authorization header the bot signed the call with, if any. */
  readonly authorization?: string;
  /** The status the stub answered with. */
  readonly status: number;
  /** When the request arrived (Date.now()). */
  readonly at: number;
}

export interface ConnectorStubOptions {
  /** How long each reply takes, as a slow Bot Connector would; recorded when it arrives, answered after. */
  readonly replyDelayMs?: number;
}

/** An answer the stub can be told to give instead of success. */
export interface ProgrammedAnswer {
  readonly status: number;
  /** Sent as the Retry-After header (seconds, or an HTTP date). */
  readonly retryAfter?: string;
  /** Sent as the body `{ error: { code, message } }`, as the Bot Connector does. */
  readonly errorCode?: string;
  /** Only requests this matches get the answer; all do when absent. */
  readonly when?: (request: { readonly method: string; readonly path: string; readonly body: Record<string, unknown> }) => boolean;
  /** How many matching requests get it; then the rule is spent. Default 1. */
  readonly times?: number;
}

/**
 * A loopback stand-in for the Bot Connector service: the bot posts its replies and proactive messages
 * to the activity's serviceUrl, and this records each request so a test can read what the user would
 * see. By default every request succeeds; a test can program failures (429 with or without
 * Retry-After, 403 BotNotInConversationRoster, 500, ...) and slow answers. POST /v3/conversations
 * (createConversation) answers with a new conversation id.
 */
export class ConnectorStub {
  readonly sends: RecordedSend[] = [];
  /** Milliseconds every answer waits before it is sent: a slow Bot Connector. */
  delayMs = 0;
  private readonly rules: { answer: ProgrammedAnswer; left: number }[] = [];
  private readonly waiters: { done: () => boolean; resolve: () => void }[] = [];
  private constructor(private readonly server: http.Server) {}

  static async start(options: ConnectorStubOptions = {}): Promise<ConnectorStub> {
    let stub: ConnectorStub | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        stub?.answer(req.method ?? '', req.url ?? '', body, res, req.headers.authorization);
      });
    });
    stub = new ConnectorStub(server);
    stub.delayMs = options.replyDelayMs ?? 0;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return stub;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Makes the next matching request(s) get `answer` instead of success. Rules apply in the order given. */
  program(answer: ProgrammedAnswer): this {
    this.rules.push({ answer, left: answer.times ?? 1 });
    return this;
  }

  /** Requests answered with success. */
  get delivered(): RecordedSend[] {
    return this.sends.filter((s) => s.status < 300);
  }

  /** Successful sends of activities (not createConversation), each with its conversation id. */
  deliveredActivities(): (RecordedSend & { readonly conversationId: string })[] {
    return this.delivered.flatMap((s) => {
      const match = /^\/v3\/conversations\/([^/]+)\/activities/.exec(s.path);
      return match?.[1] ? [{ ...s, conversationId: decodeURIComponent(match[1]) }] : [];
    });
  }

  /** Resolves once `count` requests in total have arrived. */
  waitForSends(count: number, timeoutMs = 5000): Promise<void> {
    return this.waitUntil(() => this.sends.length >= count, timeoutMs, () => `Only ${this.sends.length} of ${count} sends arrived.`);
  }

  /** Resolves once `done` holds after some request; checks at once too. */
  waitUntil(done: () => boolean, timeoutMs = 5000, describe: () => string = () => 'The condition never held.'): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { done, resolve: () => { clearTimeout(timer); resolve(); } };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(describe()));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(method: string, path: string, body: Record<string, unknown>, res: http.ServerResponse, authorization: string | undefined): void {
    const rule = this.rules.find((r) => r.left > 0 && (r.answer.when?.({ method, path, body }) ?? true));
    if (rule) rule.left -= 1;
    const status = rule?.answer.status ?? (method === 'POST' && /^\/v3\/conversations\/?$/.test(path) ? 201 : 200);
    this.record({ method, path, body, status, at: Date.now(), ...(authorization ? { authorization } : {}) });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (rule?.answer.retryAfter !== undefined) headers['retry-after'] = rule.answer.retryAfter;
    const payload = rule
      ? { error: { code: rule.answer.errorCode ?? 'ServiceError', message: `Programmed answer ${rule.answer.status}.` } }
      : status === 201
        ? { id: `created-${memberIdOf(body)}`, activityId: '' }
        : { id: `reply-${this.sends.length}` };
    const send = (): void => {
      if (res.destroyed) return;
      res.writeHead(status, headers);
      res.end(JSON.stringify(payload));
    };
    if (this.delayMs > 0) setTimeout(send, this.delayMs);
    else send();
  }

  private record(send: RecordedSend): void {
    this.sends.push(send);
    for (const waiter of this.waiters.filter((w) => w.done())) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}

function memberIdOf(body: Record<string, unknown>): string {
  const members = body.members;
  const first: unknown = Array.isArray(members) ? members[0] : undefined;
  const id = typeof first === 'object' && first !== null ? (first as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : 'unknown';
}
