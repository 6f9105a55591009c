import { CallerIdConstants, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
// botbuilder's own dependency (same version); botbuilder does not re-export the auth constants.
import { AuthenticationConstants } from 'botframework-connector';
import type { Config } from '../../config';
import { isLoopbackHost } from './serviceUrls';

/**
 * Every key ConfigurationBotFrameworkAuthentication (and its credential factory) understands,
 * taken from the environment, so a deployment (or a test) can point the bot at another cloud
 * or at a local OpenID metadata document without code changes.
 */
const AUTH_KEYS = [
  'MicrosoftAppId',
  'MicrosoftAppPassword',
  'MicrosoftAppType',
  'MicrosoftAppTenantId',
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

/** Keys that make botbuilder switch to a fully "parameterized" cloud, where it expects all of them. */
const PARAMETERIZED_KEYS = [
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'ToBotFromChannelTokenIssuer',
  'OAuthUrl',
  'OAuthApiEndpoint',
  'BotOpenIdMetadata',
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromEmulatorOpenIdMetadataUrl',
  'CallerId',
] as const;

export function botFrameworkAuthOptions(config: Config): ConfigurationBotFrameworkAuthenticationOptions {
  const options: Record<string, string> = {};
  for (const key of AUTH_KEYS) {
    const value = config.raw[key]?.trim();
    if (value) options[key] = value;
  }
  // The parsed config is authoritative for the four app settings (it trims and validates them).
  for (const key of ['MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppType', 'MicrosoftAppTenantId'] as const) {
    const value = config[key];
    if (value) options[key] = value;
    else delete options[key];
  }
  // botbuilder treats any one of these as "a custom cloud" and then leaves the others empty
  // (an empty issuer rejects every token). Fill the gaps with the public-cloud values.
  if (!options.ChannelService && PARAMETERIZED_KEYS.some((k) => options[k])) {
    options.ToChannelFromBotLoginUrl ??= `${AuthenticationConstants.ToChannelFromBotLoginUrlPrefix}${config.MicrosoftAppTenantId ?? AuthenticationConstants.DefaultChannelAuthTenant}`;
    options.ToChannelFromBotOAuthScope ??= AuthenticationConstants.ToChannelFromBotOAuthScope;
    options.ToBotFromChannelTokenIssuer ??= AuthenticationConstants.ToBotFromChannelTokenIssuer;
    options.OAuthUrl ??= options.OAuthApiEndpoint ?? AuthenticationConstants.OAuthUrl;
    options.ToBotFromChannelOpenIdMetadataUrl ??= options.BotOpenIdMetadata ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl;
    options.ToBotFromEmulatorOpenIdMetadataUrl ??= AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl;
    options.CallerId ??= CallerIdConstants.PublicAzureChannel;
  }
  return options as ConfigurationBotFrameworkAuthenticationOptions;
}

export type TeamsAuthMode = { kind: 'authenticated'; appId: string } | { kind: 'unauthenticated' } | { kind: 'off' };

export class TeamsAuthConfigError extends Error {
  readonly code = 'TEAMS_UNAUTHENTICATED_NOT_LOOPBACK';
  constructor(host: string) {
    super(
      `TEAMS_ALLOW_UNAUTHENTICATED=true without MicrosoftAppId is only allowed when HOST is a loopback address (got ${host}); set MicrosoftAppId, or HOST=127.0.0.1 for the Bot Framework Emulator`,
    );
    this.name = 'TeamsAuthConfigError';
  }
}

/**
 * Authentication is never silently off: without an app id Teams runs only when explicitly
 * allowed AND the server listens on loopback (the Bot Framework Emulator); otherwise it is off,
 * or the start fails when unauthenticated mode was asked for on a reachable address.
 */
export function teamsAuthMode(config: Config): TeamsAuthMode {
  if (config.MicrosoftAppId) return { kind: 'authenticated', appId: config.MicrosoftAppId };
  if (!config.TEAMS_ALLOW_UNAUTHENTICATED) return { kind: 'off' };
  if (!isLoopbackHost(config.HOST)) throw new TeamsAuthConfigError(config.HOST);
  return { kind: 'unauthenticated' };
}
