import { webApi } from '@slack/bolt';

/** What a chat.* call returns that the outbox reads. */
export interface ChatResult {
  ok: boolean;
  channel?: string;
  ts?: string;
  [key: string]: unknown;
}

/** The chat methods every answer uses: the same names and arguments as the Web API client's. */
export interface ChatPoster {
  postMessage(args: Record<string, unknown>): Promise<ChatResult>;
  postEphemeral(args: Record<string, unknown>): Promise<ChatResult>;
  update(args: Record<string, unknown>): Promise<ChatResult>;
}

export interface ChatPosterOptions {
  /** Ends with a slash (`https://slack.com/api/`). */
  slackApiUrl: string;
  token: string;
  fetch: typeof fetch;
  timeoutMs: number;
}

/**
 * chat.postMessage, chat.postEphemeral and chat.update as one JSON POST each (Slack takes JSON
 * bodies for these methods), for the reply outbox's hot path. The SDK's client builds a debug
 * line of every call's redacted arguments and form-encodes the blocks whatever the log level,
 * which under load cost more than the rest of the post. Failures are the SDK's own error types
 * (rate limited with `retryAfter`, platform error with `data.error`, HTTP and request errors),
 * so classifySlackError and the outbox treat both alike. No retries: the outbox retries.
 */
export function chatPoster(options: ChatPosterOptions): ChatPoster {
  const headers = { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${options.token}` };
  const call = async (method: string, args: Record<string, unknown>): Promise<ChatResult> => {
    let response: Response;
    try {
      response = await options.fetch(`${options.slackApiUrl}${method}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(args),
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (err) {
      throw new webApi.WebAPIRequestError(err instanceof Error ? err : new Error(String(err)));
    }
    if (response.status === 429) {
      const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
      await response.body?.cancel().catch(() => undefined);
      throw Number.isFinite(retryAfter) && retryAfter >= 0
        ? new webApi.WebAPIRateLimitedError(retryAfter)
        : new Error(`Retry header did not contain a valid timeout (method: ${method}, retry-after header: ${response.headers.get('retry-after')})`);
    }
    const text = await response.text();
    if (response.status !== 200) throw new webApi.WebAPIHTTPError(response.status, response.statusText, Object.fromEntries(response.headers.entries()), text);
    let result: ChatResult;
    try {
      result = JSON.parse(text) as ChatResult;
    } catch {
      result = { ok: false, error: text };
    }
    if (!result.ok) throw new webApi.WebAPIPlatformError(result as unknown as webApi.WebAPICallResult & { error: string });
    return result;
  };
  return {
    postMessage: (args) => call('chat.postMessage', args),
    postEphemeral: (args) => call('chat.postEphemeral', args),
    update: (args) => call('chat.update', args),
  };
}
