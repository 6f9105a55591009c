import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { TeamsChannel } from '../../../src/channels/teams';
import { VERB_ONBOARDING } from '../../../src/channels/teams/render/actions';
import { ONBOARDING_ACTIONS } from '../../../src/onboarding/actions';
import type { TestApp } from '../../helpers/app';
import { BOT, TENANT, USER, cardAction } from './fakes/activities';
import type { FakeConnector, RecordedCall } from './fakes/fakeConnector';
import { startTeamsTestBed, type TeamsTestBed } from './fakes/testBed';
import { cardProblems, cardTexts } from './fakes/validateCard';

const APP_ID = '21111111-2222-3333-4444-555555555555';
const CONVERSATION = 'a:conv-onboarding';
const DAY_MS = 86_400_000;

type Card = { body: unknown[]; actions?: Array<{ verb?: string; data?: { onboarding?: string; value?: string } }> };
const cardOf = (call: RecordedCall): Card => ((call.body.attachments as Array<{ content: Card }>)?.[0]?.content ?? { body: [] });


/** Long enough for the outbox worker to have sent anything it was given. */
const settle = () => new Promise((r) => setTimeout(r, 500));

describe('Teams onboarding through the real CloudAdapter, authenticated, against a fake connector', () => {
  let bed: TeamsTestBed;
  let connector: FakeConnector;
  let app: TestApp;
  let teams: TeamsChannel;

  beforeAll(async () => {
    bed = await startTeamsTestBed({ appId: APP_ID, password: 'onboarding-app-password' });
    ({ connector, app, teams } = bed);
  });

  afterAll(async () => {
    await bed?.close();
  });

  const post = (activity: Partial<Activity>) => bed.postSigned(activity);

  const install = (id: string, type: 'conversationUpdate' | 'installationUpdate'): Partial<Activity> => ({
    type,
    id,
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: USER,
    recipient: BOT,
    conversation: { id: CONVERSATION, conversationType: 'personal', isGroup: false, name: '', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    ...(type === 'conversationUpdate' ? { membersAdded: [{ id: BOT.id, name: BOT.name }] } : { action: 'add' }),
  });

  it('welcomes once: the install delivered twice at once and as installationUpdate gives one lesson-1 card with a quiz button', async () => {
    const before = connector.messages.length;
    const results = await Promise.all([post(install('inst-1', 'conversationUpdate')), post(install('inst-1', 'conversationUpdate')), post(install(randomUUID(), 'installationUpdate'))]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    // Every request returned after its turn wrote what it was going to send to the outbox.
    await connector.waitForMessages(before + 1);
    await settle();
    const sent = connector.messages.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0].path.startsWith(`/v3/conversations/${encodeURIComponent(CONVERSATION)}/activities`)).toBe(true);
    expect(sent[0].authorization).toBe(`Bearer ${bed.outboundToken}`);
    expect(sent[0].body.summary).toMatch(/^Lesson 1 of 6: /);
    expect(cardProblems(cardOf(sent[0]))).toEqual([]);
    expect(cardOf(sent[0]).actions!.map((a) => a.data?.onboarding)).toContain(ONBOARDING_ACTIONS.quiz);
  });

  it('the quiz button answers in the invoke response and sends the quiz card', async () => {
    const before = connector.messages.length;
    const res = await post({ ...cardAction(VERB_ONBOARDING, { onboarding: ONBOARDING_ACTIONS.quiz, value: '1' }, { serviceUrl: connector.url }), conversation: install('x', 'conversationUpdate').conversation });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ statusCode: 200, value: 'Quiz below.' });
    await connector.waitForMessages(before + 1);
    const [quiz] = connector.messages.slice(before);
    expect(quiz.body.summary).toMatch(/^Quiz: /);
    expect(cardProblems(cardOf(quiz))).toEqual([]);
  });

  it('delivers a due lesson proactively to the stored conversation, once, even when two sweeps run at once', async () => {
    // The course started ten days ago: lesson 2 is long due.
    const progress = (await app.app.store.getProgress('teams', USER.aadObjectId))!;
    await app.app.store.saveProgress({ ...progress, startedAt: new Date(Date.now() - 10 * DAY_MS) });
    const before = connector.messages.length;
    const sweeps = await Promise.all([teams.onboarding!.deliverDueLessons(), teams.onboarding!.deliverDueLessons()]);
    expect(sweeps.reduce((n, s) => n + s.sent, 0)).toBe(1);
    await connector.waitForMessages(before + 1);
    await settle();
    const sent = connector.messages.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0].body.summary).toMatch(/^Lesson 2 of 6: /);
    expect(sent[0].path.startsWith(`/v3/conversations/${encodeURIComponent(CONVERSATION)}/activities`)).toBe(true);
    expect(sent[0].authorization).toBe(`Bearer ${bed.outboundToken}`);
    expect(cardTexts(cardOf(sent[0])).join('\n')).toMatch(/lesson 2 of 6/);
    expect(cardProblems(cardOf(sent[0]))).toEqual([]);
    expect((await app.app.store.getProgress('teams', USER.aadObjectId))!.currentLesson).toBe(2);

    // Lesson 3 is due too, but a user who fell behind catches up one lesson a day.
    expect((await teams.onboarding!.deliverDueLessons()).sent).toBe(0);
    await settle();
    expect(connector.messages.length).toBe(before + 1);
  });

  it('"Next lesson" on the swept lesson sends lesson 3 once, queued with the progress that shows it', async () => {
    const before = connector.messages.length;
    const res = await post({ ...cardAction(VERB_ONBOARDING, { onboarding: ONBOARDING_ACTIONS.next, value: '2' }, { serviceUrl: connector.url }), conversation: install('x', 'conversationUpdate').conversation });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ statusCode: 200, value: 'Lesson 3 below.' });
    await connector.waitForMessages(before + 1);
    await settle();
    expect(connector.messages.slice(before).map((m) => m.body.summary)).toEqual([expect.stringMatching(/^Lesson 3 of 6: /)]);
    expect((await app.app.store.getProgress('teams', USER.aadObjectId))!.currentLesson).toBe(3);
  });

  it('sends nothing proactively to a user whose reference was never stored from an authenticated turn', async () => {
    await app.app.store.saveProgress({
      platform: 'teams',
      userId: 'no-reference-user',
      startedAt: new Date(Date.now() - 10 * DAY_MS),
      currentLesson: 1,
      optedOut: false,
      score: 0,
      answered: 0,
      scheduledMessageIds: [],
      channelId: 'a:never-seen',
    });
    const before = connector.calls.length;
    const sweep = await teams.onboarding!.deliverDueLessons();
    expect(sweep).toMatchObject({ sent: 0, unreachable: 1 });
    await settle();
    expect(connector.calls.length).toBe(before);
    expect((await app.app.store.getProgress('teams', 'no-reference-user'))!.currentLesson).toBe(1);
  });
});
