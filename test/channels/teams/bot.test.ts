import type { Activity } from 'botbuilder';
import type { Answer } from '../../../src/engine/types';
import { APOLOGY } from '../../../src/channels/teams/turnError';
import { VERB_ASK, VERB_FEEDBACK } from '../../../src/channels/teams/render/actions';
import { USER, cardAction, personalInstall, searchQuery, teamsMessage } from './fakes/activities';
import { startBotHarness, TEST_SERVICE_URL, type BotHarness } from './fakes/botHarness';
import { cardOf as cardOfActivity, cardProblems, messagesOf as messages, textOf } from './fakes/validateCard';

const serviceUrl = TEST_SERVICE_URL;
type Card = { body: unknown[]; actions?: Array<{ verb?: string; data?: Record<string, unknown> }> };

const cardOf = (activity: Partial<Activity>) => cardOfActivity<Card>(activity);

/** The conversationUpdate Teams sends when a user adds the bot in personal scope. */
const installed = (): Partial<Activity> => personalInstall({ serviceUrl });

describe('Teams bot (TestAdapter, channelId msteams)', () => {
  let h: BotHarness;
  beforeEach(async () => {
    h = await startBotHarness({ authenticated: true });
  });
  afterEach(async () => {
    await h.close();
  });

  it('answers a personal message: typing first, then the answer card', async () => {
    const sent = await h.send(teamsMessage('who patches the guest OS on EC2?', { serviceUrl }));
    expect(sent.map((a) => a.type)).toEqual(['typing', 'message']);
    expect(textOf(sent[1])).toContain('You are responsible');
    expect(cardProblems(cardOf(sent[1]))).toEqual([]);
  });

  it('gives the same answer the assistant gives any channel', async () => {
    const direct = await h.assistant.answer({ text: 'who patches the OS on EC2 vs RDS vs Lambda?', platform: 'teams', userId: 'other', conversationId: 'x' });
    const [reply] = messages(await h.send(teamsMessage('who patches the OS on EC2 vs RDS vs Lambda?', { serviceUrl })));
    expect(reply.summary).toBe(`${direct.headline}: ${direct.topic!.title}`);
    const feedback = cardOf(reply).actions!.find((a) => a.verb === VERB_FEEDBACK)!;
    expect(feedback.data!.cells).toEqual(direct.cells);
  });

  it('runs the command menu: ask, compare, help', async () => {
    const [asked] = messages(await h.send(teamsMessage('ask who patches the guest OS on EC2?', { serviceUrl })));
    expect(textOf(asked)).toContain('You are responsible');
    const [compared] = messages(await h.send(teamsMessage('compare ec2 vs rds os patching', { serviceUrl })));
    expect(compared.summary).toMatch(/Amazon EC2 vs Amazon RDS/);
    const [help] = messages(await h.send(teamsMessage('help', { serviceUrl })));
    expect(help.summary).toBe('What I can answer');
  });

  it('in a channel answers only when mentioned, and reads the question without the mention', async () => {
    expect(await h.send(teamsMessage('who patches the guest OS on EC2?', { serviceUrl, conversationType: 'channel' }))).toEqual([]);
    const [reply] = messages(await h.send(teamsMessage('who patches the guest OS on EC2?', { serviceUrl, conversationType: 'channel', mention: true })));
    expect(textOf(reply)).toContain('You are responsible');
    const [group] = messages(await h.send(teamsMessage('help', { serviceUrl, conversationType: 'groupChat', mention: true })));
    expect(group.summary).toBe('What I can answer');
  });

  it('never answers the same activity twice', async () => {
    const activity = teamsMessage('who patches the guest OS on EC2?', { serviceUrl, id: 'same-id' });
    expect(messages(await h.send({ ...activity }))).toHaveLength(1);
    // The redelivery may show a typing indicator (sent before the claim is read), never an answer.
    expect(messages(await h.send({ ...activity }))).toEqual([]);
    expect(h.logs.some((l) => l.event === 'teams_duplicate_dropped')).toBe(true);
  });

  it('records "Helpful" from the card in the store, keyed by a hash of the user', async () => {
    const [reply] = messages(await h.send(teamsMessage('who patches the guest OS on EC2?', { serviceUrl })));
    const helpful = cardOf(reply).actions!.find((a) => a.verb === VERB_FEEDBACK && a.data!.helpful === true)!;
    const sent = await h.send(cardAction(VERB_FEEDBACK, helpful.data!, { serviceUrl }));
    const invokeResponse = sent.find((a) => a.type === 'invokeResponse')!;
    expect(invokeResponse.value).toMatchObject({ status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message' } });
    const rows = await h.store.listFeedback(new Date(0));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ answerId: helpful.data!.answerId, platform: 'teams', helpful: true, cells: helpful.data!.cells });
    expect(rows[0].userHash).toBe(h.store.hashUserId('teams', USER.aadObjectId));
    expect(JSON.stringify(rows)).not.toContain(USER.aadObjectId);
  });

  it('refuses malformed card data with a 400 invoke response', async () => {
    const sent = await h.send(cardAction(VERB_FEEDBACK, { answerId: 'a', helpful: 'yes' }, { serviceUrl }));
    expect(sent.find((a) => a.type === 'invokeResponse')!.value).toMatchObject({ body: { statusCode: 400 } });
    expect(await h.store.listFeedback(new Date(0))).toEqual([]);
  });

  it('answers a follow-up button in the conversation', async () => {
    const sent = await h.send(cardAction(VERB_ASK, { question: 'who patches the guest OS on EC2?' }, { serviceUrl }));
    expect(textOf(messages(sent)[0])).toContain('You are responsible');
    expect(sent.find((a) => a.type === 'invokeResponse')!.value).toMatchObject({ body: { statusCode: 200 } });
  });

  it('search extension: "s3 encryption" lists matching answer cards', async () => {
    const sent = await h.send(searchQuery('s3 encryption', { serviceUrl }));
    const body = (sent.find((a) => a.type === 'invokeResponse')!.value as { body: { composeExtension: { type: string; attachments: Array<{ content: Card; preview: { content: { title: string } } }> } } }).body;
    expect(body.composeExtension.type).toBe('result');
    const titles = body.composeExtension.attachments.map((a) => a.preview.content.title);
    expect(titles.length).toBeGreaterThan(0);
    expect(titles[0]).toMatch(/encryption/i);
    expect(titles[0]).toMatch(/S3/);
    for (const a of body.composeExtension.attachments) expect(cardProblems(a.content)).toEqual([]);
  });

  it('search extension: a hint before anything is typed, and when nothing matches', async () => {
    const initial = await h.send(searchQuery(undefined, { serviceUrl }));
    expect(initial.find((a) => a.type === 'invokeResponse')!.value).toMatchObject({ body: { composeExtension: { type: 'message' } } });
    const none = await h.send(searchQuery('zzzzqqq', { serviceUrl }));
    expect(none.find((a) => a.type === 'invokeResponse')!.value).toMatchObject({ body: { composeExtension: { type: 'message' } } });
  });

  it('welcomes a user once when installed in a personal chat: the course welcome with lesson 1', async () => {
    const first = await h.send(installed());
    expect(messages(first)).toHaveLength(1);
    expect(first[0].summary).toMatch(/^Lesson 1 of \d: /);
    expect(await h.send(installed())).toEqual([]);
  });



  it('saves the conversation reference of an authenticated turn', async () => {
    await h.send(teamsMessage('help', { serviceUrl, conversationId: 'a:ref-1' }));
    const stored = (await h.store.getConversationReference('teams:conversation:a:ref-1')) as { authenticated: boolean; reference: { serviceUrl: string } };
    expect(stored).toMatchObject({ authenticated: true, reference: { serviceUrl } });
    expect(await h.store.getConversationReference(`teams:user:${'00000000-0000-0000-0000-00000000fe11'}:${USER.aadObjectId}`)).toBeDefined();
  });

  it('does not send to a service URL that is not on the allowlist', async () => {
    const sent = await h.send(teamsMessage('help', { serviceUrl: 'https://evil.example/' }));
    expect(sent).toEqual([]);
    expect(h.logs.some((l) => l.event === 'teams_service_url_refused')).toBe(true);
    expect(await h.store.getConversationReference('teams:conversation:a:conv-personal')).toBeUndefined();
  });

  it('logs a failed turn with context and apologises', async () => {
    h.assistant.answer = async () => {
      throw new Error('router exploded');
    };
    const sent = await h.send(teamsMessage('who patches the guest OS on EC2?', { serviceUrl }));
    expect(messages(sent).map((a) => a.text)).toEqual([APOLOGY]);
    const failure = h.logs.find((l) => l.event === 'teams_turn_failed')!;
    expect(failure).toMatchObject({ type: 'message', conversationType: 'personal' });
    expect((failure.err as { message: string }).message).toBe('router exploded');
  });
});

describe('Teams bot without authenticated claims', () => {
  it('never stores a conversation reference from an unauthenticated turn', async () => {
    const h = await startBotHarness({ authenticated: false });
    try {
      expect(messages(await h.send(teamsMessage('help', { serviceUrl, conversationId: 'a:anon' })))).toHaveLength(1);
      expect(await h.store.getConversationReference('teams:conversation:a:anon')).toBeUndefined();
    } finally {
      await h.close();
    }
  });
});

describe('Teams bot without an onboarding course', () => {
  it('sends the plain welcome once per user (state in the store)', async () => {
    const h = await startBotHarness({ authenticated: true, onboarding: false });
    try {
      const first = await h.send(installed());
      expect(messages(first)).toHaveLength(1);
      expect(first[0].summary).toBe('Who secures it: AWS or you?');
      expect(await h.send(installed())).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe('Teams bot with an LLM phrasing', () => {
  it('sends the knowledge-base card first, then replaces that same activity with the AI-generated phrasing', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const h = await startBotHarness({
      authenticated: true,
      phrase: async (answer: Answer) => {
        await gate;
        return { ...answer, phrased: { text: 'You patch the guest OS; AWS patches the host [1].', model: 'fake' } };
      },
    });
    try {
      const [reply] = messages(await h.send(teamsMessage('who patches the guest OS on EC2?', { serviceUrl })));
      // The turn is over and the phrasing is still pending: the card went out without it.
      expect(reply.text).toBeUndefined();
      expect(reply.entities).toBeUndefined();
      expect(h.adapter.updates).toEqual([]);
      release();
      await h.background.drain();
      expect(h.adapter.updates).toHaveLength(1);
      const [update] = h.adapter.updates;
      expect(update.id).toBe(reply.id);
      expect(update.text).toBe('You patch the guest OS; AWS patches the host [1].');
      expect(update.entities).toEqual([expect.objectContaining({ additionalType: ['AIGeneratedContent'], citation: [expect.objectContaining({ position: 1 })] })]);
      expect(update.summary).toBe(reply.summary);
    } finally {
      await h.close();
    }
  });

  it('leaves the card alone when there is no phrasing', async () => {
    const h = await startBotHarness({ authenticated: true, phrase: () => undefined });
    try {
      expect(messages(await h.send(teamsMessage('who patches the guest OS on EC2?', { serviceUrl })))).toHaveLength(1);
      await h.background.drain();
      expect(h.adapter.updates).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
