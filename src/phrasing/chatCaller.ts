import OpenAI from 'openai';
import type { ChatMessage } from './prompt';
import { MAX_COMPLETION_TOKENS, PHRASING_JSON_SCHEMA } from './prompt';

/**
 * One chat completion with our own retry loop (the SDK's is off: maxRetries 0), because 429s
 * differ: `rate_limit_exceeded` is worth a retry, `insufficient_quota` never is.
 */

export type ResponseFormatLevel = 'json_schema' | 'json_object' | 'none';

export type CallFailure = 'timeout' | 'rate_limited' | 'quota' | 'server_error' | 'connection_error' | 'auth' | 'bad_request' | 'deadline';

export interface CallSuccess {
  ok: true;
  content: string | null;
  refusal: string | null;
  finishReason: string | null;
  usage?: { prompt: number; completion: number; total: number };
  requestId?: string;
  attempts: number;
  format: ResponseFormatLevel;
}

export interface CallError {
  ok: false;
  failure: CallFailure;
  status?: number;
  code?: string;
  requestId?: string;
  attempts: number;
  message: string;
}

export type CallResult = CallSuccess | CallError;

export interface ChatCallerOptions {
  client: OpenAI;
  model: string;
  /** Per-call timeout (OPENAI_TIMEOUT_MS). */
  timeoutMs: number;
  /** Attempts per question, the first included. */
  maxAttempts?: number;
  /** First backoff step; doubled per retry, with jitter, when the server sends no Retry-After. */
  backoffBaseMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** The structured output asked for (default: the phrasing schema) and its token bound. */
  jsonSchema?: JsonSchemaFormat;
  maxCompletionTokens?: number;
}

export interface JsonSchemaFormat {
  name: string;
  strict: boolean;
  schema: Record<string, unknown>;
}

/** A call is not started with less time than this left before the deadline. */
const MIN_CALL_MS = 50;

export class ChatCaller {
  /** Lowered for good when a server rejects a response_format (older vLLM, Ollama, proxies). */
  private format: ResponseFormatLevel = 'json_schema';
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: ChatCallerOptions) {
    this.maxAttempts = options.maxAttempts ?? 3;
    this.backoffBaseMs = options.backoffBaseMs ?? 400;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get responseFormat(): ResponseFormatLevel {
    return this.format;
  }

  async complete(messages: ChatMessage[], deadlineAt: number): Promise<CallResult> {
    let attempts = 0;
    let last: CallError | undefined;
    while (attempts < this.maxAttempts + 2) {
      const remaining = deadlineAt - this.now();
      if (remaining < MIN_CALL_MS) return last ?? { ok: false, failure: 'deadline', attempts, message: 'no time left before the deadline' };
      attempts++;
      const format = this.format;
      const callTimeout = Math.min(this.options.timeoutMs, remaining);
      const callStarted = this.now();
      try {
        const { data, request_id } = await this.options.client.chat.completions
          .create(
            {
              model: this.options.model,
              messages,
              max_completion_tokens: this.options.maxCompletionTokens ?? MAX_COMPLETION_TOKENS,
              n: 1,
              ...responseFormat(format, this.options.jsonSchema ?? PHRASING_JSON_SCHEMA),
            },
            { timeout: callTimeout, maxRetries: 0 },
          )
          .withResponse();
        const choice = data.choices?.[0];
        return {
          ok: true,
          content: choice?.message?.content ?? null,
          refusal: choice?.message?.refusal ?? null,
          finishReason: choice?.finish_reason ?? null,
          usage: data.usage ? { prompt: data.usage.prompt_tokens ?? 0, completion: data.usage.completion_tokens ?? 0, total: data.usage.total_tokens ?? 0 } : undefined,
          requestId: request_id ?? undefined,
          attempts,
          format,
        };
      } catch (err) {
        const error = classify(err, attempts);
        // Some runtimes hand the SDK an abort it cannot recognise as one: the clock can.
        if (error.failure === 'connection_error' && this.now() - callStarted >= callTimeout - 5) error.failure = 'timeout';
        if (error.failure === 'bad_request' && format !== 'none' && mentionsResponseFormat(err)) {
          // The server does not know this response_format: ask again with a simpler one.
          this.format = format === 'json_schema' ? 'json_object' : 'none';
          last = error;
          continue;
        }
        if (!retryable(error.failure) || attempts >= this.maxAttempts) return error;
        const delay = retryDelay(err, attempts, this.backoffBaseMs);
        if (this.now() + delay + MIN_CALL_MS > deadlineAt) return error;
        last = error;
        await this.sleep(delay);
      }
    }
    return last ?? { ok: false, failure: 'deadline', attempts, message: 'gave up' };
  }
}

function responseFormat(level: ResponseFormatLevel, format: JsonSchemaFormat): Pick<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, 'response_format'> {
  if (level === 'json_schema') return { response_format: { type: 'json_schema', json_schema: { ...format, schema: { ...format.schema } } } };
  if (level === 'json_object') return { response_format: { type: 'json_object' } };
  return {};
}

const retryable = (f: CallFailure) => f === 'rate_limited' || f === 'server_error';

export function classify(err: unknown, attempts: number): CallError {
  const base = { ok: false as const, attempts };
  if (err instanceof OpenAI.APIConnectionTimeoutError) return { ...base, failure: 'timeout', message: 'request timed out' };
  if (err instanceof OpenAI.APIUserAbortError) return { ...base, failure: 'timeout', message: 'request aborted' };
  if (err instanceof OpenAI.APIConnectionError) return { ...base, failure: 'connection_error', message: err.message };
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? 0;
    const code = errorCode(err);
    const info = { ...base, status, code, requestId: err.requestID ?? undefined, message: err.message.slice(0, 300) };
    if (status === 429) return { ...info, failure: code === 'insufficient_quota' ? 'quota' : 'rate_limited' };
    if (status === 401 || status === 403) return { ...info, failure: 'auth' };
    if (status >= 500 || status === 408 || status === 409) return { ...info, failure: 'server_error' };
    return { ...info, failure: 'bad_request' };
  }
  return { ...base, failure: 'connection_error', message: err instanceof Error ? err.message : String(err) };
}

/** `error.code`, or `error.type` for servers that only set the type. */
function errorCode(err: InstanceType<typeof OpenAI.APIError>): string | undefined {
  if (err.code) return err.code;
  if (err.type === 'insufficient_quota') return 'insufficient_quota';
  return err.type ?? undefined;
}

function mentionsResponseFormat(err: unknown): boolean {
  if (!(err instanceof OpenAI.APIError)) return false;
  return err.param === 'response_format' || /response_format|json_schema|json_object|structured output/i.test(err.message);
}

/** Retry-After(-ms) when the server sends one, else exponential backoff with jitter. */
export function retryDelay(err: unknown, attempt: number, baseMs: number, random: () => number = Math.random): number {
  const headers = err instanceof OpenAI.APIError ? err.headers : undefined;
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0 && headers?.get('retry-after-ms') !== null) return ms;
  const seconds = headers?.get('retry-after');
  if (seconds !== null && seconds !== undefined && seconds.trim() !== '') {
    const s = Number(seconds);
    if (Number.isFinite(s) && s >= 0) return s * 1000;
    const at = Date.parse(seconds);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  const step = baseMs * 2 ** (attempt - 1);
  return Math.round(step / 2 + random() * (step / 2));
}
