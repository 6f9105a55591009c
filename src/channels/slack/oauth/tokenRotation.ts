import { webApi } from '@slack/bolt';
import type { Installation, InstallationQuery } from '@slack/oauth';
import type { Logger } from 'pino';
import type { Metrics } from '../../../metrics';
import type { Store } from '../../../store/types';
import { installationKey } from './installationKey';

/** Refresh when the bot token has less than this left (Bolt uses the same two-hour window). */
export const REFRESH_WINDOW_SECONDS = 2 * 3600;
/** How long the refresh lock is held: longer than one oauth.v2.access call may take (10 s timeout). */
export const REFRESH_LOCK_SECONDS = 30;

export interface TokenRotationOptions {
  store: Store;
  clientId: string;
  clientSecret: string;
  /** Options of the Web API client that calls oauth.v2.access (SLACK_API_URL, logger). */
  clientOptions: webApi.WebClientOptions;
  logger: Logger;
  metrics: Metrics;
  /** Called with a refreshed installation once it is stored (the installation cache keeps it). */
  onSaved?: (installation: AnyInstallation) => void;
  /** How long a replica that lost the lock waits for the winner's new token. */
  waitMs?: number;
  pollMs?: number;
  nowSeconds?: () => number;
}

type AnyInstallation = Installation<'v1' | 'v2', boolean>;

/**
 * Slack token rotation across replicas. A refresh token is single-use, so only the replica
 * that wins `store.claimEvent('refresh:<team>')` calls oauth.v2.access and saves the new
 * tokens; the others poll the store until the new token appears. The installation handed on
 * to Bolt carries no refresh token, so Bolt's own (unlocked) refresh never runs.
 */
export class TokenRotation {
  private readonly client: webApi.WebClient;
  private readonly waitMs: number;
  private readonly pollMs: number;
  private readonly nowSeconds: () => number;

  constructor(private readonly options: TokenRotationOptions) {
    // No automatic retry: a retried refresh would present a refresh token Slack may already have spent.
    this.client = new webApi.WebClient(undefined, { ...options.clientOptions, retryConfig: { retries: 0 } });
    this.waitMs = options.waitMs ?? 5000;
    this.pollMs = options.pollMs ?? 50;
    this.nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  }

  /** The installation with a bot token that is not about to expire, refreshed if needed. */
  async fresh<T extends AnyInstallation>(query: InstallationQuery<boolean>, installation: T): Promise<T> {
    if (!this.expiring(installation)) return withoutRefreshFields(installation);
    const key = installationKey(query);
    if (!key) return withoutRefreshFields(installation);
    if (await this.options.store.claimEvent(`refresh:${key}`, REFRESH_LOCK_SECONDS)) {
      // Another replica may have refreshed between our read and our claim: re-read first.
      const current = (await this.options.store.getInstallation<T>(query)) ?? installation;
      if (!this.expiring(current)) return withoutRefreshFields(current);
      return withoutRefreshFields(await this.refresh(query, current));
    }
    return withoutRefreshFields(await this.awaitOtherReplica(query, installation));
  }

  private expiring(installation: AnyInstallation): boolean {
    const bot = installation.bot;
    if (!bot?.refreshToken || typeof bot.expiresAt !== 'number') return false;
    return bot.expiresAt - this.nowSeconds() <= REFRESH_WINDOW_SECONDS;
  }

  private expired(installation: AnyInstallation): boolean {
    const expiresAt = installation.bot?.expiresAt;
    return typeof expiresAt === 'number' && expiresAt <= this.nowSeconds();
  }

  private async refresh<T extends AnyInstallation>(query: InstallationQuery<boolean>, installation: T): Promise<T> {
    const { logger, metrics, store } = this.options;
    const bot = installation.bot!;
    let response: webApi.OauthV2AccessResponse;
    try {
      response = await this.client.oauth.v2.access({
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: bot.refreshToken!,
      });
    } catch (err) {
      metrics.errors.inc({ component: 'slack_token_refresh' });
      logger.error({ event: 'slack_token_refresh_failed', team: installationKey(query), error: (err as Error).message }, 'Slack token refresh failed');
      if (this.expired(installation)) throw new Error('the bot token expired and could not be refreshed', { cause: err });
      return installation; // still valid for a while; the next event after the lock expires retries
    }
    if (!response.access_token || !response.refresh_token || typeof response.expires_in !== 'number') {
      metrics.errors.inc({ component: 'slack_token_refresh' });
      throw new Error('oauth.v2.access returned no rotated bot token');
    }
    const refreshed: T = {
      ...installation,
      bot: { ...bot, token: response.access_token, refreshToken: response.refresh_token, expiresAt: this.nowSeconds() + response.expires_in },
    };
    try {
      await store.saveInstallation(refreshed);
      this.options.onSaved?.(refreshed);
      logger.info({ event: 'slack_token_refreshed', team: installationKey(query), expiresIn: response.expires_in }, 'Slack bot token refreshed');
    } catch (err) {
      // The old refresh token is spent: this replica keeps the new token, but a restart loses it.
      metrics.errors.inc({ component: 'slack_token_refresh' });
      logger.error({ event: 'slack_token_refresh_unsaved', team: installationKey(query), error: (err as Error).message }, 'refreshed Slack token could not be stored');
    }
    return refreshed;
  }

  /** Polls the store until the lock holder's new token is there, or the wait is over. */
  private async awaitOtherReplica<T extends AnyInstallation>(query: InstallationQuery<boolean>, stale: T): Promise<T> {
    const deadline = Date.now() + this.waitMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
      const current = await this.options.store.getInstallation<T>(query);
      if (!current) throw new Error('the installation was removed while its token was being refreshed');
      if (current.bot?.token !== stale.bot?.token) return current;
    }
    this.options.logger.warn({ event: 'slack_token_refresh_wait_timeout', team: installationKey(query) }, 'another replica is still refreshing the Slack token');
    if (this.expired(stale)) throw new Error('the bot token expired and another replica has not stored a new one yet');
    return stale;
  }
}

/** Bolt refreshes any installation that carries a refresh token near expiry; ours never does. */
export function withoutRefreshFields<T extends AnyInstallation>(installation: T): T {
  const out: T = { ...installation };
  if (out.bot) out.bot = { ...out.bot, refreshToken: undefined, expiresAt: undefined };
  if (out.user) out.user = { ...out.user, refreshToken: undefined, expiresAt: undefined };
  return out;
}
