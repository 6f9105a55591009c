import { TurnContext, type Activity, type AdaptiveCardInvokeResponse, type ConversationReference, type TaskModuleRequest, type TaskModuleResponse } from 'botbuilder';
import type { Logger } from 'pino';
import { collectGaps } from '../../curator';
import { CURATOR_ANSWER_MAX, saveCuratorAnswer } from '../../curator/escalations';
import { scheduleWeeklyDigest, queueWeeklyDigest, type WeeklyDigestDeps } from '../../curator/weeklyDigest';
import type { KnowledgeBase } from '../../knowledge/types';
import type { Metrics } from '../../metrics';
import { GiveUp } from '../../outbox/errors';
import type { JobHandler } from '../../outbox/worker';
import type { Escalation, OutboxJobInput, ParkedJob, Store } from '../../store/types';
import { isAuthenticatedTurn, saveReferenceIfAuthenticated, type StoredReference, type TeamsProactiveSender } from './conversationReferences';
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
  NOT_A_CURATOR_NOTE,
  NOT_HERE_NOTE,
  renderAnswerDialogCard,
  renderCuratorCard,
  renderCuratorReply,
  renderTeamsDigest,
  SENT_NOTE,
  STALE_BUTTON_NOTE,
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
  /** TEAMS_CURATORS: the Entra (AAD) object ids whose Answer and Close count; nobody else's do. */
  curators?: readonly string[];
  /** TEAMS_DIGEST_CHANNEL: the weekly gaps digest. */
  digestChannel?: string;
  /** The Entra tenant of the team that holds the digest channel (TEAMS_TENANT_ID, else MicrosoftAppTenantId). */
  tenant?: string;
  /** TEAMS_PROACTIVE_SERVICE_URL: where to create the digest's post before the bot has heard from that tenant. */
  proactiveServiceUrl?: string;
}

/** The tenant's latest authenticated activity, kept for its service URL: posts to that tenant's channels start there. */
export const tenantReferenceKey = (tenant: string) => `teams:tenant:${tenant}`;
/** What a digest kept for later waits for: an activity from its tenant, or (tenant unknown) from its channel. */
export const tenantTrigger = (tenant: string) => `teams:tenant:${tenant}`;
export const channelTrigger = (channel: string) => `teams:channel:${channel}`;

/** How long a replica trusts its last look at the parked triggers (the replica that parks forgets it at once). */
const PARKED_MEMO_MS = 30_000;
/** How long a replica skips writing a tenant's service URL it has just written. */
const TENANT_MEMO_MS = 10 * 60_000;

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
  private parkedMemo?: { at: number; triggers: Set<string> };
  private readonly tenantsKept = new Map<string, { serviceUrl: string; at: number }>();

  constructor(private readonly deps: TeamsEscalationDeps) {}

  get enabled(): boolean {
    return Boolean(this.deps.escalationChannel);
  }

  private inCuratorsChannel(activity: Partial<Activity>): boolean {
    return Boolean(this.deps.escalationChannel) && channelOf(activity) === this.deps.escalationChannel;
  }

  /** A configured curator, by Entra object id (Teams sends it on every activity from a signed-in user). */
  private isCurator(activity: Partial<Activity>, action: string): boolean {
    const aad = activity.from?.aadObjectId?.toLowerCase();
    if (aad && (this.deps.curators ?? []).some((id) => id.toLowerCase() === aad)) return true;
    this.deps.logger.warn({ event: 'teams_curator_refused', action }, 'a curator\u2019s action from someone who is not a curator (TEAMS_CURATORS) was refused');
    return false;
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
    if (!this.isCurator(context.activity, 'answer')) return taskMessage(NOT_A_CURATOR_NOTE);
    // The curators' channel: its reference lets later posts (the digest too) reach it.
    await saveReferenceIfAuthenticated(context, this.deps);
    const parsed = escalationRefSchema.safeParse(data);
    if (!parsed.success) return taskMessage(STALE_BUTTON_NOTE);
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
    if (!this.isCurator(context.activity, 'close')) return invokeMessage(NOT_A_CURATOR_NOTE);
    const parsed = escalationRefSchema.safeParse(data);
    if (!parsed.success) return invokeMessage(STALE_BUTTON_NOTE);
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
      const render = async () => {
        const report = await collectGaps(store, this.deps.kb, { since: new Date(p.since) });
        return { activity: renderTeamsDigest(report, p.weeks?.length ? p.weeks.join(', ') : p.week), gaps: report.gaps.length };
      };
      const posted = (gaps: number, via: 'reference' | 'new_conversation') => {
        this.deps.metrics.digests.inc({ platform: 'teams', outcome: 'posted' });
        logger.info({ event: 'digest_posted', platform: 'teams', week: p.week, weeks: p.weeks, gaps, via }, 'weekly gaps digest posted');
      };
      // The channel heard from (or posted to) before: a new message in it.
      const target = await this.channelReference(p.channel);
      if (target) {
        const { activity, gaps } = await render();
        await senders.inConversation(target.reference, async (context) => void (await context.sendActivity(activity)));
        posted(gaps, 'reference');
        return { status: 'sent' };
      }
      // Never heard from the channel: create the post there (Bot Framework's createConversation
      // with the channel's id), on the tenant's service URL or the configured one.
      const tenant = this.deps.tenant;
      const route = await this.serviceUrlFor(tenant);
      if (route) {
        const { activity, gaps } = await render();
        const made = await senders.newConversation(route.serviceUrl, {
          isGroup: true,
          bot: { id: `28:${this.deps.appId}`, name: 'whosecures' },
          channelData: { channel: { id: p.channel }, ...(tenant ? { tenant: { id: tenant } } : {}) },
          ...(tenant ? { tenantId: tenant } : {}),
          activity: activity as Activity,
        });
        // The channel is known from now on: later posts (and escalations) go to it directly.
        const kept: StoredReference = { reference: asChannel({ ...made, serviceUrl: route.serviceUrl, channelId: 'msteams' }, p.channel), authenticated: true, savedAt: new Date().toISOString() };
        await store.saveConversationReference(`teams:channel:${p.channel}`, kept).catch((err: unknown) => logger.warn({ err: errText(err), event: 'teams_reference_save_failed' }, 'could not keep the digest channel\u2019s reference'));
        logger.info({ event: 'teams_digest_conversation_created', week: p.week, serviceUrlFrom: route.from, tenantKnown: Boolean(tenant) }, 'created the digest\u2019s post in TEAMS_DIGEST_CHANNEL');
        posted(gaps, 'new_conversation');
        return { status: 'sent' };
      }
      // No service URL yet: kept in the store, and queued again by the first activity from the
      // tenant (or, with no tenant known, from the channel itself).
      const trigger = tenant ? tenantTrigger(tenant) : channelTrigger(p.channel);
      const fresh = await store.parkJob({ key: `digest:teams:${p.channel}:${p.week}`, trigger, job: digestJob(p) });
      this.parkedMemo = undefined;
      if (fresh) this.deps.metrics.digests.inc({ platform: 'teams', outcome: 'pending' });
      logger.warn(
        { event: 'teams_digest_pending', week: p.week, trigger: tenant ? 'tenant' : 'channel' },
        tenant
          ? 'no service URL for the digest channel\u2019s tenant yet (no activity from it, no TEAMS_PROACTIVE_SERVICE_URL): the digest is kept and sent when the first activity from that tenant arrives'
          : 'no tenant for TEAMS_DIGEST_CHANNEL (set TEAMS_TENANT_ID) and no reference for the channel: the digest is kept and sent when the bot first hears from the channel',
      );
      return { status: 'parked' };
    };

    return { [TEAMS_ESCALATION]: escalation, [TEAMS_ESCALATION_ANSWER]: answer, [TEAMS_DIGEST]: digest };
  }

  /** Where to create a post in a channel of `tenant`: the service URL of the tenant's latest activity, else TEAMS_PROACTIVE_SERVICE_URL. */
  private async serviceUrlFor(tenant: string | undefined): Promise<{ serviceUrl: string; from: 'tenant' | 'configured' } | undefined> {
    if (tenant) {
      const stored = await this.deps.proactive.usableReference(tenantReferenceKey(tenant));
      if (typeof stored !== 'string' && stored.serviceUrl) return { serviceUrl: stored.serviceUrl, from: 'tenant' };
    }
    const configured = this.deps.proactiveServiceUrl;
    if (configured && this.deps.appId && isAllowedServiceUrl(configured, this.deps.policy)) return { serviceUrl: configured, from: 'configured' };
    return undefined;
  }

  private async parkedTriggers(): Promise<Set<string>> {
    const now = Date.now();
    if (this.parkedMemo && now - this.parkedMemo.at < PARKED_MEMO_MS) return this.parkedMemo.triggers;
    const triggers = new Set(await this.deps.store.parkedTriggers());
    this.parkedMemo = { at: now, triggers };
    return triggers;
  }

  /**
   * Called on every turn with a digest channel set. An authenticated activity from a tenant
   * keeps that tenant's service URL (where the digest's first post in one of its channels is
   * created) and queues the digests kept for that tenant or channel. Returns the work to run
   * after the turn (nothing when the turn is not authenticated or its service URL not allowed).
   */
  heard(context: TurnContext): (() => Promise<void>) | undefined {
    if (!this.deps.digestChannel || !isAuthenticatedTurn(context, this.deps.appId)) return undefined;
    const { activity } = context;
    if (!isAllowedServiceUrl(activity.serviceUrl, this.deps.policy)) return undefined;
    const tenant = tenantOf(activity);
    const channel = channelOf(activity);
    const reference = TurnContext.getConversationReference(activity);
    return async () => {
      const { store, logger } = this.deps;
      if (tenant && reference.serviceUrl) {
        const kept = this.tenantsKept.get(tenant);
        if (!kept || kept.serviceUrl !== reference.serviceUrl || Date.now() - kept.at > TENANT_MEMO_MS) {
          const stored: StoredReference = { reference, authenticated: true, savedAt: new Date().toISOString() };
          await store.saveConversationReference(tenantReferenceKey(tenant), stored);
          this.tenantsKept.set(tenant, { serviceUrl: reference.serviceUrl, at: Date.now() });
        }
      }
      const parked = await this.parkedTriggers();
      if (!parked.size) return;
      const triggers: string[] = [];
      if (tenant && parked.has(tenantTrigger(tenant))) triggers.push(tenantTrigger(tenant));
      if (channel && parked.has(channelTrigger(channel))) {
        // Waiting for the channel itself: this activity's reference is the way in.
        const stored: StoredReference = { reference: asChannel(reference, channel), authenticated: true, savedAt: new Date().toISOString() };
        await store.saveConversationReference(`teams:channel:${channel}`, stored);
        triggers.push(channelTrigger(channel));
      }
      for (const trigger of triggers) {
        const ids = await store.unparkJobs(trigger, mergeParkedDigests);
        this.parkedMemo = undefined;
        if (!ids.length) continue; // another replica took them
        this.deps.metrics.digests.inc({ platform: 'teams', outcome: 'resumed' }, ids.length);
        logger.info({ event: 'teams_digest_resumed', trigger: trigger.startsWith('teams:tenant:') ? 'tenant' : 'channel', jobs: ids.length }, 'the first activity from the digest channel\u2019s tenant arrived: the kept digest is queued');
        this.deps.worker.wake();
      }
    };
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

/**
 * Digests kept for one trigger, as the jobs to queue: one per channel, covering every week kept
 * (from the earliest week's start), titled with those weeks. Other parked jobs pass unchanged.
 */
export function mergeParkedDigests(parked: ParkedJob[]): OutboxJobInput[] {
  const byChannel = new Map<string, TeamsDigestPayload[]>();
  const others: OutboxJobInput[] = [];
  for (const { job } of parked) {
    if (job.kind !== TEAMS_DIGEST) {
      others.push(job);
      continue;
    }
    const p = job.payload as unknown as TeamsDigestPayload;
    byChannel.set(p.channel, [...(byChannel.get(p.channel) ?? []), p]);
  }
  const digests = [...byChannel.values()].map((kept) => {
    const weeks = [...new Set(kept.flatMap((p) => p.weeks ?? [p.week]))].sort();
    const since = kept.map((p) => p.since).sort()[0];
    const last = kept.map((p) => p.week).sort().at(-1)!;
    return digestJob({ channel: kept[0].channel, week: last, since, ...(weeks.length > 1 ? { weeks } : {}) });
  });
  return [...digests, ...others];
}
