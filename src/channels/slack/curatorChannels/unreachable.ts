import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { errorSummary } from '../reply/slackErrors';
import { isSlackUserId } from '../slackText';
import type { CuratorChannelKind, SlackCuratorChannels } from './curatorChannels';

const WHAT: Record<CuratorChannelKind, string> = { escalation: 'a question for the security team', digest: 'this week\u2019s gaps digest' };

/** Told privately to the asker whose escalation could not be posted. */
export const ESCALATION_UNDELIVERED_NOTE =
  'Your question could not reach the security team: I am not a member of their channel. The curator who chose it has been told; please try again later. (Only you can see this.)';

/** The direct message to the curator who chose a channel the bot cannot post in. */
export function unreachableNote(kind: CuratorChannelKind, channel: string): string {
  const link = /^[CG][A-Z0-9]{2,20}$/.test(channel) ? `<#${channel}>` : 'the channel you chose';
  return `I could not post ${WHAT[kind]} in ${link}: I am not a member there. Type \`/invite @whosecures\` in ${link}, or choose another channel with \`/whosecures settings ${kind} #channel\`.`;
}

/**
 * A post to the curators' channel was refused because the bot is not in it (`not_in_channel`,
 * or a private channel it cannot see). The curator who chose that channel gets a direct message
 * saying how to invite the bot; a channel from the process's settings is only logged, for
 * whoever runs the bot. Best effort: the post's own failure is what the outbox records.
 */
export async function reportUnreachable(
  deps: { channels: SlackCuratorChannels; logger: Logger },
  client: webApi.WebClient,
  workspace: string | undefined,
  kind: CuratorChannelKind,
  channel: string,
): Promise<void> {
  const setting = await deps.channels.get(workspace, kind).catch(() => undefined);
  const chooser = setting?.source === 'workspace' && setting.channel === channel ? setting.setBy : undefined;
  deps.logger.warn(
    { event: 'slack_curator_channel_unreachable', kind, workspace, channel, chooserTold: Boolean(chooser) },
    chooser ? 'the bot is not in the curators\u2019 channel; the curator who chose it is told' : 'the bot is not in the curators\u2019 channel: invite it there (/invite @whosecures)',
  );
  if (!chooser || !isSlackUserId(chooser)) return;
  try {
    const opened = await client.conversations.open({ users: chooser });
    const text = unreachableNote(kind, channel);
    await client.chat.postMessage({ channel: opened.channel?.id ?? chooser, text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }], unfurl_links: false, unfurl_media: false });
  } catch (err) {
    deps.logger.warn({ event: 'slack_curator_channel_unreachable_note_failed', err: errorSummary(err) }, 'could not tell the curator the bot is not in their channel');
  }
}
