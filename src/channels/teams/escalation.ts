import { TurnContext, type Activity, type AdaptiveCardInvokeResponse, type ConversationReference, type TaskModuleRequest, type TaskModuleResponse } from 'botbuilder';
import type { Logger } from 'pino';
import { collectGaps } from '../../curator';
import { CURATOR_ANSWER_MAX, saveCuratorAnswer } from '../../curator/escalations';
import { scheduleWeeklyDigest, queueWeeklyDigest, type WeeklyDigestDeps } from '../../curator/weeklyDigest';
import type { KnowledgeBase } from '../../knowledge/types';
import type { Metrics } from '../../metrics';
import { GiveUp } from '../../outbox/errors';
import type { JobHandler } from '../../outbox/worker';
import type { Escalation, Store } from '../../store/types';
import { saveReferenceIfAuthenticated, type StoredReference, type TeamsProactiveSender } from './conversationReferences';
import type { TeamsSenders } from './outbox/handlers';
import {
  digestJob,
  escalationAnswerJob,
  escalationJob,
  TEAMS_DIGEST,
  TEAMS_ESCALATION,
  TEAMS_ESCALATION_ANSWER,
  type TeamsDigestPayload,
  type TeamsEscalationAnswerPayload,
  type TeamsEscalationPayload,
} from './outbox/escalationJobs';
import { teamsUserId } from './outbox/jobs';
import { curatorAnswerSchema, escalationRefSchema, type EscalateData } from './render/actions';
import { cardAttachment } from './render/adaptiveCard';
import {
  ALREADY_ANSWERED_NOTE,
  ALREADY_SENT_NOTE,
  ANSWER_SAVED_NOTE,
  CLOSED_NOTE,
  NOT_HERE_NOTE,
  renderAnswerDialogCard,
  renderCuratorCard,
  renderCuratorReply,
  renderTeamsDigest,
  SENT_NOTE,
  UNKNOWN_NOTE,
} from './render/escalationCards';
import { isAllowedServiceUrl, type ServiceUrlPolicy } from './serviceUrls';
import { tenantOf } from './tenant';

export interface TeamsEscalationDeps {
  store: Store;
  kb: KnowledgeBase;
  logger: Logger;
  metrics: Metrics;
  worker: { wake(): void };
  proactive: TeamsProactiveSender;
  senders: TeamsSenders;
  appId: string | undefined;
  policy: ServiceUrlPolicy;
  /** TEAMS_ESCALATION_CHANNEL: where escalations go, and the only channel whose Answer and Close count. */
  escalationChannel?: string;
  /** TEAMS_DIGEST_CHANNEL: the weekly gaps digest. */
  digestChannel?: string;
}

/** The channel a Teams activity comes from: channelData names it; a channel thread's conversation id starts with it. */
export function channelOf(activity: Partial<Activity>): string | undefined {
  const named = (activity.channelData as { channel?: { id?: unknown } } | undefined)?.channel?.id;
  if (typeof named === 'string' && named) return named;
  return activity.conversation?.conversationType === 'channel' ? activity.conversation.id?.split(';')[0] : undefined;
}

/** A reference that posts a new message in a channel: the channel's conversation id, no thread. */
function asChannel(reference: Partial<ConversationReference>, channel: string): Partial<ConversationReference> {
  const { activityId: _activityId, ...rest } = reference;
  return { ...rest, conversation: { id: channel, conversationType: 'channel', isGroup: true, tenantId: reference.conversation?.tenantId } as ConversationReference['conversation'] };
}

function taskMessage(text: string): TaskModuleResponse {
  return { task: { type: 'message', value: text } };
}

function dialog(card: ReturnType<typeof renderAnswerDialogCard>): TaskModuleResponse {
  return { task: { type: 'continue', value: { title: 'Answer the question', height: 'medium', width: 'medium', card: cardAttachment(card) } } } as TaskModuleResponse;
}

function invokeMessage(text: string): AdaptiveCardInvokeResponse {
  // Teams expects a plain string as the value of a message response; the SDK types it as an object.
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text as unknown as Record<string, unknown> };
}

const errText = (err: unknown) => String((err as Error)?.message ?? err).slice(0, 300);

/**
 * "Ask the security team" and the curators' weekly digest in Teams. The store keeps the
 * escalation and its state (src/curator/escalations.ts keeps the curator's answer once, with its
 * proposed knowledge change); every message goes through the reply outbox as a job, sent in a
 * turn of its own on a stored, authenticated reference towards an allowed service URL.
 */
export class TeamsEscalations {
  constructor(private readonly deps: TeamsEscalationDeps) {}

  get enabled(): boolean {
    return Boolean(this.deps.escalationChannel);
  }

  private inCuratorsChannel(activity: Partial<Activity>): boolean {
    return Boolean(this.deps.escalationChannel) && channelOf(activity) === this.deps.escalationChannel;
  }

  /** The asker's "Ask the security team": one escalation per answer and asker, its post queued in the same transaction. */
  async escalate(context: TurnContext, data: EscalateData): Promise<string> {
    const { activity } = context;
    const { store, logger, metrics, worker } = this.deps;
    const channel = this.deps.escalationChannel;
    const asker = activity.from?.id;
    if (!channel || !asker || !activity.conversation?.id) return UNKNOWN_NOTE;
    // The asker's conversation, for the curator's answer later (only from an authenticated turn).
    await saveReferenceIfAuthenticated(context, this.deps);
    const tenant = tenantOf(activity);
    const origin = TurnContext.getConversationReference(activity);
    const opened = await store.openEscalation(
      {
        platform: 'teams',
        workspace: tenant ?? '',
        asker,
        ...(activity.from?.name ? { askerName: activity.from.name.slice(0, 200) } : {}),
        channel: activity.conversation.id,
        // The answer card the button was on: the curator's answer replies to it.
        ...(activity.replyToId ? { threadTs: activity.replyToId } : {}),
        question: data.question,
        answerId: data.answerId,
        ...(data.verdict ? { verdict: data.verdict } : {}),
        ...(data.summary ? { summary: data.summary } : {}),
        ...(data.cell ? { cell: data.cell } : {}),
      },
      (id) => escalationJob({ escalationId: id, channel, origin, userReferenceKey: `teams:user:${tenant ?? 'none'}:${teamsUserId(activity)}` }),
    );
    if (!opened.created) {
      logger.info({ event: 'escalation_repeated', platform: 'teams', escalationId: opened.escalation.id }, 'the asker escalated this answer before');
      return ALREADY_SENT_NOTE;
    }
    metrics.escalations.inc({ state: 'open' });
    logger.info({ event: 'escalation_opened', platform: 'teams', escalationId: opened.escalation.id, answerId: data.answerId }, 'escalated to the security team');
    worker.wake();
    return SENT_NOTE;
  }

  private async openEscalation(context: TurnContext, data: unknown): Promise<Escalation | TaskModuleResponse> {
    if (!this.inCuratorsChannel(context.activity)) {
      this.deps.logger.warn({ event: 'escalation_reply_elsewhere', platform: 'teams' }, 'an escalation action from outside the curators\u2019 channel was ignored');
      return taskMessage(NOT_HERE_NOTE);
    }
    // The curators' channel: its reference lets later posts (the digest too) reach it.
    await saveReferenceIfAuthenticated(context, this.deps);
    const parsed = escalationRefSchema.safeParse(data);
    if (!parsed.success) return taskMessage('This button is no longer valid.');
    const e = await this.deps.store.getEscalation(parsed.data.escalation);
    if (!e) return taskMessage(UNKNOWN_NOTE);
    if (e.state !== 'open') return taskMessage(e.state === 'answered' ? ALREADY_ANSWERED_NOTE : CLOSED_NOTE);
    return e;
  }

  /** A curator's **Answer**: the dialog with the question and a text box. */
  async fetchTask(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    const e = await this.openEscalation(context, request.data);
    if (!('id' in e)) return e;
    return dialog(renderAnswerDialogCard(e));
  }

  /** The dialog's **Send**: the answer kept once (with its proposal) and its reply to the asker queued, in one transaction. */
  async submitTask(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    const e = await this.openEscalation(context, request.data);
    if (!('id' in e)) return e;
    const parsed = curatorAnswerSchema.safeParse(request.data);
    const answer = (parsed.success ? (parsed.data.answer ?? '') : '').trim();
    if (!answer) return dialog(renderAnswerDialogCard(e, 'Write an answer first.'));
    if (answer.length > CURATOR_ANSWER_MAX) return dialog(renderAnswerDialogCard(e, `Keep the answer under ${CURATOR_ANSWER_MAX} characters.`));
    const { activity } = context;
    const curator = activity.from?.id ?? 'unknown';
    const curatorName = (activity.from?.name || 'a curator').slice(0, 200);
    const saved = await saveCuratorAnswer(this.deps.store, { id: e.id, curator, answer }, (row) => escalationAnswerJob(row.channel, { escalationId: row.id, curatorName }));
    if (!saved.saved) return taskMessage(saved.reason === 'unknown' ? UNKNOWN_NOTE : saved.escalation.state === 'answered' ? ALREADY_ANSWERED_NOTE : CLOSED_NOTE);
    this.deps.metrics.escalations.inc({ state: 'answered' });
    this.deps.logger.info({ event: 'escalation_answered', platform: 'teams', escalationId: e.id }, 'a curator answered an escalation');
    this.deps.worker.wake();
    return taskMessage(ANSWER_SAVED_NOTE);
  }

  /** A curator's **Close**: the card comes back closed, for everyone in the channel. */
  async close(context: TurnContext, data: unknown): Promise<AdaptiveCardInvokeResponse> {
    if (!this.inCuratorsChannel(context.activity)) return invokeMessage(NOT_HERE_NOTE);
    const parsed = escalationRefSchema.safeParse(data);
    if (!parsed.success) return invokeMessage('This button is no longer valid.');
    const closed = await this.deps.store.closeEscalation(parsed.data.escalation);
    if (!closed) return invokeMessage(CLOSED_NOTE);
    this.deps.metrics.escalations.inc({ state: 'closed' });
    this.deps.logger.info({ event: 'escalation_closed', platform: 'teams', escalationId: closed.id }, 'escalation closed by a curator');
    const card = renderCuratorCard(closed).attachments![0].content as Record<string, unknown>;
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
  }

  /**
   * Where a post to a channel goes: the channel's stored reference (saved when the bot hears
   * from it: an install in the team, a mention, a curator's click), else the asker's, whose
   * service URL and tenant reach the same team.
   */
  private async channelReference(channel: string, fallback?: Partial<ConversationReference>): Promise<{ reference: Partial<ConversationReference>; stored: boolean } | undefined> {
    const stored = await this.deps.proactive.usableReference(`teams:channel:${channel}`);
    if (typeof stored !== 'string') return { reference: asChannel(stored, channel), stored: true };
    if (fallback && this.deps.appId && isAllowedServiceUrl(fallback.serviceUrl, this.deps.policy)) return { reference: asChannel(fallback, channel), stored: false };
    return undefined;
  }

  /**
   * The outbox jobs. Only the post a retry must not repeat throws (the worker retries it); the
   * asker's note and the update of the curators' card come after it and are logged when they
   * fail, so a retry never posts the escalation twice.
   */
  jobHandlers(): Record<string, JobHandler> {
    const { store, logger, senders } = this.deps;

    const escalation: JobHandler = async (job) => {
      const p = job.payload as unknown as TeamsEscalationPayload;
      const e = await store.getEscalation(p.escalationId);
      if (!e) throw new GiveUp(`escalation ${p.escalationId} is not in the store`);
      const target = await this.channelReference(p.channel, p.origin);
      if (!target) throw new GiveUp('no usable reference for the curators\u2019 channel');
      let sentId: string | undefined;
      await senders.inConversation(target.reference, async (context) => {
        sentId = (await context.sendActivity(renderCuratorCard(e)))?.id;
      });
      if (!target.stored) {
        const kept: StoredReference = { reference: target.reference, authenticated: true, savedAt: new Date().toISOString() };
        await store.saveConversationReference(`teams:channel:${p.channel}`, kept).catch((err: unknown) => logger.warn({ err: errText(err), event: 'teams_reference_save_failed' }, 'could not keep the curators\u2019 channel reference'));
      }
      if (sentId) {
        await store.markEscalationPosted(e.id, p.channel, sentId).catch((err: unknown) =>
          logger.warn({ err: errText(err), event: 'escalation_mark_failed', escalationId: e.id }, 'could not keep where the escalation was posted'),
        );
      }
      const personal = p.origin.conversation?.conversationType === 'personal';
      await senders
        .notify({ reference: p.origin, personal, userReferenceKey: p.userReferenceKey }, SENT_NOTE)
        .catch((err: unknown) => logger.warn({ err: errText(err), event: 'escalation_note_failed', escalationId: e.id }, 'could not tell the asker the question was sent'));
      logger.info({ event: 'escalation_posted', platform: 'teams', escalationId: e.id }, 'escalation posted to the curators');
      return { status: 'sent' };
    };

    const answer: JobHandler = async (job) => {
      const p = job.payload as unknown as TeamsEscalationAnswerPayload;
      const e = await store.getEscalation(p.escalationId);
      if (!e || !e.curatorAnswer) throw new GiveUp(`escalation ${p.escalationId} has no answer in the store`);
      const origin = await this.deps.proactive.usableReference(`teams:conversation:${e.channel}`);
      if (typeof origin === 'string') throw new GiveUp(`no usable reference for the asker's conversation (${origin})`);
      await senders.inConversation(origin, async (context) => void (await context.sendActivity(renderCuratorReply({ id: e.asker, ...(e.askerName ? { name: e.askerName } : {}) }, p.curatorName, e.curatorAnswer!))), e.threadTs);
      if (e.curatorChannel && e.curatorTs) {
        const target = await this.channelReference(e.curatorChannel);
        const update = { ...renderCuratorCard(e, p.curatorName), id: e.curatorTs };
        await (target ? senders.inConversation(target.reference, async (context) => void (await context.updateActivity(update))) : Promise.reject(new Error('no reference for the curators\u2019 channel'))).catch((err: unknown) =>
          logger.warn({ err: errText(err), event: 'escalation_update_failed', escalationId: e.id }, 'could not mark the curators\u2019 card answered'),
        );
      }
      logger.info({ event: 'escalation_answer_posted', platform: 'teams', escalationId: e.id }, 'curator answer sent to the asker');
      return { status: 'sent' };
    };

    const digest: JobHandler = async (job) => {
      const p = job.payload as unknown as TeamsDigestPayload;
      const target = await this.channelReference(p.channel);
      if (!target) {
        logger.warn({ event: 'teams_digest_no_reference', week: p.week }, 'no reference for TEAMS_DIGEST_CHANNEL yet: install the app in its team or mention the bot there once; this week\u2019s digest is not sent');
        throw new GiveUp('no usable reference for the digest channel');
      }
      const report = await collectGaps(store, this.deps.kb, { since: new Date(p.since) });
      await senders.inConversation(target.reference, async (context) => void (await context.sendActivity(renderTeamsDigest(report, p.week))));
      logger.info({ event: 'digest_posted', platform: 'teams', week: p.week, gaps: report.gaps.length }, 'weekly gaps digest posted');
      return { status: 'sent' };
    };

    return { [TEAMS_ESCALATION]: escalation, [TEAMS_ESCALATION_ANSWER]: answer, [TEAMS_DIGEST]: digest };
  }

  private digestDeps(channel: string, now?: () => Date): WeeklyDigestDeps {
    const { store, worker, logger, metrics } = this.deps;
    return { store, worker, logger, metrics, platform: 'teams', channel, job: digestJob, ...(now ? { now } : {}) };
  }

  /** Queues this week's digest unless a replica already did (tests and the hourly check). */
  queueDigest(now?: () => Date): Promise<boolean> {
    if (!this.deps.digestChannel) return Promise.resolve(false);
    return queueWeeklyDigest(this.digestDeps(this.deps.digestChannel, now));
  }

  /** Checks at start and then hourly (TEAMS_DIGEST_CHANNEL set); returns how to stop. */
  startDigest(): () => void {
    if (!this.deps.digestChannel) return () => undefined;
    return scheduleWeeklyDigest(this.digestDeps(this.deps.digestChannel));
  }
}

