import type { Answer } from '../../../engine/types';
import type { JobHandler } from '../../../outbox/worker';
import { safeText } from '../mrkdwn';
import { renderSlackAnswer, type SlackMessage } from '../renderAnswer';
import { APOLOGY } from '../reply/apology';
import { escalateFor } from '../reply/escalateFor';
import { errorSummary, isNotInChannel } from '../reply/slackErrors';
import { postedHandle, postMessage, slackTransport } from '../reply/slackTransport';
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
  const asked: JobHandler = async (job, context) => {
    const p = job.payload as unknown as SlackAskedPayload;
    const token = await authorized(deps, p);
    const client = deps.clientFor(token);
    const privately = async (message: SlackMessage) => {
      const opened = await client.conversations.open({ users: p.user });
      const dm = opened.channel?.id ?? p.user;
      return postedHandle(await postMessage(client, { channel: dm }, message), dm);
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
    const question = questionFromSlackText(p.text, p.botUserId);
    // A stale job is told it expired (by the reply flow) whatever its text.
    if (!question && !context.stale) {
      await notice(NO_TEXT);
      return { status: 'sent' };
    }
    const workspace = slackWorkspace(p);
    const escalate = escalateFor(deps.escalates, workspace, question);
    let intro = askedIntro(p, question);
    const render = async (answer: Answer) => renderSlackAnswer(answer, { intro, ...(await escalate) });
    const inThread = slackTransport(client, p, render);
    return deps.replies.job(job, context, {
      query: { text: question, platform: 'slack', userId: p.user, conversationId: p.channel, threadId: p.contextThread },
      workspace,
      transport: {
        ...inThread,
        async post(message, answer) {
          deps.logger.info({ event: 'slack_asked', origin: p.origin, answerId: answer.id, interactionId: p.interactionId }, 'question asked by shortcut or Home tab answered');
          try {
            return await inThread.post(message, answer);
          } catch (err) {
            if (!(p.origin === 'shortcut' && isNotInChannel(err))) throw classifySlackError(err);
            deps.logger.info({ event: 'slack_asked_private', origin: p.origin, slackError: errorSummary(err).slackError }, 'not in the channel: answered the asker privately');
            // The private copy, and its phrased update, say why it is private.
            intro = notInChannelIntro(p.channel);
            return privately(await render(answer)).catch((e: unknown) => {
              throw classifySlackError(e);
            });
          }
        },
      },
      expired: () => notice(EXPIRED_TEXT),
      apologise: () => notice(APOLOGY),
    });
  };
  return { [SLACK_ASKED]: asked };
}
