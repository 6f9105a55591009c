import { TurnContext, type ConversationParameters, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { Metrics } from '../../../metrics';
import type { Assistant } from '../../../conversation/assistant';
import { GiveUp, RetryLater } from '../../../outbox/errors';
import type { JobHandler } from '../../../outbox/worker';
import { ReplyFlow } from '../../replyFlow';
import type { BackgroundTasks } from '../background';
import type { TeamsProactiveSender } from '../conversationReferences';
import { OUTBOX_TURN, ServiceUrlRefusedError } from '../outbound';
import { renderTeamsAnswer } from '../render/answerCard';
import { renderTeamsNotice } from '../render/onboardingCards';
import { retryAfterMs, statusOf } from '../retry';
import { APOLOGY } from '../turnError';
import { EXPIRED_TEXT, TEAMS_ANSWER, TEAMS_NOTICE, TEAMS_ONBOARDING, type TeamsAnswerPayload, type TeamsMessagePayload, type TeamsNoticePayload } from './jobs';

/** Runs `logic` in a new turn on a stored conversation (CloudAdapter.continueConversationAsync with the bot's app id). */
export type ContinueConversation = (reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>) => Promise<void>;

export interface TeamsHandlerDeps {
  assistant: Assistant;
  logger: Logger;
  metrics: Metrics;
  /** Phrasing updates run here, so shutdown gives them a second of their own. */
  background: BackgroundTasks;
  continueConversation: ContinueConversation;
  proactive: TeamsProactiveSender;
  /** TEAMS_ESCALATION_CHANNEL is set: answers carry "Ask the security team". */
  escalation?: boolean;
}

/**
 * Maps a connector failure to the outbox's decision: 429 holds the conversation for its
 * Retry-After (the connector client has already honoured a few of those itself); a conversation
 * the bot was removed from, or a refused service URL, can never be sent to.
 */
export function classifyConnectorError(err: unknown): Error {
  if (err instanceof ServiceUrlRefusedError) return new GiveUp(err.message);
  const status = statusOf(err);
  if (status === 429) return new RetryLater('throttled by the Bot Connector', Math.max(1000, retryAfterMs(err) ?? 1000), true);
  if (status === 412) return new RetryLater('precondition failed at the Bot Connector', 1000, true);
  if (status === 400 || status === 401 || status === 403 || status === 404) return new GiveUp(`the Bot Connector refused the message (${status})`);
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Creates a conversation (CloudAdapter.createConversationAsync with the bot's app id): in a Teams
 * channel, a new post whose first message is `parameters.activity`. The caller checks the
 * service URL first: the connector call happens before any turn, so no middleware sees it.
 */
export type CreateConversation = (serviceUrl: string, parameters: ConversationParameters, logic: (context: TurnContext) => Promise<void>) => Promise<void>;

/** Sending from an outbox job: a turn of its own on a conversation, and a private note to one user. */
export interface TeamsSenders {
  inConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>, replyToId?: string): Promise<void>;
  /**
   * A new conversation (a post in a Teams channel) with `parameters.activity` as its first
   * message; resolves with the reference of the conversation made.
   */
  newConversation(serviceUrl: string, parameters: ConversationParameters): Promise<Partial<ConversationReference>>;
  /** A note only the asker reads: in a personal chat, else the asker's stored personal chat (false: none, not sent). */
  notify(p: Pick<TeamsNoticePayload, 'reference' | 'personal' | 'userReferenceKey'>, text: string): Promise<boolean>;
}

export function teamsSenders(deps: Pick<TeamsHandlerDeps, 'continueConversation' | 'proactive' | 'logger'> & { createConversation?: CreateConversation }): TeamsSenders {
  /**
   * One turn of its own on the conversation, marked as the outbox's. The failure is caught
   * inside the turn: the adapter would otherwise hand it to onTurnError (an apology) and the
   * outbox would count the job as sent.
   */
  const inConversation = async (reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>, replyToId?: string) => {
    let failure: { err: unknown } | undefined;
    try {
      await deps.continueConversation(reference, async (context) => {
        context.turnState.set(OUTBOX_TURN, true);
        // A continued turn would reply to its own made-up activity id; the answer replies to the
        // question, as a reply sent on the question's turn does (Teams threads it there).
        if (replyToId) {
          context.onSendActivities(async (_ctx, activities, next) => {
            for (const a of activities) a.replyToId = replyToId;
            return next();
          });
        }
        try {
          await logic(context);
        } catch (err) {
          failure = { err };
        }
      });
    } catch (err) {
      failure ??= { err };
    }
    if (failure) throw classifyConnectorError(failure.err);
  };

  const notify = async (p: Pick<TeamsNoticePayload, 'reference' | 'personal' | 'userReferenceKey'>, text: string): Promise<boolean> => {
    if (p.personal) {
      await inConversation(p.reference, async (context) => void (await context.sendActivity(renderTeamsNotice(text))));
      return true;
    }
    // In a channel or group chat, only the asker's personal chat keeps the note private.
    const personal = await deps.proactive.usableReference(p.userReferenceKey);
    if (typeof personal === 'string') {
      deps.logger.info({ event: 'teams_notice_unreachable', reason: personal }, 'no personal chat to send a private note to; not posting it in the conversation');
      return false;
    }
    await inConversation(personal, async (context) => void (await context.sendActivity(renderTeamsNotice(text))));
    return true;
  };
  const newConversation = async (serviceUrl: string, parameters: ConversationParameters): Promise<Partial<ConversationReference>> => {
    if (!deps.createConversation) throw new GiveUp('this bot cannot create conversations');
    let made: Partial<ConversationReference> | undefined;
    try {
      await deps.createConversation(serviceUrl, parameters, async (context) => {
        made = TurnContext.getConversationReference(context.activity);
      });
    } catch (err) {
      throw classifyConnectorError(err);
    }
    if (!made?.conversation?.id) throw new GiveUp('the Bot Connector created no conversation');
    return made;
  };
  return { inConversation, notify, newConversation };
}

export function teamsJobHandlers(deps: TeamsHandlerDeps): Record<string, JobHandler> {
  const { inConversation, notify } = teamsSenders(deps);
  const replies = new ReplyFlow({ assistant: deps.assistant, logger: deps.logger, metrics: deps.metrics, runLater: (step) => deps.background.run('phrasing', step) });

  const answer: JobHandler = async (job, context) => {
    const p = job.payload as unknown as TeamsAnswerPayload;
    const personal = p.reference.conversation?.conversationType === 'personal';
    const tenant = p.reference.conversation?.tenantId ?? 'none';
    const render = deps.escalation ? { escalate: { question: p.question } } : {};
    return replies.job(job, context, {
      query: { text: p.question, platform: 'teams', userId: p.userId, conversationId: p.conversationId, threadId: p.threadId },
      workspace: p.workspace,
      transport: {
        render: (result) => renderTeamsAnswer(result, render),
        async post(card) {
          let sentId: string | undefined;
          await inConversation(p.reference, async (turn) => void (sentId = (await turn.sendActivity(card))?.id), p.activityId);
          return sentId;
        },
        // The turn that sent the card is over: the update runs in a turn of its own on the conversation.
        update: (activityId, card) => deps.continueConversation(p.reference, async (turn) => void (await turn.updateActivity({ ...card, id: activityId }))),
      },
      expired: async () => void (await notify({ reference: p.reference, personal, userReferenceKey: `teams:user:${tenant}:${p.userId}` }, EXPIRED_TEXT)),
      apologise: () => inConversation(p.reference, async (turn) => void (await turn.sendActivity(APOLOGY)), p.activityId),
      logContext: { type: 'message', conversationType: p.reference.conversation?.conversationType },
    });
  };

  const message: JobHandler = async (job) => {
    const p = job.payload as unknown as TeamsMessagePayload;
    await inConversation(p.reference, async (context) => void (await context.sendActivity(p.activity)));
    return { status: 'sent' };
  };

  const notice: JobHandler = async (job) => {
    const p = job.payload as unknown as TeamsNoticePayload;
    await notify(p, p.text);
    return { status: 'sent' };
  };

  return { [TEAMS_ANSWER]: answer, [TEAMS_ONBOARDING]: message, [TEAMS_NOTICE]: notice };
}
