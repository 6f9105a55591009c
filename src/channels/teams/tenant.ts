import type { Activity } from 'botbuilder';

/** The Entra tenant an activity comes from (Teams sends it on the conversation and in channelData). */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  return activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
}

/** The workspace an LLM budget is counted for: the tenant. */
export function teamsWorkspace(activity: Partial<Activity>): string | undefined {
  const tenant = tenantOf(activity);
  return tenant ? `teams:${tenant}` : undefined;
}
