import type { Activity } from 'botbuilder';
import { loadKnowledge } from '../../../src/knowledge/loader';
import { encodeAnswerValue, ONBOARDING_ACTIONS } from '../../../src/onboarding/actions';
import { loadCourse } from '../../../src/onboarding/course';
import { VERB_ONBOARDING } from '../../../src/channels/teams/render/actions';
import { ONBOARDING_MENU_COMMANDS, parseOnboardingCommand } from '../../../src/channels/teams/onboarding/commands';
import { LessonTimer } from '../../../src/channels/teams/onboarding/lessonTimer';
import { createLogger } from '../../../src/logger';
import { USER, cardAction, personalInstall, teamsMessage } from './fakes/activities';
import { startBotHarness, TEST_SERVICE_URL, type BotHarness } from './fakes/botHarness';
import { cardOf as cardOfActivity, cardProblems, messagesOf as messages, textOf } from './fakes/validateCard';

const serviceUrl = TEST_SERVICE_URL;
type CardAction = { type: string; verb?: string; title: string; data?: { onboarding?: string; value?: string } };
type Card = { body: unknown[]; actions?: CardAction[] };

const cardOf = (activity: Partial<Activity>) => cardOfActivity<Card>(activity);
const invokeBody = (sent: Array<Partial<Activity>>) => (sent.find((a) => a.type === 'invokeResponse')!.value as { body: { statusCode: number; value: unknown } }).body;

/** Every Action.Execute of a card, those inside ActionSets included. */
function allActions(card: Card): CardAction[] {
  const found: CardAction[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'Action.Execute') found.push(o as unknown as CardAction);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

const installUpdate = (id: string, type: 'conversationUpdate' | 'installationUpdate'): Partial<Activity> => personalInstall({ serviceUrl, type, id });

describe('Teams onboarding (TestAdapter, channelId msteams)', () => {
  let h: BotHarness;
  beforeEach(async () => {
    h = await startBotHarness({ authenticated: true });
  });
  afterEach(async () => {
    await h.close();
  });

  /** Clicks a card button the way Teams sends Action.Execute. */
  const click = (action: CardAction) => h.send(cardAction(VERB_ONBOARDING, action.data!, { serviceUrl }));

  it('a personal install delivered twice, and as installationUpdate too, gives one welcome with lesson 1 and a quiz button', async () => {
    const first = await h.send(installUpdate('install-1', 'conversationUpdate'));
    const again = await h.send(installUpdate('install-1', 'conversationUpdate'));
    const asInstallation = await h.send(installUpdate('install-2', 'installationUpdate'));
    const welcome = messages(first);
    expect(welcome).toHaveLength(1);
    expect([...messages(again), ...messages(asInstallation)]).toEqual([]);
    expect(cardProblems(cardOf(welcome[0]))).toEqual([]);
    expect(textOf(welcome[0])).toMatch(/Welcome/);
    expect(welcome[0].summary).toMatch(/^Lesson 1 of 6: /);
    const quiz = cardOf(welcome[0]).actions!.find((a) => a.data?.onboarding === ONBOARDING_ACTIONS.quiz)!;
    expect(quiz).toMatchObject({ type: 'Action.Execute', verb: VERB_ONBOARDING, title: 'Take the quiz', data: { value: '1' } });
    expect(await h.store.getProgress('teams', USER.aadObjectId)).toMatchObject({ currentLesson: 1, channelId: 'a:conv-personal' });
  });

  it('runs the quiz through card actions: right, repeated (counted once), wrong with the full answer, then progress', async () => {
    const [welcome] = messages(await h.send(installUpdate('install-q', 'conversationUpdate')));
    const quizButton = cardOf(welcome).actions!.find((a) => a.data?.onboarding === ONBOARDING_ACTIONS.quiz)!;
    const quizSent = await click(quizButton);
    expect(invokeBody(quizSent)).toMatchObject({ statusCode: 200, value: 'Quiz below.' });
    const [quiz] = messages(quizSent);
    expect(cardProblems(cardOf(quiz))).toEqual([]);
    const choices = allActions(cardOf(quiz)).filter((a) => a.data?.onboarding === ONBOARDING_ACTIONS.answer);
    expect(choices.map((c) => c.title).slice(0, 3)).toEqual(['AWS', 'You', 'Both']);

    // Lesson 1's first question is physical security: AWS's job.
    const aws = choices[0]!;
    const right = await click(aws);
    const [grade] = messages(right);
    expect(cardProblems(cardOf(grade))).toEqual([]);
    expect(grade.summary).toBe('Right: AWS.');
    expect(invokeBody(right).value).toBe('Right: AWS.');
    expect(textOf(grade)).not.toMatch(/Already answered/);

    const [repeat] = messages(await click(aws));
    expect(textOf(repeat)).toMatch(/Already answered: your score is unchanged/);

    // The second question (EC2 guest OS patching) answered "AWS": wrong, with the cell's full answer.
    const wrong = choices.find((c) => c.data!.value!.includes('ec2.os-patching') && c.title === 'AWS')!;
    const [wrongGrade] = messages(await click(wrong));
    expect(wrongGrade.summary).toBe('Not quite: the answer is You.');
    expect(textOf(wrongGrade)).toMatch(/The full answer/);
    expect(cardProblems(cardOf(wrongGrade))).toEqual([]);

    const [progress] = messages(await h.send(teamsMessage('progress', { serviceUrl })));
    expect(textOf(progress)).toContain('Quiz score: 1 right out of 2 answered');
  });

  it('accepts the same buttons as Action.Submit (a message carrying the data)', async () => {
    await h.send(installUpdate('install-s', 'conversationUpdate'));
    const submit = { ...teamsMessage('', { serviceUrl }), text: undefined, value: { onboarding: ONBOARDING_ACTIONS.next, value: '1' } } as Partial<Activity>;
    const [lesson2] = messages(await h.send(submit));
    expect(lesson2.summary).toMatch(/^Lesson 2 of 6: /);
    const forged = { ...teamsMessage('', { serviceUrl }), text: undefined, value: { onboarding: 'onboarding_grant_admin', value: '1' } } as Partial<Activity>;
    expect(await h.send(forged)).toEqual([]);
  });

  it('refuses malformed onboarding data with a 400 invoke response', async () => {
    const sent = await h.send(cardAction(VERB_ONBOARDING, { onboarding: ONBOARDING_ACTIONS.answer, value: 'x'.repeat(500) }, { serviceUrl }));
    expect(invokeBody(sent).statusCode).toBe(400);
    expect(messages(sent)).toEqual([]);
  });

  it('commands: onboard starts, next lesson, stop, progress; the course stays in the personal chat', async () => {
    const [started] = messages(await h.send(teamsMessage('onboard', { serviceUrl })));
    expect(started.summary).toMatch(/^Lesson 1 of 6: /);
    const [next] = messages(await h.send(teamsMessage('next lesson', { serviceUrl })));
    expect(next.summary).toMatch(/^Lesson 2 of 6: /);
    const [resumed] = messages(await h.send(teamsMessage('onboard', { serviceUrl })));
    expect(resumed.summary).toMatch(/^Lesson 2 of 6: /);
    const [stopped] = messages(await h.send(teamsMessage('stop', { serviceUrl })));
    expect(textOf(stopped)).toMatch(/Onboarding stopped/);
    const [progress] = messages(await h.send(teamsMessage('progress', { serviceUrl })));
    expect(textOf(progress)).toMatch(/Onboarding course: stopped/);
    const [restarted] = messages(await h.send(teamsMessage('onboard restart', { serviceUrl })));
    expect(restarted.summary).toMatch(/^Lesson 1 of 6: /);
    const [inChannel] = messages(await h.send(teamsMessage('onboard', { serviceUrl, conversationType: 'channel', mention: true })));
    expect(textOf(inChannel)).toMatch(/personal chat/);
    for (const m of [started, next, stopped, progress, inChannel]) expect(cardProblems(cardOf(m))).toEqual([]);
  });

  it('the answer that finishes the course sends its grade, then the course-complete card, each once', async () => {
    await h.send(installUpdate('install-done', 'conversationUpdate'));
    const questions = [...loadCourse(loadKnowledge())!.questions.values()];
    const answer = (q: (typeof questions)[number]) => click({ type: 'Action.Execute', title: 'AWS', data: { onboarding: ONBOARDING_ACTIONS.answer, value: encodeAnswerValue({ lesson: q.lesson, questionId: q.id, choice: 'aws' }) } });
    for (const q of questions.slice(0, -1)) expect(messages(await answer(q))).toHaveLength(1);
    // Both cards are written with the score that completes the course, in one transaction.
    const last = messages(await answer(questions[questions.length - 1]!));
    expect(last.map((m) => m.summary)).toEqual([expect.stringMatching(/^(Right|Not quite)/), 'Course complete']);
    // Answered again: graded, not counted, and no second course-complete card.
    expect(messages(await answer(questions[0]!)).map((m) => textOf(m))).toEqual([expect.stringMatching(/Already answered/)]);
  });

  it('ordinary questions are still questions', async () => {
    const [answer] = messages(await h.send(teamsMessage('who patches the guest OS on EC2?', { serviceUrl })));
    expect(textOf(answer)).toContain('You are responsible');
  });
});

describe('onboarding command words', () => {
  it.each<[string, string | undefined]>([
    ['onboard', 'start'],
    ['Onboard next', 'next'],
    ['/onboard restart', 'restart'],
    ['onboard stop', 'stop'],
    ['next lesson', 'next'],
    ['progress', 'progress'],
    ['stop.', 'stop'],
    ['onboard me please', undefined],
    ['stop using root keys?', undefined],
    ['who secures progress on s3', undefined],
  ])('%s -> %s', (text, expected) => {
    expect(parseOnboardingCommand(text)).toBe(expected);
  });
});

describe('command menu entries of the course', () => {
  it('each manifest entry is a command the bot reads', () => {
    expect(ONBOARDING_MENU_COMMANDS.map((c) => parseOnboardingCommand(c.title))).toEqual(['start', 'progress']);
  });
});

describe('LessonTimer (the proactive lesson sweep)', () => {
  const logger = createLogger('silent');

  it('sweeps on its interval while started, never two sweeps at once, and stop waits for the running one', async () => {
    let calls = 0;
    let active = 0;
    let maxActive = 0;
    let finish!: () => void;
    let firstStarted!: () => void;
    const started = new Promise<void>((resolve) => (firstStarted = resolve));
    const timer = new LessonTimer(
      async () => {
        calls++;
        active++;
        maxActive = Math.max(maxActive, active);
        firstStarted();
        await new Promise<void>((resolve) => (finish = resolve));
        active--;
      },
      1,
      logger,
    );
    timer.start();
    await started;
    // The interval keeps firing while the first sweep hangs; none of those ticks starts another.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toBe(1);
    let stopped = false;
    const stopping = timer.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(maxActive).toBe(1);
    // Stopped: no more sweeps.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toBe(1);
  });

  it('a failing sweep is logged and the next tick runs again', async () => {
    let calls = 0;
    const timer = new LessonTimer(
      async () => {
        calls++;
        throw new Error('store down');
      },
      60_000,
      logger,
    );
    await timer.tick();
    await timer.tick();
    expect(calls).toBe(2);
    await timer.stop();
  });
});
