import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { InstallationCache } from './installationCache';

/**
 * Slack's advice is to delete a workspace's tokens as soon as the app is uninstalled or its
 * tokens are revoked. The two events come in either order, and Bolt skips authorization for
 * both, so each one deletes the installation (from this replica's cache at once, from the store
 * for the others, which notice within SLACK_INSTALLATION_CACHE_SECONDS); deleting twice is harmless. From then on the
 * workspace's events fail authorization and are not answered.
 */
export function registerUninstallListener(app: App, installations: Pick<InstallationCache, 'delete'>, logger: Logger): void {
  for (const type of ['app_uninstalled', 'tokens_revoked'] as const) {
    app.event(type, async ({ context }) => {
      const isEnterpriseInstall = context.isEnterpriseInstall === true;
      const query = { isEnterpriseInstall, ...(context.teamId ? { teamId: context.teamId } : {}), ...(context.enterpriseId ? { enterpriseId: context.enterpriseId } : {}) };
      await installations.delete(query);
      logger.info({ event: 'slack_uninstalled', trigger: type, team: context.teamId, enterprise: context.enterpriseId }, 'Slack installation deleted');
    });
  }
}
