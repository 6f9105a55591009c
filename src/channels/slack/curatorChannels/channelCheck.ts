import type { webApi } from '@slack/bolt';
import { errorSummary } from '../reply/slackErrors';

/**
 * Whether the bot can post in a channel, asked before a curator's choice is kept
 * (`conversations.info`, scopes `channels:read` and `groups:read`, which the app has already).
 * A private channel the bot is not in is invisible to it: Slack answers `channel_not_found`.
 */
export type ChannelCheck =
  | { state: 'member' }
  /** A public channel the bot can see but is not in: it must be invited before anything is posted. */
  | { state: 'not_member' }
  /** Unknown, or a private channel the bot is not in. */
  | { state: 'not_found' }
  | { state: 'archived' }
  /** A direct or group message, not a channel. */
  | { state: 'not_a_channel' }
  /** Slack could not tell (a scope not granted, an outage): the choice is kept, with a warning. */
  | { state: 'unchecked'; error: string };

export async function checkChannel(client: webApi.WebClient, channel: string): Promise<ChannelCheck> {
  try {
    const info = await client.conversations.info({ channel });
    const c = info.channel;
    if (!c) return { state: 'not_found' };
    if (c.is_im || c.is_mpim) return { state: 'not_a_channel' };
    if (c.is_archived) return { state: 'archived' };
    return c.is_member ? { state: 'member' } : { state: 'not_member' };
  } catch (err) {
    const error = errorSummary(err).slackError;
    if (error === 'channel_not_found') return { state: 'not_found' };
    return { state: 'unchecked', error: error ?? 'no answer from Slack' };
  }
}

/** A choice is kept unless Slack says the bot can never post there. */
export function keepable(check: ChannelCheck): boolean {
  return check.state === 'member' || check.state === 'not_member' || check.state === 'unchecked';
}
