import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { Metrics } from '../../../metrics';
import type { EventIntake } from '../../../outbox/intake';
import type { OutboxWorker } from '../../../outbox/worker';
import type { AdmitInput, AdmitOutcome, Store } from '../../../store/types';
import { activityClaimKey, messageJob, questionAdmission, TEAMS_CLAIM_TTL_SECONDS, turnMessageJob, type TeamsReplyLimits } from './jobs';

export type QuestionOutcome = 'queued' | 'held' | 'duplicate' | 'limited' | 'refused';

export interface TeamsRepliesDeps {
  store: Store;
  logger: Logger;
  metrics: Metrics;
  intake: EventIntake;
  worker: OutboxWorker;
  limits: TeamsReplyLimits;
}

/**
 * The Teams side of the reply outbox: a question's claim and its answer job are written in one
 * transaction before the turn ends (so before Teams gets its 200), onboarding cards and notes
 * are written as jobs, and the outbox worker sends them all, paced per conversation.
 */
export class TeamsReplies {
  constructor(private readonly deps: TeamsRepliesDeps) {}

  get worker(): OutboxWorker {
    return this.deps.worker;
  }

  /** Claims the activity and queues the answer to its question; 'duplicate' when another delivery had it. */
  async admitQuestion(context: TurnContext, question: string): Promise<QuestionOutcome> {
    const input = questionAdmission(context, question, this.deps.limits);
    const result = await this.deps.intake.admit(input);
    if (!result.durable) return result.held ? 'held' : 'refused';
    return this.settle(input, result.outcome, context.activity);
  }

  /** Called by the intake when an admission held in memory reached the store. */
  onLateOutcome(input: AdmitInput, outcome: AdmitOutcome | undefined): void {
    if (outcome) this.settle(input, outcome, undefined);
  }

  private settle(input: AdmitInput, outcome: AdmitOutcome, activity: Partial<Activity> | undefined): QuestionOutcome {
    const { metrics, logger, worker } = this.deps;
    if (!outcome.claimed) {
      metrics.retriesDropped.inc({ platform: 'teams' });
      metrics.outboxAdmissions.inc({ outcome: 'duplicate' });
      logger.info({ event: 'teams_duplicate_dropped', activityId: activity?.id, eventKey: input.eventKey }, 'activity already handled');
      return 'duplicate';
    }
    metrics.outboxAdmissions.inc({ outcome: outcome.queued });
    if (outcome.queued === 'flood' || outcome.queued === 'flood_silent') metrics.rateLimited.inc({ platform: 'teams' });
    if (outcome.queued !== 'job') logger.info({ event: 'teams_question_limited', reason: outcome.queued, eventKey: input.eventKey }, 'question not queued: over a limit');
    // A job leased in its admission is already running.
    if (!outcome.leased) worker.wake();
    return outcome.queued === 'job' ? 'queued' : 'limited';
  }

  /** First one wins across replicas and redeliveries, for activities that queue no answer. */
  async claim(context: TurnContext): Promise<boolean> {
    const { activity } = context;
    if (!activity.id) return true;
    const first = await this.deps.store.claimEvent(activityClaimKey(activity), TEAMS_CLAIM_TTL_SECONDS);
    if (!first) {
      this.deps.metrics.retriesDropped.inc({ platform: 'teams' });
      this.deps.logger.info({ event: 'teams_duplicate_dropped', activityId: activity.id, type: activity.type }, 'activity already handled');
    }
    return first;
  }

  /**
   * A card for the turn's conversation, as an outbox job. If the store cannot take the job,
   * the card is sent on the turn instead: the user still gets it, only without the outbox's
   * promise to resend it after a crash.
   */
  async send(context: TurnContext, activity: Partial<Activity>): Promise<void> {
    try {
      await this.deps.store.enqueueJob(turnMessageJob(context, activity));
      this.deps.worker.wake();
    } catch (err) {
      this.deps.logger.warn({ event: 'teams_outbox_unavailable', err: (err as Error)?.message }, 'outbox unavailable: sending on the turn');
      await context.sendActivity(activity);
    }
  }

  /** A message for a conversation (a stored, checked reference), as an outbox job. */
  async deliver(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<void> {
    await this.deps.store.enqueueJob(messageJob(reference, activity));
    this.deps.worker.wake();
  }
}
