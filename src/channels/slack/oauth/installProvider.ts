import { InstallProvider, defaultCallbackFailure, defaultCallbackSuccess, type CallbackOptions } from '@slack/oauth';
import type { Logger as BoltLogger, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Metrics } from '../../../metrics';
import type { Store } from '../../../store/types';
import { BOT_SCOPES } from './botScopes';
import { InstallationCache } from './installationCache';
import { storeInstallationStore } from './storeInstallationStore';
import { TokenRotation } from './tokenRotation';
import type { SlackSettings } from '../settings';

export interface OAuthDeps {
  settings: Pick<SlackSettings, 'SLACK_CLIENT_ID' | 'SLACK_CLIENT_SECRET' | 'SLACK_STATE_SECRET' | 'SLACK_INSTALLATION_MISS_MS' | 'SLACK_INSTALLATION_CACHE_SECONDS' | 'installationsEncrypted'>;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  boltLogger: BoltLogger;
  /** The same Web API options as every other client: SLACK_API_URL applies to oauth.v2.access too. */
  clientOptions: webApi.WebClientOptions;
}

/**
 * Bolt's OAuth installer for the distributed app: `/slack/install` redirects straight to Slack
 * (directInstall) with our client id, the manifest's bot scopes and a signed state that is
 * also set as a cookie; `/slack/oauth_redirect` checks both, exchanges the code with
 * oauth.v2.access and stores the installation, encrypted. Its `authorize` is what Bolt uses
 * for every event.
 */
export function createInstallProvider(deps: OAuthDeps): { installer: InstallProvider; cache: InstallationCache } {
  const { settings, store, logger, metrics } = deps;
  const clientId = settings.SLACK_CLIENT_ID;
  const clientSecret = settings.SLACK_CLIENT_SECRET;
  const stateSecret = settings.SLACK_STATE_SECRET;
  if (!clientId || !clientSecret || !stateSecret) throw new Error('SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET are required for the distributed Slack app');
  // Checked again here (config already refuses it) because tokens must never be stored in clear.
  if (!settings.installationsEncrypted) throw new Error('STORE_ENCRYPTION_KEY is required for the distributed Slack app: installation tokens are encrypted at rest');
  const cache = new InstallationCache({
    store,
    logger,
    metrics,
    missBoundMs: settings.SLACK_INSTALLATION_MISS_MS,
    revalidateMs: settings.SLACK_INSTALLATION_CACHE_SECONDS * 1000,
  });
  const rotation = new TokenRotation({ store, clientId, clientSecret, clientOptions: deps.clientOptions, logger, metrics, onSaved: (i) => cache.put(i) });
  const installer = new InstallProvider({
    clientId,
    clientSecret,
    stateSecret,
    directInstall: true,
    installationStore: storeInstallationStore(cache, rotation, logger, settings.SLACK_INSTALLATION_MISS_MS),
    installUrlOptions: { scopes: [...BOT_SCOPES] },
    logger: deps.boltLogger,
    clientOptions: deps.clientOptions,
  });
  return { installer, cache };
}

/** Logs the outcome of an install (never a token), then answers with Bolt's escaped pages. */
export function installCallbackOptions(logger: Logger, metrics: Metrics): CallbackOptions {
  return {
    success: (installation, options, req, res) => {
      logger.info({ event: 'slack_install_completed', team: installation.team?.id, enterprise: installation.enterprise?.id }, 'Slack app installed');
      defaultCallbackSuccess(installation, options, req, res);
    },
    failure: (error, options, req, res) => {
      metrics.errors.inc({ component: 'slack_oauth' });
      logger.warn({ event: 'slack_install_failed', code: error.code }, 'Slack install failed');
      defaultCallbackFailure(error, options, req, res);
    },
  };
}
