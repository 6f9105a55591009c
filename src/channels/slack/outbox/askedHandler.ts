import type { Query } from '../../../engine/types';
import type { JobHandler } from '../../../outbox/worker';
import { safeText } from '../mrkdwn';
import { escalateOption, renderSlackAnswer, type SlackMessage } from '../renderAnswer';
import { errorSummary, isNotInChannel } from '../reply/postAnswer';
import { isSlackUserId, questionFromSlackText } from '../slackText';
import { SLACK_ASKED, type SlackAskedPayload } from './askedJobs';
import { authorized, classifySlackError, type SlackHandlerDeps } from './handlers';
import { EXPIRED_TEXT } from './replyJobs';
import { slackWorkspace } from '../workspace';

export const NO_TEXT = 'That message has no text I can read (only its text is used, not files or attachments), so there is nothing to answer. (Only you can see this.)';

/** The line under the header: who asked, built by code from a validated id. */
export function askedIntro(p: Pick<SlackAskedPayload, 'origin' | 'user'>, question: string): string {
  if (p.origin === 'shortcut' && isSlackUserId(p.user)) return `<@${p.user}> asked me about this message`;
  return `From your Home tab: \u201c${safeText(question)}\u201d`;
}

/** Said privately when the bot could not post where the message is. */
export function notInChannelIntro(channel: string): string {
  const where = /^[CG][A-Z0-9]{2,20}$/.test(channel) ? `<#${channel}>` : 'that conversation';
  return `You asked me about a message in ${where}, but I am not a member there, so only you see this answer. To let me answer in the thread next time, add me: type \`/invite @whosecures\` in the channel.`;
}

/**
 * Answers a `slack.asked` job: the same assistant call, rendering, escaping and phrasing as a
 * mention, with a line saying who asked. Where the bot is not in the channel, the asker gets the
 * answer in their DM with the bot instead, with a line on how to add it.
 */
export function askedJobHandlers(deps: SlackHandlerDeps): Record<string, JobHandler> {
  const asked: JobHandler = async (job, { stale }) => {
    const p = job.payload as unknown as SlackAskedPayload;
    const token = await authorized(deps, p);
    const client = deps.clientFor(token);
    const privately = async (message: SlackMessage) => {
      const opened = await client.conversations.open({ users: p.user });
      return client.chat.postMessage({ channel: opened.channel?.id ?? p.user, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false });
    };
    const notice = async (text: string) => {
      try {
        await client.chat.postEphemeral({ channel: p.channel, user: p.user, text, ...(p.threadTs ? { thread_ts: p.threadTs } : {}) });
      } catch (err) {
        if (!isNotInChannel(err)) throw classifySlackError(err);
        await privately({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: safeText(text), verbatim: true } }] }).catch((e: unknown) => {
          throw classifySlackError(e);
        });
      }
    };
    if (stale) {
      await notice(EXPIRED_TEXT);
      return { status: 'expired' };
    }
    const question = questionFromSlackText(p.text, p.botUserId);
    if (!question) {
      await notice(NO_TEXT);
      return { status: 'sent' };
    }
    const query: Query = { text: question, platform: 'slack', userId: p.user, conversationId: p.channel, threadId: p.contextThread };
    const [result, escalates] = await Promise.all([deps.assistant.answer(query, { skipRateLimit: true, workspace: slackWorkspace(p) }), deps.escalates?.(slackWorkspace(p))]);
    deps.logger.info({ event: 'slack_asked', origin: p.origin, answerId: result.id, interactionId: p.interactionId }, 'question asked by shortcut or Home tab answered');
    let posted: { channel?: string; ts?: string };
    let intro = askedIntro(p, question);
    try {
      const message = renderSlackAnswer(result, { intro, ...escalateOption(escalates, question) });
      posted = await client.chat.postMessage({ channel: p.channel, ...(p.threadTs ? { thread_ts: p.threadTs } : {}), text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false });
    } catch (err) {
      if (!(p.origin === 'shortcut' && isNotInChannel(err))) throw classifySlackError(err);
      deps.logger.info({ event: 'slack_asked_private', origin: p.origin, slackError: errorSummary(err).slackError }, 'not in the channel: answered the asker privately');
      intro = notInChannelIntro(p.channel);
      try {
        posted = await privately(renderSlackAnswer(result, { intro, ...escalateOption(escalates, question) }));
      } catch (e) {
        throw classifySlackError(e);
      }
    }
    return {
      status: 'sent',
      afterwards: async () => {
        const phrased = await deps.assistant.phrase(result, query);
        if (!phrased || !posted.ts || !posted.channel) return;
        const update = renderSlackAnswer(phrased, { intro, ...escalateOption(escalates, question) });
        await client.chat
          .update({ channel: posted.channel, ts: posted.ts, text: update.text, blocks: update.blocks })
          .catch((err: unknown) => deps.logger.warn({ err: errorSummary(err), event: 'slack_update_failed', answerId: result.id }, 'could not update the answer with its phrasing'));
      },
    };
  };
  return { [SLACK_ASKED]: asked };
}
