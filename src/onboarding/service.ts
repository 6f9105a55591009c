import type { KnowledgeBase } from '../knowledge/types';
import type { Claim, OnboardingProgress, OutboxJobInput, ProgressCommit, QuizAnswer, Store } from '../store/types';
import type { Course, CourseLesson } from './course';
import { KeyedLock } from './keyedLock';
import { gradeAnswer, type QuizChoice } from './quiz';
import { DEFAULT_LESSON_HOUR, lessonDueBy, safeTimeZone, workingDaySchedule } from './schedule';
import { doneView, gradeView, lessonView, quizView, type DoneView, type GradeView, type LessonView, type QuizView } from './views';

/** A welcome is claimed for ten years: in practice, once per user for the life of the install. */
export const WELCOME_CLAIM_TTL_SECONDS = 10 * 365 * 24 * 3600;
/** A proactive lesson delivery is claimed for long enough that no replica sends it twice. */
const DELIVERY_CLAIM_TTL_SECONDS = 30 * 24 * 3600;
/**
 * Tries of one step whose commit found the progress changed meanwhile. Each failed try means
 * another replica committed a step for the same user in between, so this is only reached
 * under a flood of clicks from one user on several replicas at once.
 */
const MAX_STEP_ATTEMPTS = 10;

/** A commit refused because the stored progress is no longer the version the step read. */
const STALE = Symbol('stale progress');
type Stale = typeof STALE;

/** A step for one user that kept finding its progress changed by another replica: nothing of it was written. */
export class ProgressConflictError extends Error {
  constructor(user: UserRef) {
    super(`onboarding progress of a ${user.platform} user kept changing on another replica; ${MAX_STEP_ATTEMPTS} tries, nothing written`);
    this.name = 'ProgressConflictError';
  }
}

export interface OnboardingServiceDeps {
  store: Store;
  kb: KnowledgeBase;
  course: Course;
  now?: () => Date;
  /** Local hour at which scheduled lessons arrive. */
  lessonHour?: number;
  /** Called once the course wrote messages into the outbox: wakes the outbox worker. */
  onQueued?: () => void;
}

/**
 * The outbox jobs that show a step's result to the user, rendered by the channel. The service
 * writes them in the transaction that records the step, so the step is never recorded without
 * its messages.
 */
export type JobsFor<R> = (result: R) => OutboxJobInput[];

export interface UserRef {
  platform: string;
  userId: string;
}

/** A Slack scheduled message (or similar) to cancel: where it was scheduled and its id. */
export interface ScheduledRef {
  lesson: number;
  messageId: string;
  channelId?: string;
}

export interface WelcomeSent {
  sent: true;
  progress: OnboardingProgress;
  lesson: LessonView;
}

export type WelcomeResult = WelcomeSent | { sent: false; reason: 'already-claimed' | 'already-enrolled' };

export interface StartResult {
  progress: OnboardingProgress;
  lesson: LessonView;
  /** Scheduled lessons of an earlier run, to cancel before scheduling the new ones. */
  cancel: ScheduledRef[];
  restarted: boolean;
}

export type NextShown =
  | { kind: 'lesson'; progress: OnboardingProgress; lesson: LessonView; cancel: ScheduledRef[] }
  | { kind: 'done'; progress: OnboardingProgress; done: DoneView; cancel: ScheduledRef[] };

export type NextResult = NextShown | { kind: 'not-started' };

export interface AnswerResult {
  grade: GradeView;
  /** Undefined when the user has no course (an old button after a purge): graded, not counted. */
  progress?: OnboardingProgress;
  /** Set when this answer finished the course. */
  done?: DoneView;
}

export interface ProgressSummary {
  platform: string;
  userId: string;
  lesson: number;
  totalLessons: number;
  score: number;
  answered: number;
  totalQuestions: number;
  completed: boolean;
  optedOut: boolean;
  startedAt: Date;
  completedAt?: Date;
}

/** Scheduled ids are stored as `<lesson>:<id>` so one lesson's message can be cancelled alone. */
function encodeScheduled(lesson: number, messageId: string): string {
  return `${lesson}:${messageId}`;
}

function decodeScheduled(entry: string, channelId: string | undefined): ScheduledRef | undefined {
  const colon = entry.indexOf(':');
  const lesson = Number(entry.slice(0, colon));
  if (colon < 1 || !Number.isInteger(lesson)) return undefined;
  return { lesson, messageId: entry.slice(colon + 1), ...(channelId ? { channelId } : {}) };
}

/**
 * The onboarding course over the Store: one place that decides what a user sees next, so Slack
 * and Teams behave alike. Progress lives in the store, so it survives restarts and is shared by
 * replicas; the welcome is claimed in the store, so it is sent once even when the event is
 * delivered twice or reaches two replicas at once. A step that sends something (a welcome, a
 * lesson, a grade) writes its claims, its progress and its outbox jobs in one transaction
 * (`Store.commitProgress`): a crash leaves all of them or none, and the outbox worker sends
 * what was written, after a restart too.
 *
 * Every step that changes progress reads it, decides, and commits over the version it read
 * (`step`). The in-process lock orders one replica's steps for a user; across replicas the
 * store refuses a commit over a version that is no longer stored, and the step reads again
 * and decides again, so no replica overwrites what another stored meanwhile.
 */
export class OnboardingService {
  private readonly lock = new KeyedLock();
  private readonly now: () => Date;
  readonly lessonHour: number;

  constructor(private readonly deps: OnboardingServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.lessonHour = deps.lessonHour ?? DEFAULT_LESSON_HOUR;
  }

  get course(): Course {
    return this.deps.course;
  }

  get totalQuestions(): number {
    return this.deps.course.questions.size;
  }

  lesson(number: number): CourseLesson | undefined {
    return this.deps.course.lessons[number - 1];
  }

  lessonView(number: number): LessonView | undefined {
    const lesson = this.lesson(number);
    return lesson ? lessonView(this.deps.kb, this.deps.course, lesson) : undefined;
  }

  quizView(number: number): QuizView | undefined {
    const lesson = this.lesson(number);
    return lesson ? quizView(this.deps.course, lesson) : undefined;
  }

  /** The welcome for a new member: lesson 1, exactly once per user. */
  async welcome(user: UserRef, options: { channelId?: string; jobs?: JobsFor<WelcomeSent> } = {}): Promise<WelcomeResult> {
    const claim: Claim = { key: `welcome:${user.platform}:${user.userId}`, ttlSeconds: WELCOME_CLAIM_TTL_SECONDS };
    return this.step(user, async (): Promise<WelcomeResult | Stale> => {
      // The claim may have been purged long ago; stored progress still says this user was enrolled.
      if (await this.deps.store.getProgress(user.platform, user.userId)) {
        return { sent: false, reason: (await this.deps.store.claimEvent(claim.key, claim.ttlSeconds)) ? 'already-enrolled' : 'already-claimed' } as const;
      }
      const sent: WelcomeSent = { sent: true, progress: this.freshProgress(user, options.channelId), lesson: this.lessonView(1)! };
      // Stale: the user was enrolled meanwhile (a command on another replica); the next try says so.
      const outcome = await this.commit({ claims: [claim], progress: sent.progress, jobs: options.jobs?.(sent) ?? [] });
      if (outcome === 'claimed') return { sent: false, reason: 'already-claimed' } as const;
      return outcome === STALE ? STALE : sent;
    });
  }

  /** Starts the course, or shows where the user is when a run is already going. */
  async start(user: UserRef, options: { channelId?: string; jobs?: JobsFor<StartResult> } = {}): Promise<StartResult> {
    return this.step(user, async () => {
      const existing = await this.deps.store.getProgress(user.platform, user.userId);
      if (existing && !existing.optedOut && !existing.completedAt) {
        const resumed: StartResult = { progress: existing, lesson: this.lessonView(existing.currentLesson) ?? this.lessonView(1)!, cancel: [], restarted: false };
        await this.queue(options.jobs?.(resumed));
        return resumed;
      }
      return this.begin(user, existing, options);
    });
  }

  /** Starts over from lesson 1 with a zero score (`/whosecures onboard`). */
  async restart(user: UserRef, options: { channelId?: string; jobs?: JobsFor<StartResult> } = {}): Promise<StartResult> {
    return this.step(user, async () => this.begin(user, await this.deps.store.getProgress(user.platform, user.userId), options));
  }

  private async begin(user: UserRef, existing: OnboardingProgress | undefined, options: { channelId?: string; jobs?: JobsFor<StartResult> }): Promise<StartResult | Stale> {
    const progress = this.freshProgress(user, options.channelId ?? existing?.channelId);
    // The new run replaces the row as it was read, nothing newer.
    if (existing?.version !== undefined) progress.version = existing.version;
    // The start time keys this run's quiz answers: a new run must never share it with the old one.
    if (existing && progress.startedAt.getTime() <= existing.startedAt.getTime()) progress.startedAt = new Date(existing.startedAt.getTime() + 1);
    const started: StartResult = { progress, lesson: this.lessonView(1)!, cancel: existing ? this.scheduledOf(existing) : [], restarted: existing !== undefined };
    return (await this.commit({ progress, jobs: options.jobs?.(started) ?? [] })) === STALE ? STALE : started;
  }

  /**
   * The lesson after `fromLesson` (the one whose button was pressed), else after the current one.
   * Scheduled copies of lessons the user has now seen are returned for cancelling.
   */
  async next(user: UserRef, fromLesson?: number, jobs?: JobsFor<NextShown>): Promise<NextResult> {
    return this.step(user, async (): Promise<NextResult | Stale> => {
      const progress = await this.deps.store.getProgress(user.platform, user.userId);
      if (!progress) return { kind: 'not-started' } as const;
      const total = this.deps.course.lessons.length;
      const target = Math.max(progress.currentLesson, fromLesson ?? progress.currentLesson) + 1;
      let shown: NextShown;
      if (target > total) {
        progress.currentLesson = total;
        progress.completedAt ??= this.now();
        const cancel = this.scheduledOf(progress);
        progress.scheduledMessageIds = [];
        shown = { kind: 'done', progress, done: doneView(this.deps.course, progress.score, progress.answered, this.totalQuestions), cancel };
      } else {
        progress.currentLesson = target;
        progress.optedOut = false;
        const cancel = this.takeScheduled(progress, (lesson) => lesson <= target);
        shown = { kind: 'lesson', progress, lesson: this.lessonView(target)!, cancel };
      }
      // Otherwise a crash here would move the user on without the lesson, and pressing the
      // button again would skip it.
      return (await this.commit({ progress, jobs: jobs?.(shown) ?? [] })) === STALE ? STALE : shown;
    });
  }

  /** Stops the course. Returns what is scheduled so the channel can cancel it. */
  async optOut(user: UserRef): Promise<{ progress?: OnboardingProgress; cancel: ScheduledRef[] }> {
    return this.step(user, async () => {
      const progress = await this.deps.store.getProgress(user.platform, user.userId);
      if (!progress) return { cancel: [] };
      const cancel = this.scheduledOf(progress);
      progress.optedOut = true;
      progress.scheduledMessageIds = [];
      return (await this.commit({ progress, jobs: [] })) === STALE ? STALE : { progress, cancel };
    });
  }

  /**
   * Grades an answer against the matrix and counts it once per question per run of the course:
   * a double click, a replayed action or a second replica does not change the score again.
   */
  async answer(user: UserRef, questionId: string, choice: QuizChoice, jobs?: JobsFor<AnswerResult>): Promise<AnswerResult | undefined> {
    const question = this.deps.course.questions.get(questionId);
    const grade = question ? gradeAnswer(this.deps.kb, questionId, choice) : undefined;
    if (!question || !grade) return undefined;
    return this.step(user, async (): Promise<AnswerResult | Stale> => {
      const progress = await this.deps.store.getProgress(user.platform, user.userId);
      if (!progress) {
        const stranger: AnswerResult = { grade: gradeView(grade, false) };
        await this.queue(jobs?.(stranger));
        return stranger;
      }
      const answered: QuizAnswer = {
        platform: user.platform,
        userId: user.userId,
        // Keyed by run: after a restart the same question counts again, within a run only once.
        questionId: `${questionId}@${progress.startedAt.getTime()}`,
        answer: choice,
        correct: grade.correct,
        answeredAt: this.now(),
      };
      const unchanged: OnboardingProgress = { ...progress };
      progress.answered += 1;
      if (grade.correct) progress.score += 1;
      progress.currentLesson = Math.max(progress.currentLesson, question.lesson);
      const result: AnswerResult = { grade: gradeView(grade, true), progress };
      if (progress.answered >= this.totalQuestions && !progress.completedAt) {
        progress.completedAt = this.now();
        result.done = doneView(this.deps.course, progress.score, progress.answered, this.totalQuestions);
      }
      // The answer, the score it changes and the grade (with the course-complete card) are
      // written together: after a crash the click counts on its next try, and is never counted
      // without the cards that show it.
      const outcome = await this.commit({ answer: answered, progress, jobs: jobs?.(result) ?? [] });
      if (outcome !== 'claimed') return outcome === STALE ? STALE : result;
      const again: AnswerResult = { grade: gradeView(grade, false), progress: unchanged };
      await this.queue(jobs?.(again));
      return again;
    });
  }

  async progress(user: UserRef): Promise<ProgressSummary | undefined> {
    const p = await this.deps.store.getProgress(user.platform, user.userId);
    return p ? this.summarize(p) : undefined;
  }

  summarize(p: OnboardingProgress): ProgressSummary {
    const summary: ProgressSummary = {
      platform: String(p.platform),
      userId: p.userId,
      lesson: p.currentLesson,
      totalLessons: this.deps.course.lessons.length,
      score: p.score,
      answered: p.answered,
      totalQuestions: this.totalQuestions,
      completed: p.completedAt !== undefined,
      optedOut: p.optedOut,
      startedAt: p.startedAt,
    };
    if (p.completedAt) summary.completedAt = p.completedAt;
    return summary;
  }

  /** When lessons after the current one should arrive, for a platform that schedules them itself. */
  upcomingLessons(progress: OnboardingProgress, timeZone?: string): Array<{ lesson: number; at: Date }> {
    const total = this.deps.course.lessons.length;
    const times = workingDaySchedule(progress.startedAt, total - 1, { hour: this.lessonHour, timeZone: safeTimeZone(timeZone) });
    return times.map((at, i) => ({ lesson: i + 2, at })).filter((s) => s.lesson > progress.currentLesson && s.at.getTime() > this.now().getTime());
  }

  /** Remembers scheduled messages so that opting out, restarting or reading ahead cancels them. */
  async recordScheduled(user: UserRef, scheduled: Array<{ lesson: number; messageId: string }>): Promise<void> {
    if (scheduled.length === 0) return;
    await this.step(user, async () => {
      const progress = await this.deps.store.getProgress(user.platform, user.userId);
      if (!progress) return;
      progress.scheduledMessageIds = [...progress.scheduledMessageIds, ...scheduled.map((s) => encodeScheduled(s.lesson, s.messageId))];
      return (await this.commit({ progress, jobs: [] })) === STALE ? STALE : undefined;
    });
  }

  /**
   * Users on a platform whose next lesson is due by the schedule, for proactive delivery where
   * the platform cannot schedule messages itself (Teams). Derived from stored progress only, so
   * a restart loses nothing.
   */
  async dueLessons(platform: string, timeZone?: string): Promise<Array<{ userId: string; lesson: number }>> {
    const total = this.deps.course.lessons.length;
    const due: Array<{ userId: string; lesson: number }> = [];
    for (const p of await this.deps.store.listProgress()) {
      if (p.platform !== platform || p.optedOut || p.completedAt || p.currentLesson >= total) continue;
      if (this.dueBy(p, timeZone) > p.currentLesson) due.push({ userId: p.userId, lesson: p.currentLesson + 1 });
    }
    return due;
  }

  /** The last lesson of this run that the working-day schedule has made due by now. */
  private dueBy(p: OnboardingProgress, timeZone: string | undefined): number {
    return lessonDueBy(p.startedAt, this.deps.course.lessons.length, this.now(), { hour: this.lessonHour, timeZone: safeTimeZone(timeZone) });
  }

  /**
   * Marks a due lesson as delivered and returns it, or undefined when another replica (or an
   * earlier tick) already delivered it, one of `options.claims` is taken, or the user moved on.
   * The claims, the progress and the lesson's jobs are one transaction: a crash or a failed
   * write leaves the lesson due, for the next sweep. The lesson must still be due when the
   * progress is read here: a restart since the sweep listed it starts a new schedule.
   */
  async claimDelivery(user: UserRef, lesson: number, options: { claims?: Claim[]; jobs?: JobsFor<LessonView>; timeZone?: string } = {}): Promise<LessonView | undefined> {
    return this.step(user, async (): Promise<LessonView | undefined | Stale> => {
      const progress = await this.deps.store.getProgress(user.platform, user.userId);
      const view = this.lessonView(lesson);
      if (!progress || !view || progress.optedOut || progress.completedAt || progress.currentLesson + 1 !== lesson) return undefined;
      if (this.dueBy(progress, options.timeZone) < lesson) return undefined;
      const claims = [{ key: `lesson:${user.platform}:${user.userId}:${progress.startedAt.getTime()}:${lesson}`, ttlSeconds: DELIVERY_CLAIM_TTL_SECONDS }, ...(options.claims ?? [])];
      progress.currentLesson = lesson;
      const outcome = await this.commit({ claims, progress, jobs: options.jobs?.(view) ?? [] });
      return outcome === 'committed' ? view : outcome === STALE ? STALE : undefined;
    });
  }

  /**
   * Saves progress with its claims and the jobs showing it, in one store transaction, over the
   * version the progress was read at. `claimed`: the step was done before (a claim or the
   * answer is taken); STALE: another replica changed the progress since it was read.
   */
  private async commit(commit: ProgressCommit): Promise<'committed' | 'claimed' | Stale> {
    const result = await this.deps.store.commitProgress(commit);
    if (!result.ok) return result.reason === 'stale' ? STALE : 'claimed';
    commit.progress.version = result.version;
    if (commit.jobs.length) this.deps.onQueued?.();
    return 'committed';
  }

  /**
   * Runs one read-decide-commit step for a user: after the steps of this replica for the same
   * user, and again (reading afresh) while its commit finds the progress changed by another
   * replica. Nothing of a try that came back STALE was written.
   */
  private step<T>(user: UserRef, run: () => Promise<T | Stale>): Promise<T> {
    return this.lock.run(key(user), async () => {
      for (let attempt = 1; ; attempt++) {
        const result = await run();
        if (result !== STALE) return result as T;
        if (attempt >= MAX_STEP_ATTEMPTS) throw new ProgressConflictError(user);
      }
    });
  }

  /** Jobs for a step that changes no progress (nothing to be atomic with). */
  private async queue(jobs: OutboxJobInput[] = []): Promise<void> {
    for (const job of jobs) await this.deps.store.enqueueJob(job);
    if (jobs.length) this.deps.onQueued?.();
  }

  private freshProgress(user: UserRef, channelId: string | undefined): OnboardingProgress {
    return {
      platform: user.platform,
      userId: user.userId,
      startedAt: this.now(),
      currentLesson: 1,
      optedOut: false,
      score: 0,
      answered: 0,
      scheduledMessageIds: [],
      ...(channelId ? { channelId } : {}),
    };
  }

  private scheduledOf(progress: OnboardingProgress): ScheduledRef[] {
    return progress.scheduledMessageIds.map((e) => decodeScheduled(e, progress.channelId)).filter((r): r is ScheduledRef => r !== undefined);
  }

  /** Removes and returns scheduled entries whose lesson matches. */
  private takeScheduled(progress: OnboardingProgress, match: (lesson: number) => boolean): ScheduledRef[] {
    const taken: ScheduledRef[] = [];
    const kept: string[] = [];
    for (const entry of progress.scheduledMessageIds) {
      const ref = decodeScheduled(entry, progress.channelId);
      if (ref && match(ref.lesson)) taken.push(ref);
      else kept.push(entry);
    }
    progress.scheduledMessageIds = kept;
    return taken;
  }
}

function key(user: UserRef): string {
  return `${user.platform}\u0000${user.userId}`;
}
