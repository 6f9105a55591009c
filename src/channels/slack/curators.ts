import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { errorSummary } from './reply/slackErrors';

/**
 * Who may act as a curator in Slack: answer or close an escalation, run `/whosecures gaps`, see
 * the Home tab's gaps. SLACK_CURATORS lists user ids (`U…`, `W…`) and user group ids (`S…`);
 * unset, the curators are ONBOARDING_ADMINS, as before. A group's members are read with the
 * workspace's own token (`usergroups.users.list`, scope `usergroups:read`) and kept a few
 * minutes; a lookup that fails makes nobody a curator through that group (closed, logged).
 */
export interface SlackCurators {
  /** Any user or group is configured (nobody is a curator otherwise). */
  readonly configured: boolean;
  /** `workspace` keys the group cache (`slack:T…`): a group id belongs to one workspace. */
  isCurator(userId: string, client: webApi.WebClient, workspace: string | undefined): Promise<boolean>;
}

/** Told to someone who pressed a curator's button or ran a curator's command without being one. */
export const NOT_A_CURATOR_NOTE = 'Only the knowledge-base curators can do this (SLACK_CURATORS). If you should be one, ask whoever runs whosecures to add you or your user group.';

const GROUP_TTL_MS = 5 * 60_000;
const MAX_CACHED_GROUPS = 1000;

export function slackCurators(ids: readonly string[], logger: Logger, now: () => number = Date.now): SlackCurators {
  const users = new Set(ids.filter((id) => /^[UW][A-Z0-9]{2,}$/.test(id)));
  const groups = ids.filter((id) => /^S[A-Z0-9]{2,}$/.test(id));
  const cache = new Map<string, { members: Set<string>; at: number }>();
  /** Lookups in flight: clicks at the same moment share one call. */
  const reading = new Map<string, Promise<Set<string> | undefined>>();

  const members = (group: string, client: webApi.WebClient, workspace: string | undefined): Promise<Set<string> | undefined> => {
    const key = `${workspace ?? ''}:${group}`;
    const cached = cache.get(key);
    if (cached && now() - cached.at < GROUP_TTL_MS) return Promise.resolve(cached.members);
    let pending = reading.get(key);
    if (!pending) {
      pending = read(key, group, client).finally(() => reading.delete(key));
      reading.set(key, pending);
    }
    return pending;
  };

  const read = async (key: string, group: string, client: webApi.WebClient): Promise<Set<string> | undefined> => {
    try {
      const result = await client.usergroups.users.list({ usergroup: group });
      const found = new Set(result.users ?? []);
      if (cache.size >= MAX_CACHED_GROUPS) cache.delete(cache.keys().next().value as string);
      cache.set(key, { members: found, at: now() });
      return found;
    } catch (err) {
      // Not cached: the next click asks again (a scope granted since, a hiccup over).
      logger.warn({ event: 'slack_curator_group_lookup_failed', group, err: errorSummary(err) }, 'could not read a curators\u2019 user group (SLACK_CURATORS); its members are not curators until it can be read');
      return undefined;
    }
  };

  return {
    configured: users.size > 0 || groups.length > 0,
    async isCurator(userId, client, workspace) {
      if (users.has(userId)) return true;
      for (const group of groups) {
        if ((await members(group, client, workspace))?.has(userId)) return true;
      }
      return false;
    },
  };
}
