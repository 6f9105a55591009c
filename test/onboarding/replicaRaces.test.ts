import { loadKnowledge } from '../../src/knowledge/loader';
import { loadCourse } from '../../src/onboarding/course';
import { OnboardingService } from '../../src/onboarding/service';
import type { OutboxJobInput, Store } from '../../src/store/types';
import { describePostgres, postgresStatus, postgresTestDb, sqliteTestDb, testClock, type TestDb } from '../store/helpers/backends';
import { pauseNextRead } from './helpers/pausedRead';

/**
 * Two replicas (two stores on one database) working on one user's progress at once. Each
 * interleaving is forced: one replica reads the progress, the other changes it, then the first
 * writes. The later write must not overwrite what the other replica stored.
 */

const kb = loadKnowledge();
const course = loadCourse(kb)!;
const DAY_MS = 86_400_000;
const bob = { platform: 'teams', userId: '29:bob' };
const alice = { platform: 'slack', userId: 'U0ALICE' };
const card = (what: string): OutboxJobInput => ({ kind: 'test.onboarding', lane: 'test:lane', payload: { what } });

function racesSuite(makeDb: () => Promise<TestDb>): void {
  let db: TestDb;
  let one: Store;
  let two: Store;
  let clock: ReturnType<typeof testClock>;
  const service = (store: Store) => new OnboardingService({ store, kb, course, now: clock.now });
  const jobs = async () => (await db.raw<{ payload: unknown }>(`SELECT payload FROM outbox_jobs WHERE kind = 'test.onboarding' ORDER BY id`)).map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as { what: string });

  beforeEach(async () => {
    db = await makeDb();
    clock = testClock(new Date('2026-01-15T10:00:00Z')); // a Thursday, after the lesson hour
    one = await db.open({ now: clock.now });
    two = await db.open({ now: clock.now });
  });
  afterEach(() => db.cleanup());

  /** Bob started ten days ago and is on lesson 1: lesson 2 is due for the Teams sweep. */
  async function enrolBob(): Promise<Date> {
    const startedAt = new Date(clock.now().getTime() - 10 * DAY_MS);
    await one.saveProgress({ ...bob, startedAt, currentLesson: 1, optedOut: false, score: 3, answered: 4, scheduledMessageIds: [], channelId: 'a:bob' });
    return startedAt;
  }

  it('a lesson sweep that read the progress before a restart on the other replica does not undo the restart', async () => {
    const oldStart = await enrolBob();
    const sweeper = pauseNextRead(two);
    expect(await service(sweeper.store).dueLessons('teams')).toEqual([{ userId: bob.userId, lesson: 2 }]);
    const sweep = service(sweeper.store).claimDelivery(bob, 2, { jobs: (view) => [card(`lesson ${view.lessonNumber}`)] });
    expect(await sweeper.read).toMatchObject({ startedAt: oldStart, currentLesson: 1 });

    clock.advance(1000);
    const restarted = await service(one).restart(bob, { jobs: (r) => [card(`restart lesson ${r.lesson.lessonNumber}`)] });
    sweeper.release();
    expect(await sweep).toBeUndefined();

    const stored = await one.getProgress(bob.platform, bob.userId);
    expect(stored).toMatchObject({ startedAt: restarted.progress.startedAt, currentLesson: 1, score: 0, answered: 0 });
    expect(stored!.startedAt.getTime()).toBeGreaterThan(oldStart.getTime());
    // Only the restart's lesson 1 was queued: the old run's lesson 2 is not sent into the new run.
    expect(await jobs()).toEqual([{ what: 'restart lesson 1' }]);
  });

  it('a restart that read the progress before a sweep on the other replica still starts over', async () => {
    await enrolBob();
    const restarter = pauseNextRead(one);
    const restart = service(restarter.store).restart(bob, { jobs: (r) => [card(`restart lesson ${r.lesson.lessonNumber}`)] });
    await restarter.read;
    expect(await service(two).claimDelivery(bob, 2, { jobs: (view) => [card(`lesson ${view.lessonNumber}`)] })).toMatchObject({ lessonNumber: 2 });
    clock.advance(1000);
    restarter.release();
    const restarted = await restart;
    expect(await one.getProgress(bob.platform, bob.userId)).toMatchObject({ startedAt: restarted.progress.startedAt, currentLesson: 1, score: 0, answered: 0 });
    expect(await jobs()).toEqual([{ what: 'lesson 2' }, { what: 'restart lesson 1' }]);
  });

  it('two answers by one user on two replicas, both read before either writes: both count', async () => {
    await service(one).welcome(alice, { channelId: 'D1' });
    const [first, second] = [...course.questions.values()].filter((q) => q.lesson === 1);
    const a = pauseNextRead(one);
    const b = pauseNextRead(two);
    const answerA = service(a.store).answer(alice, first!.id, first!.answer, (r) => [card(`grade ${first!.id} ${r.grade.counted}`)]);
    const answerB = service(b.store).answer(alice, second!.id, second!.answer, (r) => [card(`grade ${second!.id} ${r.grade.counted}`)]);
    await Promise.all([a.read, b.read]);
    a.release();
    expect((await answerA)!.grade.counted).toBe(true);
    b.release();
    expect((await answerB)!.grade.counted).toBe(true);

    expect(await one.getProgress(alice.platform, alice.userId)).toMatchObject({ score: 2, answered: 2 });
    expect(await jobs()).toEqual([{ what: `grade ${first!.id} true` }, { what: `grade ${second!.id} true` }]);
  });

  it('a burst of answers from one user split over two replicas: every answer counts, each grade queued once', async () => {
    await service(one).welcome(alice, { channelId: 'D1' });
    const questions = [...course.questions.values()].slice(0, 10);
    const [s1, s2] = [service(one), service(two)];
    const results = await Promise.all(questions.map((q, i) => (i % 2 ? s2 : s1).answer(alice, q.id, q.answer, () => [card(q.id)])));
    expect(results.every((r) => r!.grade.counted)).toBe(true);
    expect(await one.getProgress(alice.platform, alice.userId)).toMatchObject({ score: 10, answered: 10 });
    expect((await jobs()).map((j) => j.what).sort()).toEqual(questions.map((q) => q.id).sort());
  });
}

describe('onboarding replica races on SQLite (two stores on one file)', () => racesSuite(sqliteTestDb));

describePostgres('onboarding replica races on PostgreSQL (two stores on one schema)', () => racesSuite(() => postgresTestDb(postgresStatus().url!)));
