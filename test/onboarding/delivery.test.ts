import type { Activity } from 'botbuilder';
import { TeamsProactiveSender, type StoredReference } from '../../src/channels/teams/conversationReferences';
import { TeamsOnboarding } from '../../src/channels/teams/onboarding/teamsOnboarding';
import { messageJob, TEAMS_ONBOARDING } from '../../src/channels/teams/outbox/jobs';
import { loadKnowledge } from '../../src/knowledge/loader';
import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/metrics';
import { loadCourse } from '../../src/onboarding/course';
import { OnboardingService } from '../../src/onboarding/service';
import { OutboxWorker } from '../../src/outbox/worker';
import type { OnboardingProgress, OutboxJobInput, Store } from '../../src/store/types';
import { describePostgres, postgresStatus, postgresTestDb, sqliteTestDb, testClock, type TestDb } from '../store/helpers/backends';

/**
 * An onboarding step that sends something (a due Teams lesson above all) is claimed, recorded
 * and queued in one store transaction. Here the outbox write itself fails, in the database (a
 * trigger refuses the onboarding job), after the claims and the progress were written in the
 * same transaction: nothing may stay recorded, and the next try delivers the lesson once.
 */

const kb = loadKnowledge();
const course = loadCourse(kb)!;
const logger = createLogger('silent');
const DAY_MS = 86_400_000;
const CAROL = '29:carol';
const CONVERSATION = 'a:carol-personal';

const FAIL_ONBOARDING_JOBS: Record<TestDb['kind'], { install: string; remove: string }> = {
  sqlite: {
    install: `CREATE TRIGGER fail_onboarding_jobs BEFORE INSERT ON outbox_jobs WHEN NEW.kind = '${TEAMS_ONBOARDING}'
              BEGIN SELECT RAISE(ABORT, 'injected: the outbox write failed'); END;`,
    remove: 'DROP TRIGGER fail_onboarding_jobs;',
  },
  postgres: {
    install: `CREATE FUNCTION fail_onboarding_jobs() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected: the outbox write failed'; END $$;
              CREATE TRIGGER fail_onboarding_jobs BEFORE INSERT ON outbox_jobs FOR EACH ROW WHEN (NEW.kind = '${TEAMS_ONBOARDING}') EXECUTE FUNCTION fail_onboarding_jobs();`,
    remove: 'DROP TRIGGER fail_onboarding_jobs ON outbox_jobs; DROP FUNCTION fail_onboarding_jobs();',
  },
};

function deliverySuite(makeDb: () => Promise<TestDb>): void {
  let db: TestDb;
  let store: Store;
  let clock: ReturnType<typeof testClock>;
  const workers: OutboxWorker[] = [];

  beforeEach(async () => {
    db = await makeDb();
    clock = testClock(new Date('2026-01-14T10:00:00Z')); // a Wednesday, after the lesson hour
    store = await db.open({ now: clock.now });
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop(0, 2000);
    await db.cleanup();
  });

  const failOnboardingJobs = () => db.exec(FAIL_ONBOARDING_JOBS[db.kind].install);
  const restoreOnboardingJobs = () => db.exec(FAIL_ONBOARDING_JOBS[db.kind].remove);

  /** One replica's course and sweep over `s`: the store's outbox is the only way out. */
  function teams(s: Store = store): TeamsOnboarding {
    const proactive = new TeamsProactiveSender({
      adapter: {
        continueConversationAsync: async () => {
          throw new Error('a lesson must go through the outbox');
        },
      },
      store: s,
      appId: 'app-id',
      policy: { hosts: ['smba.trafficmanager.net'], loopbackOnly: false },
      logger,
      deliver: async (reference, activity) => {
        await s.enqueueJob(messageJob(reference, activity));
      },
    });
    return new TeamsOnboarding({
      service: new OnboardingService({ store: s, kb, course, now: clock.now }),
      store: s,
      proactive,
      logger,
      metrics: createMetrics(),
      welcomeOnInstall: true,
      now: clock.now,
      send: async () => {
        throw new Error('no turn in a sweep');
      },
    });
  }

  /** The outbox worker, recording what it sends (the summary of each card). */
  function sendingWorker(): string[] {
    const sent: string[] = [];
    const worker = new OutboxWorker({
      store,
      logger,
      metrics: createMetrics(),
      handlers: {
        [TEAMS_ONBOARDING]: async (job) => {
          sent.push(String((job.payload.activity as Partial<Activity>).summary));
          return { status: 'sent' };
        },
      },
      laneSpacingMs: () => 0,
      pollMs: 20,
      now: () => clock.now().getTime(), // the store's clock: lane pacing is kept in the store
    });
    worker.start();
    workers.push(worker);
    return sent;
  }

  async function enrolCarol(): Promise<void> {
    const progress: OnboardingProgress = {
      platform: 'teams',
      userId: CAROL,
      startedAt: new Date(clock.now().getTime() - 10 * DAY_MS), // lessons 2 to 6 are all due
      currentLesson: 1,
      optedOut: false,
      score: 0,
      answered: 0,
      scheduledMessageIds: [],
      channelId: CONVERSATION,
    };
    await store.saveProgress(progress);
    const stored: StoredReference = {
      reference: { serviceUrl: 'https://smba.trafficmanager.net/emea/', channelId: 'msteams', conversation: { id: CONVERSATION, conversationType: 'personal', isGroup: false, name: '' }, user: { id: CAROL, name: 'Carol' }, bot: { id: '28:bot', name: 'whosecures' } },
      authenticated: true,
      savedAt: clock.now().toISOString(),
    };
    await store.saveConversationReference(`teams:conversation:${CONVERSATION}`, stored);
  }

  const lessonJobs = () => db.raw<{ id: unknown }>(`SELECT id FROM outbox_jobs WHERE kind = '${TEAMS_ONBOARDING}'`);
  const onboardingClaims = async () => (await db.raw<{ key: string }>('SELECT key FROM event_claims')).map((r) => r.key).filter((k) => /^(lesson|onboarding-daily|welcome):/.test(k));
  const waitFor = async (test: () => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('a lesson sweep whose outbox write fails records nothing; the next sweep delivers the lesson exactly once', async () => {
    await enrolCarol();
    await failOnboardingJobs();
    expect(await teams().deliverDueLessons()).toMatchObject({ due: 1, sent: 0, failed: 1 });
    // Neither delivered in the progress, nor claimed (lesson or day), nor half queued.
    expect((await store.getProgress('teams', CAROL))!.currentLesson).toBe(1);
    expect(await onboardingClaims()).toEqual([]);
    expect(await lessonJobs()).toHaveLength(0);

    await restoreOnboardingJobs();
    const sent = sendingWorker();
    // Two replicas sweep at once, then again: the lesson is queued by one of them, once.
    const other = await db.open({ now: clock.now });
    const sweeps = await Promise.all([teams().deliverDueLessons(), teams(other).deliverDueLessons()]);
    expect(sweeps.reduce((n, s) => n + s.sent, 0)).toBe(1);
    expect((await teams().deliverDueLessons()).sent).toBe(0); // lesson 3 is due too: one a day
    await waitFor(() => sent.length >= 1, 'the lesson sent');
    await new Promise((r) => setTimeout(r, 100));
    expect(sent).toEqual([expect.stringMatching(/^Lesson 2 of 6: /)]);
    expect((await store.getProgress('teams', CAROL))!.currentLesson).toBe(2);
    expect(await lessonJobs()).toHaveLength(1);

    clock.advance(DAY_MS);
    expect((await teams().deliverDueLessons()).sent).toBe(1);
    await waitFor(() => sent.length >= 2, 'the next day\'s lesson sent');
    expect(sent[1]).toMatch(/^Lesson 3 of 6: /);
  });

  describe('every other onboarding step that sends: nothing recorded when its outbox job cannot be written', () => {
    const carol = { platform: 'teams', userId: CAROL };
    const card = (what: string): OutboxJobInput[] => [{ kind: TEAMS_ONBOARDING, lane: `teams:${CONVERSATION}`, payload: { activity: { summary: what } } }];
    const service = () => new OnboardingService({ store, kb, course, now: clock.now });

    it('the welcome: not claimed, so the next install event still welcomes (once)', async () => {
      await failOnboardingJobs();
      await expect(service().welcome(carol, { channelId: CONVERSATION, jobs: () => card('welcome') })).rejects.toThrow();
      expect(await store.getProgress('teams', CAROL)).toBeUndefined();
      expect(await onboardingClaims()).toEqual([]);
      await restoreOnboardingJobs();
      expect(await service().welcome(carol, { channelId: CONVERSATION, jobs: () => card('welcome') })).toMatchObject({ sent: true });
      expect(await service().welcome(carol, { channelId: CONVERSATION, jobs: () => card('welcome') })).toEqual({ sent: false, reason: 'already-claimed' });
      expect(await lessonJobs()).toHaveLength(1);
    });

    it('"Next lesson": the user stays where they were, so pressing it again shows lesson 2, not 3', async () => {
      await service().start(carol, { channelId: CONVERSATION });
      await failOnboardingJobs();
      await expect(service().next(carol, 1, () => card('next'))).rejects.toThrow();
      expect((await store.getProgress('teams', CAROL))!.currentLesson).toBe(1);
      await restoreOnboardingJobs();
      expect(await service().next(carol, 1, () => card('next'))).toMatchObject({ kind: 'lesson', lesson: { lessonNumber: 2 } });
      expect(await lessonJobs()).toHaveLength(1);
    });

    it('a quiz answer: not counted, so the same click counts on its next try, with its grade', async () => {
      await service().start(carol, { channelId: CONVERSATION });
      await failOnboardingJobs();
      await expect(service().answer(carol, 'q-ec2.os-patching', 'customer', () => card('grade'))).rejects.toThrow();
      expect(await store.getProgress('teams', CAROL)).toMatchObject({ answered: 0, score: 0 });
      await restoreOnboardingJobs();
      expect(await service().answer(carol, 'q-ec2.os-patching', 'customer', () => card('grade'))).toMatchObject({ grade: { counted: true } });
      expect(await store.getProgress('teams', CAROL)).toMatchObject({ answered: 1, score: 1 });
      expect(await service().answer(carol, 'q-ec2.os-patching', 'customer', () => card('grade again'))).toMatchObject({ grade: { counted: false } });
      expect(await store.getProgress('teams', CAROL)).toMatchObject({ answered: 1, score: 1 });
      expect(await lessonJobs()).toHaveLength(2); // the grade, and the "already answered" one
    });
  });
}

describe('onboarding delivery through the outbox on SQLite', () => deliverySuite(sqliteTestDb));

describePostgres('onboarding delivery through the outbox on PostgreSQL', () => deliverySuite(() => postgresTestDb(postgresStatus().url!)));
