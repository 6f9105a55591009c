import type { webApi } from '@slack/bolt';
import type { Answer, Query } from '../../../engine/types';
import { escalateOption, renderSlackAnswer, type RenderOptions, type SlackMessage } from '../renderAnswer';
import type { ChannelPacer } from './channelPacer';
import type { SlackDeps } from './slackDeps';

export interface ConversationTarget {
  channel: string;
  /** Reply in this thread; top level when absent (DMs). */
  threadTs?: string;
  /** The workspace whose LLM budget a phrasing counts against (src/channels/slack/workspace.ts). */
  workspace?: string;
}

/** Every public post: paced per channel, link and media unfurling off, and never `link_names` or `parse`. */
export async function postMessage(pacer: ChannelPacer, client: webApi.WebClient, target: ConversationTarget, message: SlackMessage) {
  return pacer.run(target.channel, () => client.chat.postMessage({
    channel: target.channel,
    ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
    text: message.text,
    blocks: message.blocks,
    unfurl_links: false,
    unfurl_media: false,
  }));
}

/**
 * The knowledge-base answer is posted first and never waits for an LLM; when a phrasing comes
 * back, the same message is updated in place.
 */
export async function answerIntoConversation(
  deps: SlackDeps,
  client: webApi.WebClient,
  query: Query,
  target: ConversationTarget,
  given: RenderOptions = {},
): Promise<Answer> {
  const [answer, escalates] = await Promise.all([deps.assistant.answer(query, target.workspace ? { workspace: target.workspace } : {}), deps.escalates?.(target.workspace)]);
  const options: RenderOptions = { ...escalateOption(escalates, query.text), ...given };
  const posted = await postMessage(deps.pacer, client, target, renderSlackAnswer(answer, options));
  const phrased = await deps.assistant.phrase(answer, query, { workspace: target.workspace });
  if (phrased && posted.ts) {
    const message = renderSlackAnswer(phrased, options);
    const channel = posted.channel ?? target.channel;
    const ts = posted.ts;
    await deps.pacer
      .run(channel, () => client.chat.update({ channel, ts, text: message.text, blocks: message.blocks }))
      .catch((err: unknown) => deps.logger.warn({ err: errorSummary(err), event: 'slack_update_failed', answerId: answer.id }, 'could not update the answer with its phrasing'));
  }
  return answer;
}

/** Slack SDK errors carry request data; log only the code and message. */
export function errorSummary(err: unknown): { message: string; code?: string; slackError?: string } {
  const e = err as { message?: string; code?: string; data?: { error?: string } };
  return { message: String(e?.message ?? err).slice(0, 300), code: e?.code, slackError: e?.data?.error };
}

/** Slack's answer when the bot cannot post where it was asked (private channel, group DM). */
export function isNotInChannel(err: unknown): boolean {
  const code = (err as { data?: { error?: string } })?.data?.error;
  return code === 'not_in_channel' || code === 'channel_not_found' || code === 'user_not_in_channel';
}
