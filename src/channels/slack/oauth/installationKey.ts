import type { InstallationQuery } from '@slack/oauth';

/** Org-wide installs are keyed by enterprise, all others by workspace, as the store keys them. */
export function installationKey(query: InstallationQuery<boolean>): string | undefined {
  if (query.isEnterpriseInstall && query.enterpriseId) return query.enterpriseId;
  return query.teamId;
}
