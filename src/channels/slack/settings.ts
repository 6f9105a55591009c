import type { Config } from '../../config';
import { OUTBOX_SETTING_KEYS } from '../channel';

/** Every setting the Slack channel reads: src/app.ts hands it these and nothing else. */
export const SLACK_SETTING_KEYS = [
  ...OUTBOX_SETTING_KEYS,
  'slackEnabled',
  'slackMode',
  'slackOAuth',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'SLACK_API_URL',
  'SLACK_CLIENT_ID',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'SLACK_INSTALLATION_MISS_MS',
  'SLACK_INSTALLATION_CACHE_SECONDS',
  'SLACK_POST_SPACING_MS',
  'SLACK_HOME_TAB_ENABLED',
  'MESSAGE_ACTION_ENABLED',
  'ESCALATION_CHANNEL',
  'slackCurators',
  'slackDigests',
  'QUESTION_LOG_ENABLED',
  'QUESTION_LOG_DAYS',
  'ONBOARDING_ENABLED',
  'ONBOARDING_CHANNELS',
  'ONBOARDING_ADMINS',
] as const satisfies readonly (keyof Config)[];

export type SlackSettings = Pick<Config, (typeof SLACK_SETTING_KEYS)[number]> & {
  /** STORE_ENCRYPTION_KEY is set, so the store encrypts installations (the key itself stays with the store). */
  installationsEncrypted: boolean;
};
