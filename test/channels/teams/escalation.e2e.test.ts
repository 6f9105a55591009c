import { randomUUID } from 'node:crypto';
import { load } from 'js-yaml';
import { VERB_ESCALATE, VERB_ESCALATION_CLOSE } from '../../../src/channels/teams/render/actions';
import { ALREADY_ANSWERED_NOTE, ALREADY_SENT_NOTE, ANSWER_INPUT, ANSWER_SAVED_NOTE, NOT_A_CURATOR_NOTE, NOT_HERE_NOTE, SENT_NOTE } from '../../../src/channels/teams/render/escalationCards';
import type { TestApp } from '../../helpers/app';
import { BOT, TENANT, USER, cardAction, teamsMessage } from './fakes/activities';
import type { FakeConnector, RecordedCall } from './fakes/fakeConnector';
import { startTeamsTestBed, type TeamsTestBed } from './fakes/testBed';
import { cardProblems, cardTexts } from './fakes/validateCard';

const APP_ID = '11111111-2222-3333-4444-555555555555';
const CURATORS = '19:curators0a1b@thread.tacv2';
const CURATOR = { id: '29:curator-1', name: 'Grace', aadObjectId: '00000000-0000-0000-0000-0000000000c1' };
const CURATOR2 = { id: '29:curator-2', name: 'Linus', aadObjectId: '00000000-0000-0000-0000-0000000000c2' };
/** In the curators' channel, but not in TEAMS_CURATORS. */
const BYSTANDER = { id: '29:bystander-1', name: 'Mallory', aadObjectId: '00000000-0000-0000-0000-0000000000d1' };

type Action = { type: string; title: string; verb?: string; data?: Record<string, unknown> };
type Card = { type: string; version: string; body: unknown[]; actions?: Action[]; msteams?: { entities?: unknown[] } };
const cardOf = (call: RecordedCall) => (call.body.attachments as Array<{ content: Card }>)[0].content;
const path = (call: RecordedCall) => decodeURIComponent(call.path);

/** task/fetch or task/submit from a card in a channel, as Teams sends them. */
function taskInvoke(name: 'task/fetch' | 'task/submit', data: Record<string, unknown>, options: { serviceUrl: string; channel?: string; from?: object }) {
  const channel = options.channel ?? CURATORS;
  return {
    type: 'invoke',
    name,
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: options.serviceUrl,
    from: options.from ?? CURATOR,
    recipient: BOT,
    conversation: { id: `${channel};messageid=1700000000999`, conversationType: 'channel', tenantId: TENANT, isGroup: true },
    channelData: { tenant: { id: TENANT }, channel: { id: channel } },
    value: { data, context: { theme: 'default' } },
  };
}

const PERSONAL = { id: 'a:conv-personal', conversationType: 'personal', tenantId: TENANT, isGroup: false };

describe('Teams "Ask the security team" through the real CloudAdapter (TEAMS_ESCALATION_CHANNEL set)', () => {
  let bed: TeamsTestBed;
  let connector: FakeConnector;
  let app: TestApp;

  beforeAll(async () => {
    bed = await startTeamsTestBed({ appId: APP_ID, env: { TEAMS_ESCALATION_CHANNEL: CURATORS, TEAMS_CURATORS: `${CURATOR.aadObjectId},${CURATOR2.aadObjectId.toUpperCase()}`, TEAMS_POST_SPACING_MS: '0', RATE_LIMIT_PER_MINUTE: '1000', ONBOARDING_ENABLED: 'false' } });
    ({ connector, app } = bed);
  });
  afterAll(async () => {
    await bed?.close();
  });

  const invoke = (activity: object) => bed.invoke(activity);

  /** Asks in the personal chat and returns the answer card's "Ask the security team" action. */
  async function askAndGetEscalate(question: string): Promise<Action> {
    const before = connector.messages.length;
    expect((await bed.postSigned(teamsMessage(question, { serviceUrl: connector.url }))).status).toBe(200);
    await connector.waitForMessages(before + 1);
    const card = cardOf(connector.messages[before]);
    expect(cardProblems(card)).toEqual([]);
    const action = card.actions?.find((a) => a.verb === VERB_ESCALATE);
    expect(action).toMatchObject({ type: 'Action.Execute', title: 'Ask the security team' });
    return action!;
  }

  const toCurators = () => connector.messages.filter((c) => c.method === 'POST' && path(c).startsWith(`/v3/conversations/${CURATORS}/activities`));

  let escalationId = 0;
  let curatorPostId = '';

  it('answers carry "Ask the security team"; a click posts the question to the curators\u2019 channel and tells the asker', async () => {
    const action = await askAndGetEscalate('who patches the guest OS on EC2?');
    expect(action.data).toMatchObject({ question: 'who patches the guest OS on EC2?', verdict: 'customer', cell: 'ec2.os-patching' });
    const before = connector.messages.length;
    const { status, body } = await invoke(cardAction(VERB_ESCALATE, action.data!, { serviceUrl: connector.url, conversation: PERSONAL, replyToId: 'answer-card-1' }));
    expect(status).toBe(200);
    expect(body).toMatchObject({ statusCode: 200, value: SENT_NOTE });

    // The curators' card, then the asker's note in their personal chat.
    await connector.waitForMessages(before + 2);
    const [post] = toCurators();
    expect(post.authorization).toBe(`Bearer ${bed.outboundToken}`);
    curatorPostId = `reply-${connector.calls.indexOf(post) + 1}`;
    const card = cardOf(post);
    expect(cardProblems(card)).toEqual([]);
    const texts = cardTexts(card).join('\n');
    expect(texts).toContain(`<at>${USER.name}</at> asked in a personal chat with me:`);
    expect(texts).toContain('who patches the guest OS on EC2?');
    expect(texts).toMatch(/\*\*The bot answered:\*\* You/);
    expect(card.msteams?.entities).toEqual([{ type: 'mention', text: `<at>${USER.name}</at>`, mentioned: { id: USER.id, name: USER.name } }]);
    const answer = card.actions?.find((a) => a.title === 'Answer');
    expect(answer).toMatchObject({ type: 'Action.Submit', data: { msteams: { type: 'task/fetch' } } });
    escalationId = Number(answer!.data!.escalation);
    expect(card.actions?.find((a) => a.title === 'Close')).toMatchObject({ type: 'Action.Execute', verb: VERB_ESCALATION_CLOSE });

    const note = connector.messages.find((c) => path(c).startsWith('/v3/conversations/a:conv-personal/activities') && JSON.stringify(c.body).includes(SENT_NOTE));
    expect(note).toBeDefined();

    const e = await app.app.store.getEscalation(escalationId);
    expect(e).toMatchObject({ platform: 'teams', workspace: TENANT, asker: USER.id, askerName: USER.name, channel: 'a:conv-personal', threadTs: 'answer-card-1', state: 'open', curatorChannel: CURATORS, curatorTs: curatorPostId });
  });

  it('a second click on the same answer opens nothing new', async () => {
    const e = (await app.app.store.getEscalation(escalationId))!;
    const before = connector.messages.length;
    const data = { answerId: e.answerId, question: e.question, verdict: e.verdict, summary: e.summary, cell: e.cell };
    const { body } = await invoke(cardAction(VERB_ESCALATE, data, { serviceUrl: connector.url, conversation: PERSONAL }));
    expect(body).toMatchObject({ value: ALREADY_SENT_NOTE });
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.messages.length).toBe(before);
  });

  it('Answer and Close count only in the curators\u2019 channel', async () => {
    const { body } = await invoke(taskInvoke('task/fetch', { msteams: { type: 'task/fetch' }, escalation: escalationId }, { serviceUrl: connector.url, channel: '19:elsewhere@thread.tacv2' }));
    expect(body).toEqual({ task: { type: 'message', value: NOT_HERE_NOTE } });
    const close = await invoke(cardAction(VERB_ESCALATION_CLOSE, { escalation: escalationId }, { serviceUrl: connector.url, from: CURATOR, conversation: PERSONAL }));
    expect(close.body).toMatchObject({ value: NOT_HERE_NOTE });
    expect((await app.app.store.getEscalation(escalationId))!.state).toBe('open');
  });

  it('someone in the curators\u2019 channel who is not in TEAMS_CURATORS is told so privately by Answer, Send and Close, and nothing changes', async () => {
    const before = connector.calls.length;
    const fetched = await invoke(taskInvoke('task/fetch', { msteams: { type: 'task/fetch' }, escalation: escalationId }, { serviceUrl: connector.url, from: BYSTANDER }));
    expect(fetched.body).toEqual({ task: { type: 'message', value: NOT_A_CURATOR_NOTE } });
    const submitted = await invoke(taskInvoke('task/submit', { escalation: escalationId, [ANSWER_INPUT]: 'I think you do.' }, { serviceUrl: connector.url, from: BYSTANDER }));
    expect(submitted.body).toEqual({ task: { type: 'message', value: NOT_A_CURATOR_NOTE } });
    // No Entra object id at all (a guest or an unsigned activity): not a curator either.
    const anonymous = await invoke(taskInvoke('task/submit', { escalation: escalationId, [ANSWER_INPUT]: 'I think you do.' }, { serviceUrl: connector.url, from: { id: '29:someone', name: 'Someone' } }));
    expect(anonymous.body).toEqual({ task: { type: 'message', value: NOT_A_CURATOR_NOTE } });
    const close = await invoke(cardAction(VERB_ESCALATION_CLOSE, { escalation: escalationId }, { serviceUrl: connector.url, from: BYSTANDER, conversation: { id: `${CURATORS};messageid=1`, conversationType: 'channel', tenantId: TENANT, isGroup: true }, channel: CURATORS }));
    expect(close.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: NOT_A_CURATOR_NOTE });
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.calls.length).toBe(before);
    expect(await app.app.store.getEscalation(escalationId)).toMatchObject({ state: 'open' });
    expect(app.logs.filter((l) => l.event === 'teams_curator_refused').map((l) => l.action)).toEqual(['answer', 'answer', 'answer', 'close']);
  });

  it('a curator answers in a dialog: the asker is told, the card says who answered, the store keeps the answer and its proposal', async () => {
    const fetched = await invoke(taskInvoke('task/fetch', { msteams: { type: 'task/fetch' }, escalation: escalationId }, { serviceUrl: connector.url }));
    expect(fetched.status).toBe(200);
    const task = fetched.body.task as { type: string; value: { title: string; card: { contentType: string; content: Card } } };
    expect(task.type).toBe('continue');
    const dialog = task.value.card.content;
    expect(cardProblems(dialog)).toEqual([]);
    expect(JSON.stringify(dialog.body)).toContain(`"id":"${ANSWER_INPUT}"`);
    const send = dialog.actions!.find((a) => a.title === 'Send')!;

    // An empty answer shows the dialog again with the problem.
    const empty = await invoke(taskInvoke('task/submit', { ...send.data, [ANSWER_INPUT]: '   ' }, { serviceUrl: connector.url }));
    expect(cardTexts((empty.body.task as { value: { card: { content: Card } } }).value.card.content)).toContain('Write an answer first.');

    const before = connector.calls.length;
    const reply = 'You patch it; we run SSM Patch Manager for the fleet, see the <at>runbook</at> [here](https://evil.example).';
    const submitted = await invoke(taskInvoke('task/submit', { ...send.data, [ANSWER_INPUT]: reply }, { serviceUrl: connector.url }));
    expect(submitted.body).toEqual({ task: { type: 'message', value: ANSWER_SAVED_NOTE } });

    // The asker's conversation gets the answer, replying to the answer card; the curators' card is updated.
    await connector.waitFor((calls) => calls.slice(before).some((c) => c.method === 'PUT'));
    const toAsker = connector.calls.slice(before).find((c) => c.method === 'POST' && path(c).startsWith('/v3/conversations/a:conv-personal/activities'))!;
    expect(toAsker.body.replyToId).toBe('answer-card-1');
    expect(toAsker.body.text).toBe(`<at>${USER.name}</at>, the security team (Grace) answered your question:`);
    expect(toAsker.body.entities).toEqual([{ type: 'mention', text: `<at>${USER.name}</at>`, mentioned: { id: USER.id, name: USER.name } }]);
    const replyCard = cardOf(toAsker);
    expect(cardProblems(replyCard)).toEqual([]);
    expect(JSON.stringify(replyCard)).not.toContain('https://evil.example');
    expect(cardTexts(replyCard).join('\n')).toContain('SSM Patch Manager');

    const update = connector.calls.slice(before).find((c) => c.method === 'PUT')!;
    expect(path(update)).toBe(`/v3/conversations/${CURATORS}/activities/${curatorPostId}`);
    const updated = cardOf(update);
    expect(cardProblems(updated)).toEqual([]);
    expect(cardTexts(updated).join('\n')).toContain('**Answered by Grace:**');
    expect(updated.actions ?? []).toEqual([]);

    const e = (await app.app.store.getEscalation(escalationId))!;
    expect(e).toMatchObject({ state: 'answered', curator: CURATOR.id, curatorAnswer: reply });
    const proposal = load(e.proposal!) as { proposed_change: Record<string, unknown> };
    expect(proposal.proposed_change).toMatchObject({ escalation: escalationId, status: 'to review', cell: 'ec2.os-patching', question: 'who patches the guest OS on EC2?', curator_answer: reply, answered_by: `teams:${CURATOR.id}` });
    const answered = await app.app.store.listEscalations(new Date(Date.now() - 60_000), 'answered');
    expect(answered.map((x) => x.id)).toContain(escalationId);
  });

  it('a second answer is refused and sends nothing', async () => {
    const before = connector.calls.length;
    const fetched = await invoke(taskInvoke('task/fetch', { msteams: { type: 'task/fetch' }, escalation: escalationId }, { serviceUrl: connector.url }));
    expect(fetched.body).toEqual({ task: { type: 'message', value: ALREADY_ANSWERED_NOTE } });
    const again = await invoke(taskInvoke('task/submit', { escalation: escalationId, [ANSWER_INPUT]: 'Another answer' }, { serviceUrl: connector.url, from: CURATOR2 }));
    expect(again.body).toEqual({ task: { type: 'message', value: ALREADY_ANSWERED_NOTE } });
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.calls.length).toBe(before);
    expect((await app.app.store.getEscalation(escalationId))!.curatorAnswer).not.toBe('Another answer');
  });

  it('the not-in-the-knowledge-base reply carries the button; Close answers with the closed card', async () => {
    const action = await askAndGetEscalate('who secures the zorblax ledger?');
    const before = connector.messages.length;
    await invoke(cardAction(VERB_ESCALATE, action.data!, { serviceUrl: connector.url, conversation: PERSONAL }));
    await connector.waitForMessages(before + 2);
    const post = toCurators().at(-1)!;
    // The channel's reference was kept from the first post, and curators' clicks refresh it.
    const card = cardOf(post);
    expect(cardTexts(card).join('\n')).toContain('no knowledge-base cell');
    const id = Number(card.actions!.find((a) => a.title === 'Answer')!.data!.escalation);
    const closed = await invoke(cardAction(VERB_ESCALATION_CLOSE, { escalation: id }, { serviceUrl: connector.url, from: CURATOR, conversation: { id: `${CURATORS};messageid=1`, conversationType: 'channel', tenantId: TENANT, isGroup: true }, channel: CURATORS }));
    expect(closed.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    const closedCard = closed.body.value as Card;
    expect(cardProblems(closedCard)).toEqual([]);
    expect(cardTexts(closedCard)).toContain('Closed.');
    expect((await app.app.store.getEscalation(id))!.state).toBe('closed');
  });

  it('help and greetings carry no button', async () => {
    const before = connector.messages.length;
    await bed.postSigned(teamsMessage('help', { serviceUrl: connector.url }));
    await connector.waitForMessages(before + 1);
    expect(cardOf(connector.messages[before]).actions?.some((a) => a.verb === VERB_ESCALATE) ?? false).toBe(false);
  });
});
