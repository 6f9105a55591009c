import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import type { Logger } from 'pino';
import { InstallationUnavailableError, type InstallationCache } from './installationCache';
import { installationKey } from './installationKey';
import { withoutRefreshFields, type TokenRotation } from './tokenRotation';

/**
 * Bolt's InstallationStore over our Store: installations are encrypted at rest there
 * (AES-256-GCM, STORE_ENCRYPTION_KEY), shared by all replicas, read through an in-memory cache
 * (installationCache.ts) so acks never wait on the store for a workspace seen before, and every
 * fetch goes through the token rotation so an expiring bot token is refreshed once, under a lock.
 * The rotation is bounded too: past `boundMs` a token that has not expired yet is used as it is.
 */
export function storeInstallationStore(cache: InstallationCache, rotation: TokenRotation, logger: Logger, boundMs = 1000): InstallationStore {
  return {
    async storeInstallation(installation) {
      await cache.save(installation);
      logger.info({ event: 'slack_installed', team: installation.team?.id, enterprise: installation.enterprise?.id, enterpriseInstall: installation.isEnterpriseInstall === true }, 'Slack installation stored');
    },
    async fetchInstallation(query) {
      const installation = await cache.get<Installation>(storeQuery(query));
      // Bolt turns this into an AuthorizationError: the event is acked and not answered.
      if (!installation) throw new Error(`no installation for ${installationKey(query) ?? 'this request'}`);
      const fresh = rotation.fresh(query, installation);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), boundMs);
      });
      try {
        const first = await Promise.race([fresh, late]);
        if (first !== 'late') return first;
      } finally {
        clearTimeout(timer);
      }
      fresh.catch(() => undefined);
      const expiresAt = installation.bot?.expiresAt;
      if (typeof expiresAt === 'number' && expiresAt * 1000 <= Date.now()) throw new InstallationUnavailableError(`the bot token of ${installationKey(query) ?? 'this workspace'} expired and its refresh did not finish within ${boundMs} ms`);
      logger.warn({ event: 'slack_token_refresh_slow', team: installationKey(query) }, 'Slack token refresh is slow; using the current token, which has not expired yet');
      return withoutRefreshFields(installation);
    },
    async deleteInstallation(query) {
      await cache.delete(storeQuery(query));
    },
  };
}

export function storeQuery(query: InstallationQuery<boolean>): { teamId?: string; enterpriseId?: string; isEnterpriseInstall: boolean } {
  return {
    isEnterpriseInstall: query.isEnterpriseInstall === true,
    ...(query.teamId ? { teamId: query.teamId } : {}),
    ...(query.enterpriseId ? { enterpriseId: query.enterpriseId } : {}),
  };
}
