import { CallerIdConstants, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
// botbuilder's own dependency (same version); botbuilder does not re-export the auth constants.
import { AuthenticationConstants } from 'botframework-connector';
import type { TeamsSettings } from './settings';
import { isLoopbackHost } from './serviceUrls';

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

/** The options of ConfigurationBotFrameworkAuthentication (and its credential factory). */
export function botFrameworkAuthOptions(settings: Pick<TeamsSettings, 'botFramework' | 'MicrosoftAppId' | 'MicrosoftAppPassword' | 'MicrosoftAppType' | 'MicrosoftAppTenantId'>): ConfigurationBotFrameworkAuthenticationOptions {
  const options: Record<string, string> = { ...settings.botFramework };
  // The parsed config is authoritative for the four app settings (it trims and validates them).
  for (const key of ['MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppType', 'MicrosoftAppTenantId'] as const) {
    const value = settings[key];
    if (value) options[key] = value;
  }
  // botbuilder treats any one of these as "a custom cloud" and then leaves the others empty
  // (an empty issuer rejects every token). Fill the gaps with the public-cloud values.
  if (!options.ChannelService && PARAMETERIZED_KEYS.some((k) => options[k])) {
    options.ToChannelFromBotLoginUrl ??= `${AuthenticationConstants.ToChannelFromBotLoginUrlPrefix}${settings.MicrosoftAppTenantId ?? AuthenticationConstants.DefaultChannelAuthTenant}`;
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
export function teamsAuthMode(settings: Pick<TeamsSettings, 'MicrosoftAppId' | 'TEAMS_ALLOW_UNAUTHENTICATED' | 'HOST'>): TeamsAuthMode {
  if (settings.MicrosoftAppId) return { kind: 'authenticated', appId: settings.MicrosoftAppId };
  if (!settings.TEAMS_ALLOW_UNAUTHENTICATED) return { kind: 'off' };
  if (!isLoopbackHost(settings.HOST)) throw new TeamsAuthConfigError(settings.HOST);
  return { kind: 'unauthenticated' };
}
