import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKnowledge } from '../../src/knowledge/loader';
import { encodeAnswerValue, ONBOARDING_ACTIONS } from '../../src/onboarding/actions';
import { loadCourse } from '../../src/onboarding/course';
import { openStore } from '../../src/store/open';
import { FakeSlackApi, type RecordedCall } from '../channels/slack/fakeSlackApi';
import { blockAction } from '../channels/slack/payloads';
import { postToSlackEndpoint, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../channels/slack/signedRequest';
import { allTexts } from '../channels/slack/slackTestApp';
import { ensureBuilt, killBot, startBot, waitUntil, type BotProcess } from '../helpers/botProcess';

/**
 * A Slack quiz answer with the compiled bot as operators run it: the process is SIGKILLed the
 * moment the store has committed the answer and its score (helpers/quizFaultPreload.js), then
 * started again. The grade the user should see must still arrive, once, and the answer must
 * count once.
 */

const PRELOAD = ['-r', join(__dirname, 'helpers/quizFaultPreload.js')];
const NEWBIE = 'U0QUIZKILL';
const DM = 'D0QUIZKILL';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const course = loadCourse(loadKnowledge())!;
const question = [...course.questions.values()].find((q) => q.lesson === 1)!;

describe('Slack quiz grades: process faults (SQLite)', () => {
  let fake: FakeSlackApi;
  let dir: string;
  const bots: BotProcess[] = [];

  beforeAll(() => ensureBuilt(), 240_000);
  beforeEach(async () => {
    fake = await new FakeSlackApi().start();
    dir = mkdtempSync(join(tmpdir(), 'whosecures-quiz-faults-'));
  });
  afterEach(async () => {
    for (const b of bots.splice(0)) await killBot(b);
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATA_DIR: dir,
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    SLACK_POST_SPACING_MS: '0',
    ...extra,
  });

  /** Grades that reached the user, by any route (the button's response_url or a private post in the DM). */
  function grades(): RecordedCall[] {
    return fake.calls.filter((c) => {
      if (c.method !== 'response_url' && !(c.method === 'chat.postEphemeral' && c.args.channel === DM && c.args.user === NEWBIE)) return false;
      return /Right: |Not quite: /.test(allTexts(c.args.blocks).join('\n'));
    });
  }

  /** The quiz of lesson 1 is an ephemeral message in the DM: the click comes from there. */
  const click = (bot: BotProcess) =>
    postToSlackEndpoint(
      bot.baseUrl,
      blockAction(`${ONBOARDING_ACTIONS.answer}:${question.id}:${question.answer}`, encodeAnswerValue({ lesson: 1, questionId: question.id, choice: question.answer }), {
        responseUrl: fake.responseUrl('quiz-click'),
        channel: DM,
        user: NEWBIE,
        ephemeral: true,
      }),
    );

  test('SIGKILL right after the answer is recorded, restart: the grade arrives exactly once and the answer counts once', async () => {
    const seed = await openStore({ dataDir: dir });
    await seed.saveProgress({ platform: 'slack', userId: NEWBIE, startedAt: new Date(), currentLesson: 1, optedOut: false, score: 0, answered: 0, scheduledMessageIds: [], channelId: DM });
    await seed.close();

    const first = await startBot(env({ FAULT_SIGKILL_AFTER_QUIZ_ANSWER: '1' }), PRELOAD);
    bots.push(first);
    expect((await click(first)).status).toBe(200);
    await first.exited;
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(first.logs.some((l) => l.event === 'fault_sigkill')).toBe(true);
    expect(grades()).toHaveLength(0);

    const second = await startBot(env(), PRELOAD);
    bots.push(second);
    // Not thrown on a timeout: the count below says whether the grade was lost.
    await waitUntil(() => grades().length >= 1, 15_000, 'the grade').catch(() => undefined);
    await sleep(1000);
    const got = grades();
    console.log(`[quiz SIGKILL] grades after the restart: ${got.length} (${got.map((c) => c.method).join(', ')})`);
    expect(got).toHaveLength(1);
    expect(allTexts(got[0]!.args.blocks).join('\n')).toMatch(/\*Right: /);
    expect(allTexts(got[0]!.args.blocks).join('\n')).not.toMatch(/already answered/);

    // The same button again: graded, not counted a second time.
    expect((await click(second)).status).toBe(200);
    await waitUntil(() => grades().length >= 2, 15_000, 'the second grade');
    expect(allTexts(grades()[1]!.args.blocks).join('\n')).toMatch(/already answered/);
    await killBot(second);
    const check = await openStore({ dataDir: dir });
    expect(await check.getProgress('slack', NEWBIE)).toMatchObject({ answered: 1, score: 1 });
    await check.close();
  }, 120_000);
});
