import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenAI-compatible server (POST /v1/chat/completions) scripted per test, reached by
 * the real `openai` SDK through OPENAI_BASE_URL. It records every request it receives.
 */

export interface ChatRequestBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
  tools?: unknown;
  max_completion_tokens?: number;
  [key: string]: unknown;
}

export interface FakeRequest {
  body: ChatRequestBody;
  rawBody: string;
  headers: IncomingHttpHeaders;
}

export interface FakeReply {
  status?: number;
  /** JSON body; ignored when rawBody is set. */
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

export type Script = (request: FakeRequest, index: number) => FakeReply;

export class FakeOpenAi {
  readonly requests: FakeRequest[] = [];
  script: Script = (req) => ({ body: completion(explanationJson('AWS and you each have a part here [1].', [1]), { model: req.body.model }) });
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeOpenAi> {
    let fake: FakeOpenAi | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const self = fake!;
        const rawBody = Buffer.concat(chunks).toString('utf8');
        if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
          return;
        }
        const request: FakeRequest = { body: JSON.parse(rawBody) as ChatRequestBody, rawBody, headers: req.headers };
        const index = self.requests.length;
        self.requests.push(request);
        const reply = self.script(request, index);
        const send = () => {
          if (res.destroyed) return;
          const headers = { 'content-type': 'application/json', 'x-request-id': `req_fake_${index + 1}`, ...reply.headers };
          res.writeHead(reply.status ?? 200, headers).end(reply.rawBody ?? JSON.stringify(reply.body ?? {}));
        };
        if (!reply.delayMs) return send();
        const timer = setTimeout(() => {
          self.timers.delete(timer);
          send();
        }, reply.delayMs);
        self.timers.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          self.timers.delete(timer);
        });
      });
    });
    fake = new FakeOpenAi(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** Replies in order; the last one repeats. */
  reply(...replies: FakeReply[]): void {
    let i = 0;
    this.script = () => replies[Math.min(i++, replies.length - 1)];
  }

  reset(): void {
    this.requests.length = 0;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function explanationJson(explanation: string, citations: Array<number | string>): string {
  return JSON.stringify({ explanation, citations });
}

export interface CompletionOptions {
  finishReason?: string;
  model?: string;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  refusal?: string | null;
}

/** A chat.completion body as OpenAI returns it. */
export function completion(content: string | null, options: CompletionOptions = {}): unknown {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: options.model ?? 'fake-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: options.refusal ?? null },
        finish_reason: options.finishReason ?? 'stop',
        logprobs: null,
      },
    ],
    usage: options.usage ?? { prompt_tokens: 812, completion_tokens: 64, total_tokens: 876 },
  };
}

/** An OpenAI error body. */
export function apiError(status: number, code: string | null, type: string, message: string, headers: Record<string, string> = {}): FakeReply {
  return { status, body: { error: { message, type, param: null, code } }, headers };
}

export const rateLimited = (retryAfterMs = 5) =>
  apiError(429, 'rate_limit_exceeded', 'requests', 'Rate limit reached for requests', { 'retry-after-ms': String(retryAfterMs) });
export const quotaExceeded = () =>
  apiError(429, 'insufficient_quota', 'insufficient_quota', 'You exceeded your current quota, please check your plan and billing details.');
export const serverError = (retryAfterMs = 5) => apiError(500, null, 'server_error', 'The server had an error while processing your request.', { 'retry-after-ms': String(retryAfterMs) });
