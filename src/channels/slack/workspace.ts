/**
 * The workspace an LLM budget is counted for: the enterprise for org-wide installs, else the
 * team (as installations are keyed). Undefined when the event names neither.
 */
export function slackWorkspace(target: { teamId?: string | undefined; enterpriseId?: string | undefined; isEnterpriseInstall?: boolean | undefined }): string | undefined {
  const id = target.isEnterpriseInstall && target.enterpriseId ? target.enterpriseId : (target.teamId ?? target.enterpriseId);
  return id ? `slack:${id}` : undefined;
}
