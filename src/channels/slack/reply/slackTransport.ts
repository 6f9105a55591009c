import type { types, webApi } from '@slack/bolt';
import type { Answer } from '../../../engine/types';
import type { ReplyTransport } from '../../replyFlow';
import type { SlackMessage } from '../renderAnswer';
import type { ChannelPacer } from './channelPacer';

/** Where a public reply goes. */
export interface ConversationTarget {
  channel: string;
  /** Reply in this thread; top level when absent (DMs). */
  threadTs?: string;
  /** The workspace whose LLM budget a phrasing counts against (src/channels/slack/workspace.ts). */
  workspace?: string;
}

/** A posted Slack message: what chat.update needs to find it. */
export interface SlackPosted {
  channel: string;
  ts: string;
}

export interface SlackTransportOptions {
  /** Spaces the sends per channel: replies outside the outbox (the outbox paces its lanes itself). */
  pacer?: ChannelPacer;
  /** Maps a failed post to the outbox's decision (classifySlackError); thrown as it is without. */
  onPostError?: (err: unknown) => Error;
}

/**
 * Block Kit as the form field the Web API client sends anyway (it JSON-encodes every object
 * argument), serialised once here: the client also builds a debug line of the redacted
 * arguments on every call, whatever the log level, and a string is not walked block by block.
 */
export function blocksField(blocks: readonly unknown[]): types.KnownBlock[] {
  return JSON.stringify(blocks) as unknown as types.KnownBlock[];
}

/** The handle of a chat.postMessage response, when Slack returned a timestamp. */
export function postedHandle(response: { channel?: string; ts?: string }, channel: string): SlackPosted | undefined {
  return response.ts ? { channel: response.channel ?? channel, ts: response.ts } : undefined;
}

/** Every public post: paced per channel when a pacer is given, link and media unfurling off, and never `link_names` or `parse`. */
export function postMessage(client: webApi.WebClient, target: ConversationTarget, message: SlackMessage, pacer?: ChannelPacer): Promise<webApi.ChatPostMessageResponse> {
  const call = () =>
    client.chat.postMessage({
      channel: target.channel,
      ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
      text: message.text,
      blocks: blocksField(message.blocks),
      unfurl_links: false,
      unfurl_media: false,
    });
  return pacer ? pacer.run(target.channel, call) : call();
}

/**
 * The Slack side of the reply flow (src/channels/replyFlow.ts): a public post in a channel or
 * thread, link and media unfurling off (never `link_names` or `parse`), and chat.update of it.
 */
export function slackTransport(
  client: webApi.WebClient,
  target: ConversationTarget,
  render: (answer: Answer) => SlackMessage | Promise<SlackMessage>,
  options: SlackTransportOptions = {},
): ReplyTransport<SlackMessage, SlackPosted> {
  const { pacer, onPostError } = options;
  return {
    render,
    async post(message) {
      try {
        return postedHandle(await postMessage(client, target, message, pacer), target.channel);
      } catch (err) {
        throw onPostError ? onPostError(err) : err;
      }
    },
    async update(posted, message) {
      const call = () => client.chat.update({ channel: posted.channel, ts: posted.ts, text: message.text, blocks: blocksField(message.blocks) });
      await (pacer ? pacer.run(posted.channel, call) : call());
    },
  };
}
