import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedSend {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** The Authorization header the bot signed the call with, if any. */
  readonly authorization?: string;
}

export interface ConnectorStubOptions {
  /** How long each reply takes, as a slow Bot Connector would; recorded when it arrives, answered after. */
  readonly replyDelayMs?: number;
}

/**
 * A loopback stand-in for the Bot Connector service: the bot posts its replies to the activity's
 * serviceUrl, and this records each one so a test can read what the user would see.
 */
export class ConnectorStub {
  readonly sends: RecordedSend[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];
  private constructor(private readonly server: http.Server) {}

  static async start(options: ConnectorStubOptions = {}): Promise<ConnectorStub> {
    let stub: ConnectorStub | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        const authorization = req.headers.authorization;
        stub?.record({ method: req.method ?? '', path: req.url ?? '', body, ...(authorization ? { authorization } : {}) });
        const id = `reply-${stub?.sends.length ?? 0}`;
        const answer = (): void => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id }));
        };
        if (options.replyDelayMs) setTimeout(answer, options.replyDelayMs);
        else answer();
      });
    });
    stub = new ConnectorStub(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return stub;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Resolves once `count` sends in total have arrived. */
  waitForSends(count: number, timeoutMs = 5000): Promise<void> {
    if (this.sends.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Only ${this.sends.length} of ${count} sends arrived.`)), timeoutMs);
      this.waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private record(send: RecordedSend): void {
    this.sends.push(send);
    for (const waiter of this.waiters.filter((w) => this.sends.length >= w.count)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}
