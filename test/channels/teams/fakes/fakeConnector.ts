import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  path: string;
  authorization?: string;
  body: Record<string, unknown>;
  at: number;
}

/**
 * A local Bot Framework connector (the activity's serviceUrl): records every reply the bot
 * sends, and can be scripted to fail the next calls with given statuses (429, 502...).
 */
export class FakeConnector {
  readonly calls: RecordedCall[] = [];
  private readonly failures: Array<{ status: number; retryAfter?: string }> = [];
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  private conditions: Array<{ test: () => boolean; resolve: () => void }> = [];
  private server?: Server;
  url = '';
  /** Called for every successful call, as it is recorded (benchmarks time replies with it). */
  onCall?: (call: RecordedCall) => void;

  /** The next calls fail with these statuses, in order. */
  failNext(...failures: Array<number | { status: number; retryAfter?: string }>): void {
    this.failures.push(...failures.map((f) => (typeof f === 'number' ? { status: f } : f)));
  }

  /** Message activities only (typing indicators excluded). */
  get messages(): RecordedCall[] {
    return this.calls.filter((c) => c.body.type === 'message');
  }

  /** Conversations the bot created (POST /v3/conversations: a new post in a channel, a new chat). */
  get created(): RecordedCall[] {
    return this.calls.filter(isCreateConversation);
  }

  /** Resolves once `count` message activities have been recorded. */
  waitForMessages(count: number): Promise<void> {
    if (this.messages.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Resolves once the recorded calls satisfy `test` (checked after every call). */
  waitFor(test: (calls: RecordedCall[]) => boolean): Promise<void> {
    if (test(this.calls)) return Promise.resolve();
    return new Promise((resolve) => this.conditions.push({ test: () => test(this.calls), resolve }));
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void readJson(req).then((body) => {
        const failure = this.failures.shift();
        if (failure) {
          res.writeHead(failure.status, { 'content-type': 'application/json', ...(failure.retryAfter ? { 'retry-after': failure.retryAfter } : {}) });
          res.end(JSON.stringify({ error: { code: 'Throttled', message: 'scripted failure' } }));
          this.calls.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body: { ...body, failedWith: failure.status }, at: Date.now() });
          return;
        }
        const call = { method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body, at: Date.now() };
        this.calls.push(call);
        this.onCall?.(call);
        if (isCreateConversation(call)) {
          // A new post in a channel: the conversation is the channel's thread of that first message.
          const channel = (body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
          const activityId = `${1_700_000_000_000 + this.calls.length}`;
          res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: channel ? `${channel};messageid=${activityId}` : `a:created-${this.calls.length}`, activityId }));
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `reply-${this.calls.length}` }));
        }
        const done = this.waiters.filter((w) => this.messages.length >= w.count);
        this.waiters = this.waiters.filter((w) => this.messages.length < w.count);
        for (const w of done) w.resolve();
        const met = this.conditions.filter((c) => c.test());
        this.conditions = this.conditions.filter((c) => !met.includes(c));
        for (const c of met) c.resolve();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function isCreateConversation(call: RecordedCall): boolean {
  return call.method === 'POST' && /^\/v3\/conversations\/?(\?|$)/.test(call.path) && call.body.failedWith === undefined;
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>);
      } catch {
        resolve({});
      }
    });
  });
}
