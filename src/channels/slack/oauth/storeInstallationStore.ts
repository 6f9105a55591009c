import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import type { Logger } from 'pino';
import type { Store } from '../../../store/types';
import { installationKey } from './installationKey';
import type { TokenRotation } from './tokenRotation';

/**
 * Bolt's InstallationStore over our Store: installations are encrypted at rest there
 * (AES-256-GCM, STORE_ENCRYPTION_KEY), shared by all replicas, and every fetch goes through
 * the token rotation so an expiring bot token is refreshed once, under a lock.
 */
export function storeInstallationStore(store: Store, rotation: TokenRotation, logger: Logger): InstallationStore {
  return {
    async storeInstallation(installation) {
      await store.saveInstallation(installation);
      logger.info({ event: 'slack_installed', team: installation.team?.id, enterprise: installation.enterprise?.id, enterpriseInstall: installation.isEnterpriseInstall === true }, 'Slack installation stored');
    },
    async fetchInstallation(query) {
      const installation = await store.getInstallation<Installation>(storeQuery(query));
      // Bolt turns this into an AuthorizationError: the event is acked and not answered.
      if (!installation) throw new Error(`no installation for ${installationKey(query) ?? 'this request'}`);
      return rotation.fresh(query, installation);
    },
    async deleteInstallation(query) {
      await store.deleteInstallation(storeQuery(query));
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
