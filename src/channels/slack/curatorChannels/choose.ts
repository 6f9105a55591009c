import type { webApi } from '@slack/bolt';
import { checkChannel, keepable, type ChannelCheck } from './channelCheck';
import type { CuratorChannel, CuratorChannelKind, SlackCuratorChannels } from './curatorChannels';
import type { ChoiceOutcome } from './renderSettings';

/** What a curator asked for: a channel, none in this workspace, or the process's default. */
export type Choice = { channel: string } | 'off' | 'default';

/**
 * A curator's change, from the command or the Home tab. A channel is checked first with the
 * workspace's own token: one the bot can never post in (unknown or private without it,
 * archived, a DM) is refused and nothing changes; one it is not a member of yet is kept, and the
 * answer says how to invite it.
 */
export async function applyChoice(
  channels: SlackCuratorChannels,
  client: webApi.WebClient,
  workspace: string,
  kind: CuratorChannelKind,
  choice: Choice,
  by: string,
): Promise<ChoiceOutcome> {
  if (choice === 'off') return { kept: true, setting: await channels.choose(workspace, kind, null, by) };
  if (choice === 'default') {
    const setting = await channels.reset(workspace, kind);
    return { kept: true, setting, ...(setting.channel ? { check: await checkChannel(client, setting.channel) } : {}) };
  }
  const check = await checkChannel(client, choice.channel);
  if (!keepable(check)) return { kept: false, channel: choice.channel, check, current: await channels.get(workspace, kind) };
  return { kept: true, setting: await channels.choose(workspace, kind, choice.channel, by), check };
}

/** Each channel in force, checked once (both settings may name the same channel). */
export async function checkAll(client: webApi.WebClient, settings: CuratorChannel[]): Promise<Map<string, ChannelCheck>> {
  const ids = [...new Set(settings.flatMap((s) => (s.channel ? [s.channel] : [])))];
  const checks = await Promise.all(ids.map((id) => checkChannel(client, id)));
  return new Map(ids.map((id, i) => [id, checks[i]!]));
}
