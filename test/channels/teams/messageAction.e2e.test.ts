import { randomUUID } from 'node:crypto';
import { ASK_MESSAGE_COMMAND, NOT_A_MEMBER_NOTE } from '../../../src/channels/teams/messageAction';
import type { TestApp } from '../../helpers/app';
import { BOT, TENANT, USER } from './fakes/activities';
import type { FakeConnector } from './fakes/fakeConnector';
import { startTeamsTestBed, type TeamsTestBed } from './fakes/testBed';
import { cardProblems, cardTexts } from './fakes/validateCard';

const APP_ID = '11111111-2222-3333-4444-555555555555';
const CHANNEL_THREAD = '19:general@thread.tacv2;messageid=1700000000001';

type Card = { type: string; version: string; body: unknown[]; actions?: Array<{ type: string; title: string }> };
interface TaskResponse {
  task?: { type: string; value: { title: string; card: { contentType: string; content: Card } } };
}

/** "Ask whosecures" on a channel message, as Teams sends the compose extension's invokes. */
function messageActionInvoke(name: 'composeExtension/fetchTask' | 'composeExtension/submitAction', serviceUrl: string, html: string, id: string = randomUUID()): Record<string, unknown> {
  return {
    type: 'invoke',
    name,
    id,
    channelId: 'msteams',
    serviceUrl,
    from: USER,
    recipient: BOT,
    conversation: { id: CHANNEL_THREAD, conversationType: 'channel', tenantId: TENANT, isGroup: true },
    channelData: { tenant: { id: TENANT }, channel: { id: '19:general@thread.tacv2' } },
    value: {
      commandId: ASK_MESSAGE_COMMAND,
      commandContext: 'message',
      ...(name === 'composeExtension/submitAction' ? { data: { ask: 'message' } } : {}),
      messagePayload: { id: '1700000000001', messageType: 'message', body: { contentType: 'html', content: html }, from: { user: { id: '29:author', displayName: 'Bob' } } },
    },
  };
}

describe('Teams "Ask whosecures" message action through the real CloudAdapter', () => {
  let bed: TeamsTestBed;
  let connector: FakeConnector;
  let app: TestApp;

  beforeAll(async () => {
    bed = await startTeamsTestBed({ appId: APP_ID });
    ({ connector, app } = bed);
  });

  afterAll(async () => {
    await bed?.close();
  });

  const invoke = (activity: Record<string, unknown>) => bed.invoke<TaskResponse>(activity);

  it('fetchTask shows the text it will answer in a dialog card that validates as Adaptive Card 1.5', async () => {
    const { status, body } = await invoke(messageActionInvoke('composeExtension/fetchTask', connector.url, '<p><at>whosecures</at> who patches the guest OS on <b>EC2</b>?</p>'));
    expect(status).toBe(200);
    expect(body.task?.type).toBe('continue');
    const card = body.task!.value.card;
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardProblems(card.content)).toEqual([]);
    expect(cardTexts(card.content)).toContain('who patches the guest OS on EC2?');
    expect(card.content.actions).toEqual([expect.objectContaining({ type: 'Action.Submit', title: 'Answer in the conversation' })]);
  });

  it('submitAction answers in the conversation, saying who asked, and closes the dialog', async () => {
    const before = connector.messages.length;
    const { status, body } = await invoke(messageActionInvoke('composeExtension/submitAction', connector.url, '<p>who patches the guest OS on <b>EC2</b>?</p>'));
    expect(status).toBe(200);
    expect(body).toEqual({});
    await connector.waitForMessages(before + 1);
    const reply = connector.messages[before];
    expect(reply.authorization).toBe(`Bearer ${bed.outboundToken}`);
    expect(decodeURIComponent(reply.path)).toContain(`/v3/conversations/${CHANNEL_THREAD}/activities`);
    expect(reply.body.text).toBe(`<at>${USER.name}</at> asked me about this message`);
    expect(reply.body.entities).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'mention', text: `<at>${USER.name}</at>`, mentioned: { id: USER.id, name: USER.name } })]));
    const content = (reply.body.attachments as Array<{ content: Card }>)[0].content;
    expect(cardProblems(content)).toEqual([]);
    expect(JSON.stringify(content)).toContain('You are responsible');
    // Logged like any question.
    const logged = await app.app.store.listQuestions(new Date(Date.now() - 60_000));
    expect(logged.some((q) => q.platform === 'teams' && q.question === 'who patches the guest OS on EC2?')).toBe(true);
  });

  it('message text cannot inject a mention or markup into the reply', async () => {
    const before = connector.messages.length;
    await invoke(messageActionInvoke('composeExtension/submitAction', connector.url, '<p><at>Everyone</at> who patches the guest OS on EC2? [click](https://evil.example) <script>x</script></p>'));
    await connector.waitForMessages(before + 1);
    const reply = connector.messages[before];
    const mentions = (reply.body.entities as Array<{ type: string }>).filter((e) => e.type === 'mention');
    expect(mentions).toHaveLength(1);
    expect(JSON.stringify(reply.body)).not.toContain('evil.example');
    expect(JSON.stringify(reply.body)).not.toContain('<script>');
  });

  it('where the bot is not a member, the asker gets the answer in the dialog with how to add the app', async () => {
    connector.failNext(403);
    const { status, body } = await invoke(messageActionInvoke('composeExtension/submitAction', connector.url, 'who patches the guest OS on EC2?'));
    expect(status).toBe(200);
    const card = body.task!.value.card.content;
    expect(cardProblems(card)).toEqual([]);
    const texts = cardTexts(card);
    expect(texts[0]).toBe(NOT_A_MEMBER_NOTE);
    expect(JSON.stringify(card)).toContain('You are responsible');
  });

  it('the same invoke delivered twice is answered once', async () => {
    const before = connector.messages.length;
    const activity = messageActionInvoke('composeExtension/submitAction', connector.url, 'who encrypts EBS volumes?', 'dup-action-1');
    await Promise.all([invoke(activity), invoke(activity)]);
    await connector.waitForMessages(before + 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(connector.messages.length).toBe(before + 1);
  });

  it('a message without text gets a note in the dialog, and nothing is posted', async () => {
    const before = connector.messages.length;
    const { body } = await invoke(messageActionInvoke('composeExtension/submitAction', connector.url, '<p><img src="x.png"></p>'));
    expect(cardTexts(body.task!.value.card.content)[0]).toMatch(/no text I can read/);
    expect(connector.messages.length).toBe(before);
  });
});
