import { loadKnowledge } from '../../src/knowledge/loader';
import { loadCourse } from '../../src/onboarding/course';
import { OnboardingService, WELCOME_CLAIM_TTL_SECONDS } from '../../src/onboarding/service';
import type { Store } from '../../src/store/types';
import { describePostgres, postgresStatus, postgresTestDb, sqliteTestDb, testClock, type TestDb } from '../store/helpers/backends';

const kb = loadKnowledge();
const course = loadCourse(kb)!;
const alice = { platform: 'slack', userId: 'U0ALICE' };
const bob = { platform: 'teams', userId: '29:bob' };

function serviceSuite(makeDb: () => Promise<TestDb>): void {
  let db: TestDb;
  let store: Store;
  let clock: ReturnType<typeof testClock>;
  const service = (s: Store = store) => new OnboardingService({ store: s, kb, course, now: clock.now });

  beforeEach(async () => {
    db = await makeDb();
    clock = testClock(new Date('2026-01-14T15:30:00Z')); // a Wednesday
    store = await db.open({ now: clock.now });
  });
  afterEach(() => db.cleanup());

  describe('exactly one welcome', () => {
    it('welcomes once with lesson 1 when the event is delivered twice', async () => {
      const first = await service().welcome(alice, { channelId: 'D1' });
      expect(first).toMatchObject({ sent: true, lesson: { lessonNumber: 1, title: course.lessons[0]!.title } });
      expect(await service().welcome(alice, { channelId: 'D1' })).toEqual({ sent: false, reason: 'already-claimed' });
      expect(await store.getProgress('slack', 'U0ALICE')).toMatchObject({ currentLesson: 1, score: 0, channelId: 'D1' });
      expect((await service().welcome(bob)).sent).toBe(true); // another user, another platform
    });

    it('welcomes once when two replicas (two stores on one database) get the event at the same moment', async () => {
      const other = await db.open({ now: clock.now });
      const results = await Promise.all([service(store).welcome(alice), service(other).welcome(alice), service(store).welcome(alice), service(other).welcome(alice)]);
      expect(results.filter((r) => r.sent)).toHaveLength(1);
      expect(await store.listProgress()).toHaveLength(1);
    });

    it('does not welcome again after a restart, nor after the claim itself was purged', async () => {
      await service().welcome(alice);
      await store.close();
      const reopened = await db.open({ now: clock.now });
      expect(await service(reopened).welcome(alice)).toEqual({ sent: false, reason: 'already-claimed' });
      clock.advance((WELCOME_CLAIM_TTL_SECONDS + 60) * 1000);
      await reopened.purgeExpired();
      expect(await service(reopened).welcome(alice)).toEqual({ sent: false, reason: 'already-enrolled' });
    });

    it('does not welcome someone who already started the course by command', async () => {
      await service().start(alice);
      expect(await service().welcome(alice)).toEqual({ sent: false, reason: 'already-enrolled' });
    });
  });

  describe('quiz answers', () => {
    it('count once per question, survive a restart, and a restart of the course counts again', async () => {
      await service().welcome(alice);
      const right = await service().answer(alice, 'q-ec2.os-patching', 'customer');
      expect(right!.grade).toMatchObject({ correct: true, counted: true, headline: 'Right: You.' });
      const again = await service().answer(alice, 'q-ec2.os-patching', 'aws');
      expect(again!.grade).toMatchObject({ correct: false, counted: false });
      expect(again!.grade.fullAnswer).toMatchObject({ verdict: 'customer', cells: ['ec2.os-patching'] });
      const wrong = await service().answer(alice, 'q-general.physical-security', 'shared');
      expect(wrong!.grade).toMatchObject({ correct: false, counted: true });

      await store.close();
      store = await db.open({ now: clock.now });
      expect(await service().progress(alice)).toMatchObject({ score: 1, answered: 2, lesson: 1, completed: false });

      const restarted = await service().restart(alice);
      expect(restarted).toMatchObject({ restarted: true, progress: { score: 0, answered: 0, currentLesson: 1 } });
      expect((await service().answer(alice, 'q-ec2.os-patching', 'customer'))!.grade.counted).toBe(true);
      expect(await service().progress(alice)).toMatchObject({ score: 1, answered: 1 });
    });

    it('counts a double click once even when both clicks reach two replicas at once', async () => {
      await service().welcome(alice);
      const other = await db.open({ now: clock.now });
      const results = await Promise.all([service(store).answer(alice, 'q-ec2.host-os', 'aws'), service(other).answer(alice, 'q-ec2.host-os', 'aws')]);
      expect(results.filter((r) => r!.grade.counted)).toHaveLength(1);
      expect(await service().progress(alice)).toMatchObject({ score: 1, answered: 1, lesson: 2 });
    });

    it('keeps every answer when one user answers several questions at once on one replica', async () => {
      await service().welcome(alice);
      const s = service();
      const ids = [...course.questions.keys()].slice(0, 5);
      await Promise.all(ids.map((id) => s.answer(alice, id, course.questions.get(id)!.answer)));
      expect(await s.progress(alice)).toMatchObject({ score: 5, answered: 5 });
    });

    it('finishes the course when every question is answered, and grades without counting for unknown users', async () => {
      await service().welcome(alice);
      let last;
      for (const q of course.questions.values()) last = await service().answer(alice, q.id, q.answer === 'aws' ? 'customer' : q.answer);
      expect(last!.done).toMatchObject({ kind: 'done', title: 'Course complete' });
      const summary = await service().progress(alice);
      expect(summary).toMatchObject({ completed: true, answered: course.questions.size, lesson: course.lessons.length });
      expect(summary!.score).toBe([...course.questions.values()].filter((q) => q.answer !== 'aws').length);

      const stranger = await service().answer({ platform: 'slack', userId: 'U0NEW' }, 'q-ec2.os-patching', 'customer');
      expect(stranger!.grade.counted).toBe(false);
      expect(stranger!.progress).toBeUndefined();
      expect(await service().answer(alice, 'q-lambda.runtime-patching', 'aws')).toBeUndefined(); // not in the course
    });
  });

  describe('next, start, restart and opt-out', () => {
    it('next sends the following lesson and cancels the scheduled copy of it; the last next finishes', async () => {
      const s = service();
      const welcome = await s.welcome(alice, { channelId: 'D1' });
      expect(welcome.sent).toBe(true);
      const upcoming = s.upcomingLessons((await store.getProgress('slack', 'U0ALICE'))!, 'UTC');
      expect(upcoming.map((u) => u.lesson)).toEqual([2, 3, 4, 5, 6]);
      expect(upcoming[0]!.at.toISOString()).toBe('2026-01-15T09:00:00.000Z');
      await s.recordScheduled(alice, upcoming.map((u) => ({ lesson: u.lesson, messageId: `Q${u.lesson}` })));

      const next = await s.next(alice, 1);
      expect(next).toMatchObject({ kind: 'lesson', lesson: { lessonNumber: 2 }, cancel: [{ lesson: 2, messageId: 'Q2', channelId: 'D1' }] });
      expect((await store.getProgress('slack', 'U0ALICE'))!.scheduledMessageIds).toEqual(['3:Q3', '4:Q4', '5:Q5', '6:Q6']);
      // An old "Next lesson" button on lesson 1 does not go backwards.
      expect(await s.next(alice, 1)).toMatchObject({ kind: 'lesson', lesson: { lessonNumber: 3 } });
      for (let i = 4; i <= course.lessons.length; i++) await s.next(alice);
      const done = await s.next(alice);
      expect(done).toMatchObject({ kind: 'done', done: { title: 'Course complete' } });
      expect((await s.progress(alice))!.completed).toBe(true);
      expect(await s.next({ platform: 'slack', userId: 'U0NOBODY' })).toEqual({ kind: 'not-started' });
    });

    it('opting out returns everything scheduled to cancel and stops proactive lessons', async () => {
      const s = service();
      await s.welcome(bob);
      await s.recordScheduled(bob, [{ lesson: 2, messageId: 'Q2' }, { lesson: 3, messageId: 'Q3' }]);
      const out = await s.optOut(bob);
      expect(out.cancel.map((c) => c.messageId)).toEqual(['Q2', 'Q3']);
      expect(out.progress).toMatchObject({ optedOut: true, scheduledMessageIds: [] });
      clock.advance(7 * 86_400_000);
      expect(await s.dueLessons('teams')).toEqual([]);
      expect(await s.optOut({ platform: 'teams', userId: 'nobody' })).toEqual({ cancel: [] });
    });

    it('start resumes a running course; restart starts over and hands back the old schedule', async () => {
      const s = service();
      await s.welcome(alice, { channelId: 'D1' });
      await s.next(alice);
      await s.recordScheduled(alice, [{ lesson: 3, messageId: 'Q3' }]);
      expect(await s.start(alice)).toMatchObject({ restarted: false, lesson: { lessonNumber: 2 }, cancel: [] });
      const restarted = await s.restart(alice);
      expect(restarted).toMatchObject({ restarted: true, lesson: { lessonNumber: 1 }, cancel: [{ lesson: 3, messageId: 'Q3', channelId: 'D1' }] });
      expect(restarted.progress.channelId).toBe('D1');
      await s.optOut(alice);
      expect(await s.start(alice)).toMatchObject({ restarted: true, progress: { optedOut: false, currentLesson: 1 } });
    });
  });

  describe('proactive delivery (platforms without scheduled messages)', () => {
    it('lists users whose next lesson is due on a working day and delivers each lesson once', async () => {
      const s = service();
      await s.welcome(bob);
      expect(await s.dueLessons('teams')).toEqual([]);
      clock.set(new Date('2026-01-15T09:00:00Z')); // Thursday at the lesson hour
      expect(await s.dueLessons('teams')).toEqual([{ userId: '29:bob', lesson: 2 }]);
      const other = await db.open({ now: clock.now });
      const delivered = await Promise.all([s.claimDelivery(bob, 2), service(other).claimDelivery(bob, 2)]);
      expect(delivered.filter(Boolean)).toHaveLength(1);
      expect(delivered.find(Boolean)).toMatchObject({ lessonNumber: 2 });
      expect(await s.dueLessons('teams')).toEqual([]);
      clock.set(new Date('2026-01-17T12:00:00Z')); // Saturday: Friday's lesson is due, nothing more
      expect(await s.dueLessons('teams')).toEqual([{ userId: '29:bob', lesson: 3 }]);
      expect(await s.claimDelivery(bob, 4)).toBeUndefined(); // not the next one
      expect(await s.dueLessons('slack')).toEqual([]);
    });
  });
}

describe('OnboardingService on SQLite', () => serviceSuite(sqliteTestDb));

describePostgres('OnboardingService on PostgreSQL', () => serviceSuite(() => postgresTestDb(postgresStatus().url!)));
