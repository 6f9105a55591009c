import { createHmac } from 'node:crypto';

export const TEST_SIGNING_SECRET = 'test-signing-secret-sentinel-5f2c';
export const TEST_BOT_TOKEN = 'xoxb-test-bot-token-sentinel-9d41';
export const TEST_APP_TOKEN = 'xapp-test-app-token-sentinel-7e13';

export interface SignedOptions {
  secret?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  retryNum?: number;
  retryReason?: string;
  contentType?: string;
  /** Send exactly this signature instead of a correct one. */
  signature?: string;
  omit?: Array<'signature' | 'timestamp'>;
}

export interface SlackResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Signs like Slack: HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the signing secret. */
export function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** POSTs a body to /slack/events the way Slack does (JSON for events, form for commands). */
export async function postToSlackEndpoint(baseUrl: string, body: object | string, options: SignedOptions = {}): Promise<SlackResponse> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? (typeof body === 'string' ? 'application/x-www-form-urlencoded' : 'application/json'),
  };
  if (!options.omit?.includes('timestamp')) headers['x-slack-request-timestamp'] = String(timestamp);
  if (!options.omit?.includes('signature')) headers['x-slack-signature'] = options.signature ?? signature(options.secret ?? TEST_SIGNING_SECRET, timestamp, raw);
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
  }
  const res = await fetch(`${baseUrl}/slack/events`, { method: 'POST', headers, body: raw });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
