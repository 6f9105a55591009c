import type { Config } from '../../config';
import { OUTBOX_SETTING_KEYS } from '../channel';

/** Every setting the Teams channel reads: src/app.ts hands it these and nothing else. */
export const TEAMS_SETTING_KEYS = [
  ...OUTBOX_SETTING_KEYS,
  'HOST',
  'MicrosoftAppId',
  'MicrosoftAppPassword',
  'MicrosoftAppType',
  'MicrosoftAppTenantId',
  'TEAMS_ALLOW_UNAUTHENTICATED',
  'teamsServiceHosts',
  'TEAMS_ESCALATION_CHANNEL',
  'TEAMS_DIGEST_CHANNEL',
  'TEAMS_CURATORS',
  'TEAMS_TENANT_ID',
  'TEAMS_PROACTIVE_SERVICE_URL',
  'TEAMS_POST_SPACING_MS',
  'TEAMS_SHUTDOWN_DRAIN_MS',
  'ONBOARDING_ENABLED',
  'MESSAGE_ACTION_ENABLED',
] as const satisfies readonly (keyof Config)[];

/**
 * botbuilder's own authentication keys beyond the four app settings, taken from the environment
 * as they are, so a deployment (or a test) can point the bot at another cloud, a certificate or
 * a local OpenID metadata document without code changes.
 */
export const BOT_FRAMEWORK_ENV_KEYS = [
  'CertificateThumbprint',
  'CertificatePrivateKey',
  'ChannelService',
  'ValidateAuthority',
  'OAuthApiEndpoint',
  'BotOpenIdMetadata',
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'ToBotFromChannelTokenIssuer',
  'OAuthUrl',
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromEmulatorOpenIdMetadataUrl',
  'CallerId',
] as const;

export type BotFrameworkEnvKey = (typeof BOT_FRAMEWORK_ENV_KEYS)[number];

export type TeamsSettings = Pick<Config, (typeof TEAMS_SETTING_KEYS)[number]> & {
  /** The BOT_FRAMEWORK_ENV_KEYS that are set in the environment, trimmed. */
  botFramework: Partial<Record<BotFrameworkEnvKey, string>>;
};
