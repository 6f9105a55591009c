/**
 * Backoff for the Bot Framework connector. Teams throttles per thread and per app (429) and its
 * gateway answers 412, 502 and 504 under load (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit).
 * The connector client's own pipeline (@azure/core-rest-pipeline) already retries 5xx and 408
 * three times with exponential backoff and jitter, and 429/503 that carry Retry-After; retrying
 * those again here would multiply the attempts. This layer adds what it leaves out: 429 without
 * Retry-After (or after its retries), and 412.
 */

export const RETRYABLE_STATUSES = new Set([412, 429]);

export interface RetryOptions {
  /** Attempts in total, the first one included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** 0..1; injectable so tests can check the bounds. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: { attempt: number; status: number; delayMs: number }) => void;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 250, maxDelayMs: 4000 };

/** The HTTP status of a failed connector call (RestError-like errors carry `statusCode`). */
export function statusOf(err: unknown): number | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const v of [e.statusCode, e.status, e.response?.status]) if (typeof v === 'number') return v;
  return undefined;
}

/** Seconds or an HTTP date from a Retry-After header, when the connector sent one. */
export function retryAfterMs(err: unknown, now = Date.now()): number | undefined {
  const headers = (err as { response?: { headers?: { get?: (name: string) => string | undefined } } })?.response?.headers;
  const raw = typeof headers?.get === 'function' ? headers.get('retry-after') : undefined;
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** Exponential backoff with "equal jitter": uniform in [base * 2^(attempt-1) / 2, base * 2^(attempt-1)], capped. */
export function backoffDelayMs(attempt: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const random = options.random ?? Math.random;
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const status = statusOf(err);
      if (status === undefined || !RETRYABLE_STATUSES.has(status) || attempt >= options.attempts) throw err;
      const delayMs = Math.min(options.maxDelayMs, Math.max(backoffDelayMs(attempt, options), retryAfterMs(err) ?? 0));
      options.onRetry?.({ attempt, status, delayMs });
      await (options.sleep ?? defaultSleep)(delayMs);
    }
  }
}
