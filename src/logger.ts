import pino, { type Logger } from 'pino';

/** Paths that may hold secrets anywhere in a log object; pino replaces them before writing. */
const REDACT = [
  '*.token', '*.botToken', '*.bot_token', '*.appToken', '*.signingSecret', '*.password', '*.apiKey', '*.api_key',
  '*.authorization', '*.Authorization', 'req.headers.authorization', 'req.headers["x-slack-signature"]',
  '*.MicrosoftAppPassword', '*.OPENAI_API_KEY', '*.SLACK_BOT_TOKEN', '*.SLACK_SIGNING_SECRET', '*.SLACK_APP_TOKEN',
  '*.STORE_ENCRYPTION_KEY', '*.clientSecret',
];

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'whosecures' }, redact: { paths: REDACT, censor: '[redacted]' } }, destination);
}

export type { Logger };
