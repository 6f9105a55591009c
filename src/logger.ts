import pino, { type Logger } from 'pino';

/**
 * Keys whose values are replaced wherever they appear in a log object, at any depth. (Checked in
 * the same walk that scrubs secret values below: pino's own path redaction clones every logged
 * object and cost more than the rest of writing an answer's log line.)
 */
const REDACTED_KEYS = new Set([
  'token', 'botToken', 'bot_token', 'appToken', 'signingSecret', 'password', 'apiKey', 'api_key',
  'authorization', 'Authorization', 'x-slack-signature',
  'MicrosoftAppPassword', 'OPENAI_API_KEY', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN',
  'STORE_ENCRYPTION_KEY', 'clientSecret',
]);
const CENSOR = '[redacted]';

/** Token shapes scrubbed from any logged text: OpenAI keys, Slack bot/user/app/refresh tokens. */
const TOKEN_PATTERNS = /\b(?:sk-[A-Za-z0-9_-]{8,}|xox[abposre]-[A-Za-z0-9-]{8,}|xapp-[A-Za-z0-9-]{8,}|xoxe(?:\.xox[bp])?-[A-Za-z0-9-]{8,})/g;

/**
 * Replaces every configured secret value and every token-shaped string in `text`. Error text
 * from providers (an LLM echoing its API key, a Slack error quoting a token) passes through here
 * before it reaches a log line.
 */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(TOKEN_PATTERNS, CENSOR);
  for (const secret of secrets) if (secret.length >= 6 && out.includes(secret)) out = out.split(secret).join(CENSOR);
  return out;
}

function scrubValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrubSecrets(value.message, secrets), ...(value.stack ? { stack: scrubSecrets(value.stack, secrets) } : {}) };
  }
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = REDACTED_KEYS.has(k) && v !== undefined && v !== null ? CENSOR : scrubValue(v, secrets, depth + 1);
  return out;
}

/** `secrets`: the configured secret values (tokens, keys, passwords) never to be written. */
export function createLogger(level = 'info', destination?: pino.DestinationStream, secrets: readonly string[] = []): Logger {
  const known = secrets.filter((s) => typeof s === 'string' && s.length >= 6);
  return pino(
    {
      level,
      base: { service: 'whosecures' },
      formatters: { log: (object) => scrubValue(object, known) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrubSecrets(a, known) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

export type { Logger };
