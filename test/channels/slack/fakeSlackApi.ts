import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { WebSocketServer, type WebSocket } from 'ws';

/** One call to the fake Web API (or to a response_url it handed out). */
export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  authorization?: string;
  at: number;
  /** What the fake answered. */
  response?: Record<string, unknown>;
}

export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
  /** Hold the answer this long, to keep a call in flight while others race it. */
  delayMs?: number;
}

const BOT = { user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0TEST', team: 'Test', url: 'https://test.slack.invalid/' };

/**
 * A local stand-in for slack.com/api on 127.0.0.1: records every call, answers like Slack,
 * can be scripted per method (429s, errors), serves response_url endpoints, and a Socket Mode
 * WebSocket returned by apps.connections.open.
 */
export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  /** Messages the Socket Mode clients sent back (acks). */
  readonly socketAcks: Array<Record<string, unknown>> = [];
  private readonly scripts = new Map<string, ScriptedResponse[]>();
  /** Members of user groups, for usergroups.users.list (an unknown group answers no_such_subteam). */
  readonly userGroups = new Map<string, string[]>();
  /**
   * Channels as conversations.info describes them to the bot (`is_member`, `is_archived`,
   * `is_private`...). A channel not listed answers channel_not_found there, as a private channel
   * the bot is not in does; chat.postMessage to a listed channel the bot is not a member of
   * answers not_in_channel. Channels not listed post as before.
   */
  readonly conversations = new Map<string, Record<string, unknown>>();
  private readonly watchers: Array<{ matches: (call: RecordedCall) => boolean; resolve: (call: RecordedCall) => void }> = [];
  private readonly sockets = new Set<WebSocket>();
  private server?: Server;
  private wss?: WebSocketServer;
  private nextTs = 1_700_000_000;
  port = 0;

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  responseUrl(id: string): string {
    return `http://127.0.0.1:${this.port}/response/${id}`;
  }

  get connectedSockets(): number {
    return this.sockets.size;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, headers, body }) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      });
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/socket' });
    this.wss.on('connection', (ws) => {
      this.sockets.add(ws);
      ws.on('message', (data) => {
        try {
          this.socketAcks.push(JSON.parse(String(data)) as Record<string, unknown>);
        } catch {
          // not JSON: not an ack
        }
      });
      ws.on('close', () => this.sockets.delete(ws));
      ws.send(JSON.stringify({ type: 'hello', num_connections: this.sockets.size, connection_info: { app_id: 'A0TEST' } }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The next calls of `method` get these responses, in order; then normal service resumes. */
  script(method: string, ...responses: ScriptedResponse[]): void {
    this.scripts.set(method, [...(this.scripts.get(method) ?? []), ...responses]);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the next call that matches, the moment it arrives (no polling). */
  nextCall(matches: (call: RecordedCall) => boolean): Promise<RecordedCall> {
    return new Promise((resolve) => this.watchers.push({ matches, resolve }));
  }

  /** Polls (10 ms) until `predicate` holds for the recorded calls; rejects after `timeoutMs`. */
  async waitFor(predicate: (calls: RecordedCall[]) => boolean, timeoutMs = 5000): Promise<RecordedCall[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.calls)) {
      if (Date.now() > deadline) throw new Error(`fake Slack: condition not met; calls: ${this.calls.map((c) => c.method).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.calls;
  }

  /** Waits for `count` calls of `method` and returns them. */
  async waitForCalls(method: string, count = 1, timeoutMs = 5000): Promise<RecordedCall[]> {
    await this.waitFor(() => this.callsTo(method).length >= count, timeoutMs);
    return this.callsTo(method);
  }

  /** Sends one Socket Mode envelope to every connected client. */
  sendEnvelope(envelope: Record<string, unknown>): void {
    for (const ws of this.sockets) ws.send(JSON.stringify(envelope));
  }

  async waitForSockets(count: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.sockets.size < count) {
      if (Date.now() > deadline) throw new Error(`fake Slack: ${this.sockets.size} sockets connected, wanted ${count}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss?.close(() => resolve()) ?? resolve());
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; headers?: Record<string, string>; body: Record<string, unknown> }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '').split('?')[0];
    const method = path.startsWith('/response/') ? 'response_url' : path.replace(/^\/api\//, '');
    const args = parseArgs(raw, String(req.headers['content-type'] ?? ''));
    const call: RecordedCall = { method, args, authorization: req.headers.authorization, at: Date.now() };
    this.calls.push(call);
    for (const w of [...this.watchers]) {
      if (!w.matches(call)) continue;
      this.watchers.splice(this.watchers.indexOf(w), 1);
      w.resolve(call);
    }
    const scripted = this.scripts.get(method)?.shift();
    if (scripted?.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
    const answer = scripted
      ? { status: scripted.status ?? 200, headers: scripted.headers, body: scripted.body ?? { ok: true } }
      : { status: 200, body: this.defaultResponse(method, args) };
    call.response = answer.body;
    return answer;
  }

  private defaultResponse(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, ...BOT };
      case 'chat.postMessage': {
        const known = this.conversations.get(String(args.channel));
        if (known && known.is_member !== true) return { ok: false, error: 'not_in_channel' };
        const ts = `${this.nextTs++}.000100`;
        return { ok: true, channel: args.channel, ts, message: { ts, text: args.text, user: BOT.user_id, bot_id: BOT.bot_id } };
      }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${this.nextTs++}.000200` };
      case 'conversations.info': {
        const channel = this.conversations.get(String(args.channel));
        return channel ? { ok: true, channel: { id: args.channel, ...channel } } : { ok: false, error: 'channel_not_found' };
      }
      case 'usergroups.users.list': {
        const members = this.userGroups.get(String(args.usergroup));
        return members ? { ok: true, users: members } : { ok: false, error: 'no_such_subteam' };
      }
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${this.port}/socket` };
      default:
        return { ok: true };
    }
  }
}

/** The Web API client sends form fields with nested values as JSON strings; decode both forms. */
function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const form = parseQuery(raw);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) {
    const value = Array.isArray(v) ? v[0] : v;
    out[k] = typeof value === 'string' && /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
