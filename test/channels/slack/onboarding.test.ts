import { eventCallback, eventId, blockAction, slashCommand } from './payloads';
import { postToSlackEndpoint } from './signedRequest';
import { allTexts, startSlackTestBed, type SlackTestBed } from './slackTestApp';
import type { RecordedCall } from './fakeSlackApi';
import { SLACK_ONBOARDING } from '../../../src/channels/slack/outbox/replyJobs';
import { sqliteTestDb } from '../../store/helpers/backends';
import { loadKnowledge } from '../../../src/knowledge/loader';
import { encodeAnswerValue } from '../../../src/onboarding/actions';
import { loadCourse, type CourseQuestion } from '../../../src/onboarding/course';

type Element = { action_id?: string; value?: string; text?: { text: string } };
type Block = { type: string; text?: { text: string }; elements?: Element[] };

const NEWBIE = 'U0NEWBIE1';
const DM = 'D0NEWBIE1';

function teamJoin(userId: string, id = eventId()): Record<string, unknown> {
  return eventCallback({ type: 'team_join', user: { id: userId, name: 'newbie', is_bot: false, deleted: false, tz: 'Europe/Berlin' } }, id);
}

function buttons(blocks: unknown): Element[] {
  return (blocks as Block[]).flatMap((b) => b.elements ?? []).filter((e) => e.action_id);
}

function headerOf(call: RecordedCall): string {
  return ((call.args.blocks as Block[])[0]?.text?.text ?? '') as string;
}

describe('Slack onboarding', () => {
  let bed: SlackTestBed;
  let scheduledSeq = 0;

  beforeAll(async () => {
    bed = await startSlackTestBed({ RATE_LIMIT_PER_MINUTE: '1000', ONBOARDING_CHANNELS: 'C0NEWHIRES', ONBOARDING_ADMINS: 'U0ADMIN1' });
  });
  afterAll(() => bed.close());
  beforeEach(() => {
    bed.fake.calls.length = 0;
  });

  /** The fake answers chat.scheduleMessage with ids and conversations.open with a DM channel. */
  function scriptSlack(dm = DM, lessons = 5): void {
    bed.fake.script('conversations.open', { body: { ok: true, channel: { id: dm } } });
    bed.fake.script('chat.scheduleMessage', ...Array.from({ length: lessons }, () => ({ body: { ok: true, scheduled_message_id: `Q${++scheduledSeq}`, post_at: 0 } })));
  }

  async function logged(event: string, count = 1): Promise<void> {
    await bed.fake.waitFor(() => bed.app.logs.filter((l) => l.event === event).length >= count);
  }

  const send = (body: object | string) => postToSlackEndpoint(bed.app.baseUrl, body);
  const click = (actionId: string, value: string, user = NEWBIE) =>
    send(blockAction(actionId, value, { responseUrl: bed.fake.responseUrl(`action-${actionId}`), channel: DM, user }));
  const command = (text: string, user = NEWBIE) => send(slashCommand(text, bed.fake.responseUrl('cmd'), { user_id: user }));

  it('a team_join delivered twice (and again under a new event id) gives exactly one DM with lesson 1 and a quiz button', async () => {
    scriptSlack();
    const id = eventId();
    expect((await send(teamJoin(NEWBIE, id))).status).toBe(200);
    await send(teamJoin(NEWBIE, id)); // Slack's retry: same event id
    await send(teamJoin(NEWBIE)); // a second delivery with a fresh id
    await bed.fake.waitForCalls('chat.scheduleMessage', 5);
    await logged('onboarding_welcome_skipped');

    const posts = bed.fake.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.args.channel).toBe(DM);
    expect(headerOf(posts[0]!)).toMatch(/^Lesson 1 of 6: /);
    expect(buttons(posts[0]!.args.blocks).map((b) => b.action_id)).toEqual(['onboarding_quiz', 'onboarding_next', 'onboarding_stop']);
    expect(allTexts(posts[0]!.args.blocks).join('\n')).toContain('<https://explore.skillbuilder.aws/');
  });

  it('the quiz through signed block_actions: verdict, why and citation, privately in the DM; a wrong answer links the full answer; a second click counts once', async () => {
    await click('onboarding_quiz', '1');
    const [quiz] = await bed.fake.waitForCalls('response_url');
    const answerButtons = buttons(quiz!.args.blocks).filter((b) => b.action_id!.startsWith('onboarding_answer:'));
    expect(answerButtons.map((b) => b.text!.text)).toEqual(['AWS', 'You', 'Both', 'AWS', 'You', 'Both']);
    expect(allTexts(quiz!.args.blocks).join('\n')).toContain('Who physically secures the data centers that run AWS?');

    // The quiz is ephemeral: so are its grades, posted by the outbox worker under it.
    const answer = (b: Element) => send(blockAction(b.action_id!, b.value!, { responseUrl: bed.fake.responseUrl('quiz'), channel: DM, user: NEWBIE, ephemeral: true }));
    const right = answerButtons.find((b) => b.action_id === 'onboarding_answer:q-general.physical-security:aws')!;
    await answer(right);
    const [graded] = await bed.fake.waitForCalls('chat.postEphemeral');
    expect(graded!.args).toMatchObject({ channel: DM, user: NEWBIE });
    const gradedText = allTexts(graded!.args.blocks).join('\n');
    expect(gradedText).toMatch(/\*Right: AWS\.\*/);
    expect(gradedText).toMatch(/\[1\] <https:\/\//);

    const wrong = answerButtons.find((b) => b.action_id === 'onboarding_answer:q-ec2.os-patching:aws')!;
    await answer(wrong);
    await bed.fake.waitForCalls('chat.postEphemeral', 2);
    const wrongText = allTexts(bed.fake.callsTo('chat.postEphemeral')[1]!.args.blocks).join('\n');
    expect(wrongText).toMatch(/Not quite: the answer is You\./);
    expect(wrongText).toMatch(/Operating system patching on Amazon EC2/); // the cell's full answer

    await answer(right);
    await bed.fake.waitForCalls('chat.postEphemeral', 3);
    expect(allTexts(bed.fake.callsTo('chat.postEphemeral')[2]!.args.blocks).join('\n')).toMatch(/already answered/);
    // Grades no longer go through the button's response_url (only the quiz did).
    expect(bed.fake.callsTo('response_url')).toHaveLength(1);

    await command('progress');
    await bed.fake.waitForCalls('response_url', 2);
    expect(bed.fake.callsTo('response_url')[1]!.args.text).toMatch(/on lesson 1 of 6\. Quiz score: 1 right out of 2 answered/);
  });

  it('"Next lesson" posts lesson 2 now and cancels its scheduled copy', async () => {
    await click('onboarding_next', '1');
    await bed.fake.waitForCalls('chat.deleteScheduledMessage');
    const [post] = await bed.fake.waitForCalls('chat.postMessage');
    expect(headerOf(post!)).toMatch(/^Lesson 2 of 6: /);
    const deleted = bed.fake.callsTo('chat.deleteScheduledMessage');
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.args).toMatchObject({ channel: DM, scheduled_message_id: 'Q1' });
  });

  it('opting out cancels every lesson still scheduled', async () => {
    await click('onboarding_stop', '2');
    await bed.fake.waitForCalls('response_url');
    expect(bed.fake.callsTo('chat.deleteScheduledMessage').map((c) => c.args.scheduled_message_id)).toEqual(['Q2', 'Q3', 'Q4', 'Q5']);
    await command('progress');
    await bed.fake.waitForCalls('response_url', 2);
    expect(bed.fake.callsTo('response_url')[1]!.args.text).toMatch(/stopped/);
  });

  it('/whosecures onboard restarts the course with a fresh schedule; progress shows the new run', async () => {
    scriptSlack();
    await command('onboard');
    await bed.fake.waitForCalls('chat.scheduleMessage', 5);
    await bed.fake.waitForCalls('response_url');
    expect(headerOf(bed.fake.callsTo('chat.postMessage')[0]!)).toMatch(/^Lesson 1 of 6/);
    expect(bed.fake.callsTo('response_url')[0]!.args.text).toMatch(/Onboarding restarted for you/);
    expect(bed.fake.callsTo('chat.postEphemeral')).toHaveLength(0); // not answered as a question too
    await command('progress');
    await bed.fake.waitForCalls('response_url', 2);
    expect(bed.fake.callsTo('response_url')[1]!.args.text).toMatch(/on lesson 1 of 6\. Quiz score: 0 right out of 0/);
  });

  it('"stop" in the DM opts out as the button does', async () => {
    await send(eventCallback({ type: 'message', channel_type: 'im', user: NEWBIE, text: 'stop', ts: '1710000999.000100', channel: DM }));
    await bed.fake.waitForCalls('chat.deleteScheduledMessage', 5);
    const [notice] = await bed.fake.waitForCalls('chat.postMessage');
    expect(notice!.args.text).toMatch(/Onboarding stopped/);
  });

  it('/whosecures onboard @user only for ONBOARDING_ADMINS', async () => {
    await command('onboard <@U0OTHER1|other>');
    const [refused] = await bed.fake.waitForCalls('response_url');
    expect(refused!.args.text).toMatch(/Only onboarding admins/);
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(0);

    scriptSlack('D0OTHER1');
    await command('onboard <@U0OTHER1|other>', 'U0ADMIN1');
    await bed.fake.waitForCalls('chat.scheduleMessage', 5);
    await bed.fake.waitForCalls('response_url', 2);
    expect(bed.fake.callsTo('chat.postMessage')[0]!.args.channel).toBe('D0OTHER1');
    expect(bed.fake.callsTo('response_url')[1]!.args.text).toBe('Onboarding started for <@U0OTHER1>: lesson 1 is in the DM.');
  });

  it('joining an onboarding channel welcomes a new member; joining another channel does not', async () => {
    scriptSlack('D0JOINER1');
    const ignoredBefore = bed.app.logs.filter((l) => l.event === 'onboarding_join_ignored').length;
    await send(eventCallback({ type: 'member_joined_channel', user: 'U0BOTHER1', channel: 'C0RANDOM', channel_type: 'C' }));
    await logged('onboarding_join_ignored', ignoredBefore + 1);
    await send(eventCallback({ type: 'member_joined_channel', user: 'U0JOINER1', channel: 'C0NEWHIRES', channel_type: 'C' }));
    await bed.fake.waitForCalls('chat.scheduleMessage', 5);
    const posts = bed.fake.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.args.channel).toBe('D0JOINER1');
  });
});

describe('Slack onboarding schedule and switch', () => {
  it('schedules lessons 2-6 on working days at 09:00 in the member\'s time zone, and ONBOARDING_ENABLED=false sends nothing', async () => {
    const bed = await startSlackTestBed({ ONBOARDING_ENABLED: 'true' });
    try {
      bed.fake.script('chat.scheduleMessage', ...Array.from({ length: 5 }, (_, i) => ({ body: { ok: true, scheduled_message_id: `S${i}` } })));
      await postToSlackEndpoint(bed.app.baseUrl, teamJoin('U0BERLIN1'));
      const calls = await bed.fake.waitForCalls('chat.scheduleMessage', 5);
      const times = calls.map((c) => new Date(Number(c.args.post_at) * 1000));
      const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      for (const t of times) expect(berlin.format(t)).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:00$/);
      const days = new Set(times.map((t) => t.toISOString().slice(0, 10)));
      expect(days.size).toBe(5);
      expect(times.map((t) => t.getTime())).toEqual([...times.map((t) => t.getTime())].sort((a, b) => a - b));
      expect(times[0]!.getTime()).toBeGreaterThan(Date.now());
      expect(headerOf(calls[0]!)).toMatch(/^Lesson 2 of 6/);
    } finally {
      await bed.close();
    }

    const off = await startSlackTestBed({ ONBOARDING_ENABLED: 'false', ONBOARDING_CHANNELS: 'C0NEWHIRES' });
    try {
      await postToSlackEndpoint(off.app.baseUrl, teamJoin('U0QUIET1'));
      await postToSlackEndpoint(off.app.baseUrl, eventCallback({ type: 'member_joined_channel', user: 'U0QUIET1', channel: 'C0NEWHIRES', channel_type: 'C' }));
      await off.fake.waitFor(() => off.app.logs.filter((l) => l.event === 'onboarding_join_ignored' && l.reason === 'disabled').length === 2);
      expect(await off.app.app.store.getProgress('slack', 'U0QUIET1')).toBeUndefined();
      expect(off.fake.callsTo('chat.postMessage')).toHaveLength(0);
    } finally {
      await off.close();
    }
  });
});

describe('Slack onboarding when the welcome DM cannot be queued', () => {
  it('records nothing: the member is still welcomed, once, when they next join an onboarding channel', async () => {
    const db = await sqliteTestDb();
    const bed = await startSlackTestBed({ ONBOARDING_CHANNELS: 'C0NEWHIRES' }, await db.open());
    try {
      bed.fake.script('conversations.open', { body: { ok: true, channel: { id: 'D0UNLUCKY' } } }, { body: { ok: true, channel: { id: 'D0UNLUCKY' } } });
      // The outbox refuses the DM in the database, inside the welcome's transaction.
      await db.exec(`CREATE TRIGGER fail_dm BEFORE INSERT ON outbox_jobs WHEN NEW.kind = '${SLACK_ONBOARDING}' BEGIN SELECT RAISE(ABORT, 'injected'); END;`);
      await postToSlackEndpoint(bed.app.baseUrl, teamJoin('U0UNLUCKY'));
      await bed.fake.waitFor(() => bed.app.logs.some((l) => l.event === 'slack_handler_failed' && l.handler === 'onboarding.team_join'));
      expect(await bed.app.app.store.getProgress('slack', 'U0UNLUCKY')).toBeUndefined();
      await db.exec('DROP TRIGGER fail_dm;');

      await postToSlackEndpoint(bed.app.baseUrl, eventCallback({ type: 'member_joined_channel', user: 'U0UNLUCKY', channel: 'C0NEWHIRES', channel_type: 'C' }));
      await bed.fake.waitForCalls('chat.postMessage');
      expect(bed.fake.callsTo('chat.postMessage').map((c) => [c.args.channel, headerOf(c)])).toEqual([['D0UNLUCKY', expect.stringMatching(/^Lesson 1 of 6: /)]]);
    } finally {
      await bed.close();
      await db.cleanup();
    }
  });
});

describe('Slack quiz grades through the outbox', () => {
  let bed: SlackTestBed;
  beforeAll(async () => {
    bed = await startSlackTestBed({ RATE_LIMIT_PER_MINUTE: '1000', SLACK_POST_SPACING_MS: '0' });
  });
  afterAll(() => bed.close());
  beforeEach(() => {
    bed.fake.calls.length = 0;
  });

  const enrol = (userId: string, answered = 0) =>
    bed.app.app.store.saveProgress({ platform: 'slack', userId, startedAt: new Date(), currentLesson: 1, optedOut: false, score: answered, answered, scheduledMessageIds: [], channelId: DM });
  const questions = [...loadCourse(loadKnowledge())!.questions.values()];
  const answer = (q: CourseQuestion, user: string) =>
    postToSlackEndpoint(
      bed.app.baseUrl,
      blockAction(`onboarding_answer:${q.id}:${q.answer}`, encodeAnswerValue({ lesson: q.lesson, questionId: q.id, choice: q.answer }), { responseUrl: bed.fake.responseUrl('quiz'), channel: DM, user, ephemeral: true }),
    );

  it('a grade Slack refuses for a moment (429) is posted after Retry-After, once', async () => {
    await enrol('U0RETRY1');
    bed.fake.script('chat.postEphemeral', { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } });
    await answer(questions.find((q) => q.id === 'q-general.physical-security')!, 'U0RETRY1');
    await bed.fake.waitFor(() => bed.fake.callsTo('chat.postEphemeral').some((c) => c.response?.ok === true), 8000);
    const calls = bed.fake.callsTo('chat.postEphemeral');
    expect(calls.map((c) => c.response?.ok)).toEqual([false, true]);
    expect(allTexts(calls[1]!.args.blocks).join('\n')).toMatch(/\*Right: AWS\.\*/);
    expect(bed.fake.callsTo('response_url')).toHaveLength(0);
  });

  it('the answer that finishes the course: its grade, then the course-complete card, both private, in order', async () => {
    await enrol('U0LAST1', questions.length - 1);
    const last = questions[questions.length - 1]!;
    await answer(last, 'U0LAST1');
    const [grade, done] = await bed.fake.waitForCalls('chat.postEphemeral', 2);
    expect(grade!.args).toMatchObject({ channel: DM, user: 'U0LAST1' });
    expect(allTexts(grade!.args.blocks).join('\n')).toMatch(/\*Right: /);
    expect(done!.args).toMatchObject({ channel: DM, user: 'U0LAST1' });
    expect(allTexts(done!.args.blocks).join('\n')).toMatch(/Course complete/);
    expect(await bed.app.app.store.getProgress('slack', 'U0LAST1')).toMatchObject({ answered: questions.length, completedAt: expect.any(Date) });
  });
});
