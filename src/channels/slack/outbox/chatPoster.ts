import http from 'node:http';
import https from 'node:https';
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
  timeoutMs: number;
  /** Told of every 429 (metrics and a log line, as for the SDK client's calls). */
  onRateLimited?: (method: string, retryAfter: string | undefined) => void;
}

interface RawResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  text: string;
}

// Kept-alive connections to the Web API, shared by every poster.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

function post(url: URL, body: string, headers: Record<string, string>, timeoutMs: number): Promise<RawResponse> {
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      url,
      { method: 'POST', agent: agents[secure ? 'https:' : 'http:'], headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          const flat: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: flat, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`the request timed out after ${timeoutMs} ms`)), timeoutMs);
    function fail(err: Error): void {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
    req.end(body);
  });
}

/**
 * chat.postMessage, chat.postEphemeral and chat.update as one JSON POST each (Slack takes JSON
 * bodies for these methods) over kept-alive connections, for the reply outbox's hot path. The
 * SDK's client builds a debug line of every call's redacted arguments and form-encodes the
 * blocks whatever the log level, and fetch wraps every body in web streams; under load these
 * cost more than the rest of the post. Failures are the SDK's own error types (rate limited with
 * `retryAfter`, platform error with `data.error`, HTTP and request errors), so
 * classifySlackError and the outbox treat both alike. No retries, no redirects: the outbox
 * retries.
 */
export function chatPoster(options: ChatPosterOptions): ChatPoster {
  const headers = { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${options.token}` };
  const call = async (method: string, args: Record<string, unknown>): Promise<ChatResult> => {
    let response: RawResponse;
    try {
      response = await post(new URL(`${options.slackApiUrl}${method}`), JSON.stringify(args), headers, options.timeoutMs);
    } catch (err) {
      throw new webApi.WebAPIRequestError(err instanceof Error ? err : new Error(String(err)));
    }
    if (response.status === 429) {
      const header = response.headers['retry-after'];
      options.onRateLimited?.(method, header);
      const retryAfter = Number.parseInt(header ?? '', 10);
      throw Number.isFinite(retryAfter) && retryAfter >= 0
        ? new webApi.WebAPIRateLimitedError(retryAfter)
        : new Error(`Retry header did not contain a valid timeout (method: ${method}, retry-after header: ${header})`);
    }
    if (response.status !== 200) throw new webApi.WebAPIHTTPError(response.status, response.statusText, response.headers, response.text);
    let result: ChatResult;
    try {
      result = JSON.parse(response.text) as ChatResult;
    } catch {
      result = { ok: false, error: response.text };
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
