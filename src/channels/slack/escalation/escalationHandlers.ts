import type { Metrics } from '../../../metrics';
import { GiveUp } from '../../../outbox/errors';
import type { JobHandler } from '../../../outbox/worker';
import type { Store } from '../../../store/types';
import { authorized, classifySlackError, type SlackHandlerDeps } from '../outbox/handlers';
import { errorSummary, isNotInChannel } from '../reply/slackErrors';
import { SLACK_ESCALATION, SLACK_ESCALATION_ANSWER, type SlackEscalationAnswerPayload, type SlackEscalationPayload } from './escalationJobs';
import { renderCuratorMessage, renderCuratorReply, SENT_NOTE } from './renderEscalation';
import { workspaceKey, type SlackCuratorChannels } from '../curatorChannels/curatorChannels';
import { ESCALATION_UNDELIVERED_NOTE, reportUnreachable } from '../curatorChannels/unreachable';

export interface EscalationHandlerDeps extends SlackHandlerDeps {
  store: Store;
  metrics: Metrics;
  /** Who chose the curators' channel, told when the bot is not in it. */
  channels: SlackCuratorChannels;
}

/**
 * The outbox jobs of "Ask the security team". Only the post a retry must not repeat throws
 * (the worker retries it); the asker's note and the update of the curators' post come after it
 * and are logged when they fail, so a retry never posts the escalation twice.
 */
export function escalationJobHandlers(deps: EscalationHandlerDeps): Record<string, JobHandler> {
  const escalation: JobHandler = async (job) => {
    const p = job.payload as unknown as SlackEscalationPayload;
    const e = await deps.store.getEscalation(p.escalationId);
    if (!e) throw new GiveUp(`escalation ${p.escalationId} is not in the store`);
    const token = await authorized(deps, p);
    const client = deps.clientFor(token);
    const message = renderCuratorMessage(e);
    let posted: { channel?: string; ts?: string };
    try {
      posted = await client.chat.postMessage({ channel: p.channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false });
    } catch (err) {
      if (isNotInChannel(err)) {
        // No retry can fix it until someone invites the bot: the asker and the chooser are told.
        await client.chat
          .postEphemeral({ channel: p.origin.channel, user: p.asker, text: ESCALATION_UNDELIVERED_NOTE, ...(p.origin.threadTs ? { thread_ts: p.origin.threadTs } : {}) })
          .catch((noteErr: unknown) => deps.logger.warn({ err: errorSummary(noteErr), event: 'escalation_note_failed', escalationId: e.id }, 'could not tell the asker the question was not sent'));
        await reportUnreachable(deps, client, workspaceKey(p), 'escalation', p.channel);
      }
      throw classifySlackError(err);
    }
    if (posted.ts) {
      await deps.store.markEscalationPosted(e.id, posted.channel ?? p.channel, posted.ts).catch((err: unknown) =>
        deps.logger.warn({ err: errorSummary(err), event: 'escalation_mark_failed', escalationId: e.id }, 'could not keep where the escalation was posted'),
      );
    }
    await client.chat
      .postEphemeral({ channel: p.origin.channel, user: p.asker, text: SENT_NOTE, ...(p.origin.threadTs ? { thread_ts: p.origin.threadTs } : {}) })
      .catch((err: unknown) => deps.logger.warn({ err: errorSummary(err), event: 'escalation_note_failed', escalationId: e.id }, 'could not tell the asker the question was sent'));
    deps.logger.info({ event: 'escalation_posted', escalationId: e.id }, 'escalation posted to the curators');
    return { status: 'sent' };
  };

  const answer: JobHandler = async (job) => {
    const p = job.payload as unknown as SlackEscalationAnswerPayload;
    const token = await authorized(deps, p);
    const client = deps.clientFor(token);
    const message = renderCuratorReply(p.asker, p.curator, p.answer);
    try {
      if (p.ephemeral) {
        try {
          await client.chat.postEphemeral({ channel: p.channel, user: p.asker, text: message.text, blocks: message.blocks });
        } catch (err) {
          // A /whosecures answer in a channel the bot is not in: the answer goes to the asker's DM.
          if (!isNotInChannel(err)) throw err;
          const opened = await client.conversations.open({ users: p.asker });
          await client.chat.postMessage({ channel: opened.channel?.id ?? p.asker, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false });
        }
      } else {
        await client.chat.postMessage({ channel: p.channel, ...(p.threadTs ? { thread_ts: p.threadTs } : {}), text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false });
      }
    } catch (err) {
      throw classifySlackError(err);
    }
    if (p.curatorChannel && p.curatorTs) {
      const e = await deps.store.getEscalation(p.escalationId).catch(() => undefined);
      if (e) {
        const update = renderCuratorMessage(e);
        await client.chat
          .update({ channel: p.curatorChannel, ts: p.curatorTs, text: update.text, blocks: update.blocks })
          .catch((err: unknown) => deps.logger.warn({ err: errorSummary(err), event: 'escalation_update_failed', escalationId: p.escalationId }, 'could not mark the curators\u2019 post answered'));
      }
    }
    deps.logger.info({ event: 'escalation_answer_posted', escalationId: p.escalationId }, 'curator answer posted to the asker');
    return { status: 'sent' };
  };

  return { [SLACK_ESCALATION]: escalation, [SLACK_ESCALATION_ANSWER]: answer };
}
