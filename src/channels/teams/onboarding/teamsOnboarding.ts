import type { Activity, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Metrics } from '../../../metrics';
import { ONBOARDING_ACTIONS, parseAnswerValue, parseLessonValue } from '../../../onboarding/actions';
import type { AnswerResult, OnboardingService, StartResult, UserRef } from '../../../onboarding/service';
import { NOT_TAKING_COURSE, ONBOARDING_STOPPED } from '../../../onboarding/text';
import type { Store } from '../../../store/types';
import type { TeamsProactiveSender } from '../conversationReferences';
import { messageJob, turnMessageJob } from '../outbox/jobs';
import { onboardingDataSchema, type OnboardingData } from '../render/actions';
import { renderTeamsDone, renderTeamsGrade, renderTeamsLesson, renderTeamsNotice, renderTeamsProgress, renderTeamsQuiz } from '../render/onboardingCards';
import type { OnboardingCommand } from './commands';

export interface TeamsOnboardingDeps {
  service: OnboardingService;
  now?: () => Date;
  store: Store;
  proactive: TeamsProactiveSender;
  logger: Logger;
  metrics: Metrics;
  /** ONBOARDING_ENABLED: the install welcome starts the course; commands work either way. */
  welcomeOnInstall: boolean;
  /**
   * Sends a card into the turn's conversation: through the reply outbox (TeamsReplies.send).
   * Cards that show a step of the course (a lesson, a grade) are not sent with it: the service
   * writes them in the step's own transaction (see OnboardingService `jobs`).
   */
  send: (context: TurnContext, activity: Partial<Activity>) => Promise<void>;
}

export interface SweepResult {
  due: number;
  sent: number;
  /** Claimed by another replica or an earlier sweep, or the user moved on. */
  skipped: number;
  /** No stored, authenticated, allowed reference: the user gets the lesson on request instead. */
  unreachable: number;
  failed: number;
}

/** A user who fell behind (downtime, a long weekend) catches up one lesson a day, not one per sweep. */
const DAILY_CLAIM_TTL_SECONDS = 2 * 24 * 3600;

const STOPPED = `${ONBOARDING_STOPPED} Type onboard to start again.`;
const PERSONAL_ONLY = 'The onboarding course runs in a personal chat with me: open a chat with me and type onboard.';

/** The Teams user behind an activity, as the course stores it (the Entra object id when Teams sends one). */
export function teamsUser(activity: Partial<Activity>): UserRef {
  return { platform: 'teams', userId: activity.from?.aadObjectId ?? activity.from?.id ?? 'unknown' };
}

const isPersonal = (activity: Partial<Activity>) => activity.conversation?.conversationType === 'personal';

/** Onboarding data from an Action.Execute invoke or an Action.Submit message value, or undefined. */
export function parseOnboardingData(data: unknown): OnboardingData | undefined {
  const parsed = onboardingDataSchema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The onboarding course in Teams: the install welcome with lesson 1, the quiz and the other
 * course buttons, the onboard/progress/stop commands, and proactive next lessons. What is sent
 * next is decided by the channel-neutral OnboardingService; this class translates.
 */
export class TeamsOnboarding {
  constructor(private readonly deps: TeamsOnboardingDeps) {}

  /** The welcome on a personal install: lesson 1 once per user (the service claims it in the store). */
  async welcome(context: TurnContext, trigger: string): Promise<boolean> {
    const { activity } = context;
    if (!this.deps.welcomeOnInstall || !isPersonal(activity)) return false;
    const intro = this.deps.service.course.intro;
    const result = await this.deps.service.welcome(teamsUser(activity), {
      channelId: activity.conversation!.id,
      jobs: (sent) => [turnMessageJob(context, renderTeamsLesson(sent.lesson, { welcome: { intro } }))],
    });
    if (!result.sent) {
      this.deps.logger.info({ event: 'onboarding_welcome_skipped', platform: 'teams', reason: result.reason, trigger }, 'welcome already sent');
      return true;
    }
    this.deps.logger.info({ event: 'onboarding_welcome', platform: 'teams', trigger }, 'onboarding welcome sent');
    return true;
  }

  /** A course button; returns a short text for the invoke response. */
  async act(context: TurnContext, data: OnboardingData): Promise<string> {
    const { service } = this.deps;
    const user = teamsUser(context.activity);
    switch (data.onboarding) {
      case ONBOARDING_ACTIONS.quiz: {
        const view = service.quizView(parseLessonValue(data.value) ?? 0);
        if (!view) return 'That lesson has no quiz.';
        await this.deps.send(context, renderTeamsQuiz(view));
        return 'Quiz below.';
      }
      case ONBOARDING_ACTIONS.answer: {
        const value = parseAnswerValue(data.value);
        const shown = (r: AnswerResult) => [turnMessageJob(context, renderTeamsGrade(r.grade)), ...(r.done ? [turnMessageJob(context, renderTeamsDone(r.done))] : [])];
        const result = value ? await service.answer(user, value.questionId, value.choice, shown) : undefined;
        if (!result) {
          this.deps.logger.warn({ event: 'onboarding_answer_malformed', platform: 'teams' }, 'quiz button without a known question');
          return 'That question is not in the course.';
        }
        return result.grade.headline;
      }
      case ONBOARDING_ACTIONS.next:
        return this.next(context, user, parseLessonValue(data.value));
      case ONBOARDING_ACTIONS.stop:
        await this.stop(context, user);
        return 'Onboarding stopped.';
    }
  }

  async command(context: TurnContext, command: OnboardingCommand): Promise<void> {
    const { activity } = context;
    if (!isPersonal(activity)) {
      await this.deps.send(context, renderTeamsNotice(PERSONAL_ONLY));
      return;
    }
    const user = teamsUser(activity);
    const { service } = this.deps;
    switch (command) {
      case 'progress':
        await this.deps.send(context, renderTeamsProgress(await service.progress(user)));
        return;
      case 'stop':
        await this.stop(context, user);
        return;
      case 'next':
        await this.next(context, user, undefined);
        return;
      case 'start':
      case 'restart': {
        const options = { channelId: activity.conversation!.id, jobs: (r: StartResult) => [turnMessageJob(context, renderTeamsLesson(r.lesson))] };
        const started = command === 'restart' ? await service.restart(user, options) : await service.start(user, options);
        this.deps.logger.info({ event: 'onboarding_started', platform: 'teams', command, restarted: started.restarted }, 'onboarding started by command');
      }
    }
  }

  private async next(context: TurnContext, user: UserRef, fromLesson: number | undefined): Promise<string> {
    const result = await this.deps.service.next(user, fromLesson, (r) => [turnMessageJob(context, r.kind === 'lesson' ? renderTeamsLesson(r.lesson) : renderTeamsDone(r.done))]);
    if (result.kind === 'not-started') {
      await this.deps.send(context, renderTeamsProgress(undefined));
      return 'Not started.';
    }
    return result.kind === 'lesson' ? `Lesson ${result.lesson.lessonNumber} below.` : 'Course complete.';
  }

  private async stop(context: TurnContext, user: UserRef): Promise<void> {
    const out = await this.deps.service.optOut(user);
    await this.deps.send(context, renderTeamsNotice(out.progress ? STOPPED : NOT_TAKING_COURSE));
  }

  /**
   * Queues every lesson that is due to users whose personal-chat reference is stored. Teams has
   * no scheduled messages, so a timer calls this. Each delivery is claimed, recorded and queued
   * in one store transaction, so two replicas (or two sweeps) never send the same lesson twice,
   * and a crash or a failed write in the middle leaves the lesson due for the next sweep
   * instead of recorded as delivered and never sent. The outbox worker sends the card.
   */
  async deliverDueLessons(): Promise<SweepResult> {
    const { service, store, proactive, logger, metrics } = this.deps;
    const result: SweepResult = { due: 0, sent: 0, skipped: 0, unreachable: 0, failed: 0 };
    for (const due of await service.dueLessons('teams')) {
      result.due++;
      const user: UserRef = { platform: 'teams', userId: due.userId };
      try {
        const progress = await store.getProgress('teams', due.userId);
        const reference = progress?.channelId ? await proactive.usableReference(`teams:conversation:${progress.channelId}`) : 'no_reference';
        if (typeof reference === 'string') {
          result.unreachable++;
          continue;
        }
        const day = (this.deps.now?.() ?? new Date()).toISOString().slice(0, 10);
        const lesson = await service.claimDelivery(user, due.lesson, {
          claims: [{ key: `onboarding-daily:teams:${due.userId}:${day}`, ttlSeconds: DAILY_CLAIM_TTL_SECONDS }],
          jobs: (view) => [messageJob(reference, renderTeamsLesson(view))],
        });
        if (lesson) result.sent++;
        else result.skipped++;
      } catch (err) {
        // Nothing of this delivery was written: the next sweep tries it again.
        result.failed++;
        metrics.errors.inc({ component: 'teams_onboarding_proactive' });
        logger.warn({ err, event: 'onboarding_proactive_failed', platform: 'teams', lesson: due.lesson }, 'could not send a due lesson');
      }
    }
    if (result.due) logger.info({ event: 'onboarding_lessons_swept', platform: 'teams', ...result }, 'due lessons delivered');
    return result;
  }
}
