import { SUGGESTED_PROMPTS } from '../../../src/channels/slack/listeners/assistantPanel';
import { HOME_LIMITS, renderHomeView } from '../../../src/channels/slack/home/homeView';
import { SLACK_LIMITS } from '../../../src/channels/slack/slackLimits';
import type { Answer } from '../../../src/engine/types';
import { eventCallback, eventId, newTs, slashCommand } from './payloads';
import { postToSlackEndpoint } from './signedRequest';
import { allTexts, startSlackTestBed, type SlackTestBed } from './slackTestApp';

type Element = { type: string; action_id?: string; value?: string; text?: { type: string; text: string } };
type Block = { type: string; block_id?: string; text?: { type: string; text: string }; elements?: Element[] };
interface View {
  type: string;
  blocks: Block[];
  private_metadata?: string;
}

const USER = 'U0HOMEUSER';
const CURATOR = 'U0CURATOR1';
const DM = 'D0HOMEDM1';

/** Slack's published limits for a Home tab view, block by block. */
function expectWithinSlackLimits(view: View): void {
  expect(view.type).toBe('home');
  expect(view.blocks.length).toBeGreaterThan(0);
  expect(view.blocks.length).toBeLessThanOrEqual(HOME_LIMITS.blocks);
  expect((view.private_metadata ?? '').length).toBeLessThanOrEqual(HOME_LIMITS.privateMetadata);
  const actionIds = new Set<string>();
  for (const b of view.blocks) {
    if (b.type === 'header') expect(b.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (b.type === 'header') expect(b.text!.type).toBe('plain_text');
    if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    if (b.type === 'context') {
      expect(b.elements!.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
      for (const e of b.elements!) expect((e as unknown as { text: string }).text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    }
    if (b.type === 'actions') {
      expect(b.elements!.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
      for (const e of b.elements!) {
        if (e.type === 'conversations_select') {
          // The curators' channel picker: a plain-text placeholder of at most 150 characters.
          const picker = e as unknown as { placeholder: { type: string; text: string }; action_id: string };
          expect(picker.placeholder.type).toBe('plain_text');
          expect(picker.placeholder.text.length).toBeLessThanOrEqual(150);
          expect(actionIds.has(picker.action_id)).toBe(false);
          actionIds.add(picker.action_id);
          continue;
        }
        expect(e.type).toBe('button');
        expect(e.text!.type).toBe('plain_text');
        expect(e.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
        expect((e.value ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
        expect(e.action_id!.length).toBeLessThanOrEqual(SLACK_LIMITS.actionId);
        // Action ids must be unique within a view, or Slack rejects it.
        expect(actionIds.has(e.action_id!)).toBe(false);
        actionIds.add(e.action_id!);
      }
    }
    expect(['header', 'section', 'context', 'actions', 'divider']).toContain(b.type);
  }
}

/** A button click on the Home tab, as Slack sends it: a view container, no channel, no response_url. */
function homeClick(actionId: string, value: string, user = USER, privateMetadata = JSON.stringify({ dm: DM })): string {
  const payload = {
    type: 'block_actions',
    user: { id: user, username: 'someone', team_id: 'T0TEST' },
    api_app_id: 'A0TEST',
    team: { id: 'T0TEST', domain: 'test' },
    container: { type: 'view', view_id: 'V0HOME' },
    trigger_id: '1.2.3',
    view: { id: 'V0HOME', type: 'home', private_metadata: privateMetadata, callback_id: '', blocks: [] },
    actions: [{ type: 'button', action_id: actionId, block_id: 'home', value, action_ts: newTs(), text: { type: 'plain_text', text: 'x' } }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

const homeOpened = (user: string, id = eventId()) => eventCallback({ type: 'app_home_opened', user, channel: DM, tab: 'home' }, id);
const textOf = (view: View) => allTexts(view.blocks).join('\n');
const buttonsOf = (view: View) => view.blocks.flatMap((b) => (b.type === 'actions' ? b.elements ?? [] : []));

describe('Slack Home tab', () => {
  let bed: SlackTestBed;
  beforeAll(async () => {
    bed = await startSlackTestBed({ RATE_LIMIT_PER_MINUTE: '1000', ONBOARDING_ADMINS: CURATOR });
  });
  afterAll(() => bed.close());
  beforeEach(() => {
    bed.fake.calls.length = 0;
  });

  const send = (body: object | string) => postToSlackEndpoint(bed.app.baseUrl, body);
  async function open(user: string): Promise<View> {
    bed.fake.calls.length = 0;
    expect((await send(homeOpened(user))).status).toBe(200);
    const [publish] = await bed.fake.waitForCalls('views.publish');
    expect(publish.args.user_id).toBe(user);
    return publish.args.view as View;
  }
  const ask = (text: string, userId = USER): Promise<Answer> =>
    bed.app.app.assistant.answer({ text, platform: 'slack', userId, conversationId: 'C0ELSEWHERE' }, { skipRateLimit: true }).then((r) => r as Answer);

  it('a new user sees how to ask, the suggested questions as buttons, the course to start, and an empty "asked most"', async () => {
    const view = await open('U0NEWCOMER');
    expectWithinSlackLimits(view);
    const text = textOf(view);
    expect(text).toMatch(/Mention \*@whosecures\* in a channel/);
    expect(text).toMatch(/Ask whosecures/); // the message shortcut is on by default
    expect(buttonsOf(view).filter((b) => b.action_id!.startsWith('home_ask_')).map((b) => [b.text!.text, b.value])).toEqual(SUGGESTED_PROMPTS.map((p) => [p.title, p.message]));
    expect(text).toMatch(/Type `\/whosecures onboard` to start/);
    expect(text).toMatch(/Nothing yet in the last 30 days/);
    expect(text).not.toMatch(/gaps/i);
    expect(JSON.parse(view.private_metadata!)).toEqual({ dm: DM });
  });

  it('shows the services the user asked about most, with their core areas at a glance, from the question log', async () => {
    const kb = bed.app.app.kb;
    const answers: Answer[] = [];
    for (const q of ['who patches the guest OS on EC2?', 'who backs up my EC2 instances?', 'who configures security groups on ec2', 'who patches RDS?']) answers.push(await ask(q));
    await ask('who patches lambda runtimes?', 'U0SOMEONEELSE');
    // What the log holds: each question counts once for each service its answer's cells belong to.
    const countOf = (service: string) => answers.filter((a) => a.cells.some((c) => kb.cells.get(c)?.service === service)).length;
    expect(countOf('ec2')).toBeGreaterThanOrEqual(2);
    expect(countOf('ec2')).toBeGreaterThan(countOf('rds'));
    const view = await open(USER);
    expectWithinSlackLimits(view);
    const sections = view.blocks.filter((b) => b.type === 'section').map((b) => b.text!.text);
    const ec2 = sections.find((t) => t.startsWith('*Amazon EC2*'));
    const rds = sections.find((t) => t.startsWith('*Amazon RDS*'));
    expect(ec2).toMatch(new RegExp(`^\\*Amazon EC2\\* · ${countOf('ec2')} questions\n`));
    expect(rds).toMatch(new RegExp(`^\\*Amazon RDS\\* · ${countOf('rds')} question\n`));
    const core = [...kb.areas.values()].filter((a) => a.core);
    expect(ec2!.split('\n').slice(1)).toHaveLength(core.length);
    const patching = kb.cell('ec2', 'os-patching')!;
    expect(ec2).toContain(`${kb.areas.get('os-patching')!.title}: *${{ aws: 'AWS', customer: 'You', shared: 'Shared', depends: 'Depends' }[patching.owner]}*`);
    expect(sections.indexOf(ec2!)).toBeLessThan(sections.indexOf(rds!)); // most asked first
    expect(sections.some((t) => t.includes('Lambda'))).toBe(false); // someone else's question
  });

  it('a suggested question clicked on the Home tab is answered in the DM through the outbox, saying where it came from', async () => {
    const before = (await bed.app.app.store.outboxStats()).pending;
    expect(before).toBe(0);
    expect((await send(homeClick('home_ask_0', SUGGESTED_PROMPTS[0].message))).status).toBe(200);
    const [post] = await bed.fake.waitForCalls('chat.postMessage');
    expect(post.args.channel).toBe(DM);
    expect(post.args.thread_ts).toBeUndefined();
    const blocks = post.args.blocks as Block[];
    expect(blocks[0].text!.text).toMatch(/^You · .*EC2/);
    expect(blocks[1]).toMatchObject({ type: 'context' });
    expect((blocks[1].elements![0] as unknown as { text: string }).text).toBe(`From your Home tab: \u201c${SUGGESTED_PROMPTS[0].message}\u201d`);
    expect(String(post.args.unfurl_links)).toBe('false');
    await bed.fake.waitFor(() => bed.app.logs.some((l) => l.event === 'slack_asked' && l.origin === 'home'));
    // Without a DM id in the view, the DM is opened with conversations.open.
    bed.fake.script('conversations.open', { body: { ok: true, channel: { id: 'D0OPENED1' } } });
    await send(homeClick('home_ask_1', SUGGESTED_PROMPTS[1].message, USER, ''));
    await bed.fake.waitFor(() => bed.fake.callsTo('chat.postMessage').length >= 2);
    expect(bed.fake.callsTo('chat.postMessage')[1].args.channel).toBe('D0OPENED1');
  });

  it('shows onboarding progress with Continue and quiz buttons that work from the tab', async () => {
    bed.fake.script('conversations.open', { body: { ok: true, channel: { id: DM } } });
    await send(slashCommand('onboard', bed.fake.responseUrl('cmd'), { user_id: USER }));
    await bed.fake.waitForCalls('chat.postMessage');
    const view = await open(USER);
    expectWithinSlackLimits(view);
    expect(textOf(view)).toMatch(/Lesson 1 of \d+\. Quiz: 0 right of 0 answered/);
    const [next, quiz] = buttonsOf(view).filter((b) => b.action_id === 'onboarding_next' || b.action_id!.startsWith('home_quiz_'));
    expect(next).toMatchObject({ action_id: 'onboarding_next', value: '1' });
    expect(quiz).toMatchObject({ action_id: 'home_quiz_1', value: '1' });

    bed.fake.calls.length = 0;
    await send(homeClick(quiz.action_id!, quiz.value!));
    const [quizPost] = await bed.fake.waitForCalls('chat.postMessage');
    expect(quizPost.args.channel).toBe(DM);
    expect((quizPost.args.blocks as Block[]).flatMap((b) => b.elements ?? []).some((e) => e.action_id?.startsWith('onboarding_answer:'))).toBe(true);

    bed.fake.calls.length = 0;
    await send(homeClick(next.action_id!, next.value!));
    const [lesson] = await bed.fake.waitForCalls('chat.postMessage');
    expect(lesson.args.channel).toBe(DM);
    expect(allTexts(lesson.args.blocks).join('\n')).toMatch(/2/);
    const after = await open(USER);
    expect(textOf(after)).toMatch(/Lesson 2 of \d+/);
  });

  it("curators also see the week's gaps, escaped", async () => {
    await ask('who secures the zorblax <!channel> frobnicator?', 'U0GAPASKER');
    const view = await open(CURATOR);
    expectWithinSlackLimits(view);
    const text = textOf(view);
    expect(text).toMatch(/This week's gaps \(curators\)/);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    // Not for anyone else.
    expect(textOf(await open(USER))).not.toMatch(/This week's gaps/);
  });

  it('is published once when the event is delivered twice', async () => {
    const id = eventId();
    await send(homeOpened(USER, id));
    await send(homeOpened(USER, id));
    await bed.fake.waitForCalls('views.publish');
    await new Promise((r) => setTimeout(r, 300));
    expect(bed.fake.callsTo('views.publish')).toHaveLength(1);
  });
});

describe('Slack Home tab with a curators\u2019 user group (SLACK_CURATORS)', () => {
  let bed: SlackTestBed;
  beforeAll(async () => {
    // The list replaces ONBOARDING_ADMINS as the curators: CURATOR is an admin only here.
    bed = await startSlackTestBed({ RATE_LIMIT_PER_MINUTE: '1000', SLACK_CURATORS: 'S0HOMECUR', ONBOARDING_ADMINS: CURATOR });
    bed.fake.userGroups.set('S0HOMECUR', ['U0GROUPED']);
  });
  afterAll(() => bed.close());

  async function open(user: string): Promise<View> {
    bed.fake.calls.length = 0;
    expect((await postToSlackEndpoint(bed.app.baseUrl, homeOpened(user))).status).toBe(200);
    const [publish] = await bed.fake.waitForCalls('views.publish');
    return publish.args.view as View;
  }

  it('members of the group see the week\u2019s gaps; nobody else does, an onboarding admin included', async () => {
    await bed.app.app.assistant.answer({ text: 'who secures the zorblax frobnicator?', platform: 'slack', userId: 'U0GAPASKER', conversationId: 'C0X' }, { skipRateLimit: true });
    const grouped = await open('U0GROUPED');
    expect(textOf(grouped)).toMatch(/This week's gaps \(curators\)/);
    expect(bed.fake.callsTo('usergroups.users.list')[0].args.usergroup).toBe('S0HOMECUR');
    expect(textOf(await open(CURATOR))).not.toMatch(/This week's gaps/);
    expect(textOf(await open(USER))).not.toMatch(/This week's gaps/);
  });
});

describe('Slack Home tab switched off', () => {
  it('publishes nothing with SLACK_HOME_TAB_ENABLED=false', async () => {
    const bed = await startSlackTestBed({ SLACK_HOME_TAB_ENABLED: 'false' });
    try {
      await postToSlackEndpoint(bed.app.baseUrl, homeOpened(USER));
      await new Promise((r) => setTimeout(r, 500));
      expect(bed.fake.callsTo('views.publish')).toHaveLength(0);
    } finally {
      await bed.close();
    }
  });
});

describe('renderHomeView', () => {
  it('stays within Slack limits however long the knowledge base and the gaps are', () => {
    const long = 'x'.repeat(5000);
    const service = { id: 's', name: long, aliases: [], model: 'abstracted' as const, category: 'c', summary: 's', related: [], file: 'f' };
    const rows = Array.from({ length: 40 }, () => ({ area: long, owner: 'aws' as const, own: true }));
    const view = renderHomeView({
      data: {
        isCurator: true,
        askedDays: 30,
        asked: Array.from({ length: 50 }, () => ({ service, count: 3, rows })),
        onboarding: { totalLessons: 40, summary: { platform: 'slack', userId: USER, lesson: 40, totalLessons: 40, score: 1, answered: 2, totalQuestions: 3, completed: true, optedOut: false, startedAt: new Date() } },
        gaps: { since: new Date(), scanned: { questions: 1, feedback: 0 }, gaps: [] } as never,
      },
      questions: Array.from({ length: 40 }, (_, i) => ({ title: `${long}${i}`, message: `${long}${long}${i}` })),
      shortcut: true,
      dmChannel: 'not-a-dm',
      settings: {
        settings: [
          { kind: 'escalation', source: 'workspace', channel: 'C0ESC', setBy: 'U0CURATOR', setAt: new Date() },
          { kind: 'digest', source: 'default', channel: 'C0DIG' },
        ],
        checks: new Map([['C0ESC', { state: 'unchecked', error: long }]]),
        notice: long,
      },
    });
    expectWithinSlackLimits(view as unknown as View);
    expect(view.private_metadata).toBeUndefined();
    // The curators' settings are never the part cut off.
    expect(view.blocks.filter((b) => b.type === 'actions').slice(-2).map((b) => b.block_id)).toEqual(['home_settings_escalation_C0ESC', 'home_settings_digest_default']);
  });
});

