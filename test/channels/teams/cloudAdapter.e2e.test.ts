import type { TeamsChannel } from '../../../src/channels/teams';
import type { TestApp } from '../../helpers/app';
import { BOT, teamsMessage } from './fakes/activities';
import type { TokenClaims } from './fakes/botFrameworkIdentity';
import type { FakeConnector } from './fakes/fakeConnector';
import { startTeamsTestBed, type TeamsTestBed } from './fakes/testBed';

const APP_ID = '11111111-2222-3333-4444-555555555555';

describe('Teams through the real CloudAdapter with authentication on', () => {
  let bed: TeamsTestBed;
  let connector: FakeConnector;
  let app: TestApp;
  let OUTBOUND_TOKEN: string;
  let errorSpy: jest.SpyInstance;

  beforeAll(async () => {
    // botbuilder prints every rejected token with console.error; the app's own log is checked instead.
    errorSpy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    bed = await startTeamsTestBed({ appId: APP_ID });
    ({ connector, app, outboundToken: OUTBOUND_TOKEN } = bed);
  });

  afterAll(async () => {
    await bed?.close();
    errorSpy.mockRestore();
  });

  const post = (activity: object, authorization?: string) => bed.post(activity, authorization);
  const bearer = (claims: Partial<TokenClaims> = {}) => bed.bearer(claims);

  it('answers a valid request: 200, typing, then an Adaptive Card reply sent with the bot token', async () => {
    const before = connector.messages.length;
    const res = await post(teamsMessage('who patches the guest OS on EC2?', { serviceUrl: connector.url }), bearer());
    expect(res.status).toBe(200);
    await connector.waitForMessages(before + 1);
    const reply = connector.messages[before];
    expect(reply.authorization).toBe(`Bearer ${OUTBOUND_TOKEN}`);
    expect(reply.path).toMatch(/^\/v3\/conversations\/a%3Aconv-personal\/activities/);
    const attachments = reply.body.attachments as Array<{ contentType: string; content: { body: unknown[] } }>;
    expect(attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(attachments[0].content)).toContain('You are responsible');
    expect(connector.calls.some((c) => c.body.type === 'typing')).toBe(true);
  });

  it.each<[string, () => string | undefined]>([
    ['wrong audience', () => bearer({ appId: '00000000-0000-0000-0000-000000000bad' })],
    ['wrong issuer', () => bearer({ issuer: 'https://sts.windows.net/evil/' })],
    ['expired token', () => bearer({ expiresInSeconds: -3600 })],
    ['bad signature', () => bearer({ forged: true })],
    ['no token', () => undefined],
    ['not a bearer token', () => `Basic ${Buffer.from('a:b').toString('base64')}`],
  ])('%s: 401 and no reply', async (_name, authorization) => {
    const callsBefore = connector.calls.length;
    const res = await post(teamsMessage('who patches the guest OS on EC2?', { serviceUrl: connector.url }), authorization());
    expect(res.status).toBe(401);
    // A valid request afterwards is answered: the rejected one left nothing queued behind it.
    const ok = await post(teamsMessage('help', { serviceUrl: connector.url }), bearer());
    expect(ok.status).toBe(200);
    // The reply comes from the outbox, right after the 200.
    await connector.waitFor((calls) => calls.slice(callsBefore).some((c) => c.body.type === 'message'));
    await new Promise((r) => setTimeout(r, 200));
    const newCalls = connector.calls.slice(callsBefore);
    const messages = newCalls.filter((c) => c.body.type === 'message');
    // Only the help answer of the valid request: the rejected question was never answered.
    expect(messages.map((m) => m.body.summary)).toEqual(['What I can answer']);
  });

  it('rejects a token issued for another service URL (the claim must match the activity)', async () => {
    const callsBefore = connector.calls.length;
    const res = await post(teamsMessage('who patches the guest OS on EC2?', { serviceUrl: connector.url }), bearer({ serviceUrl: 'https://smba.trafficmanager.net/amer/' }));
    expect(res.status).toBe(401);
    expect(connector.calls.length).toBe(callsBefore);
  });

  it('answers one activity once, however often it is delivered', async () => {
    const activity = teamsMessage('who encrypts EBS volumes?', { serviceUrl: connector.url, id: 'dup-1' });
    const before = connector.messages.length;
    const results = await Promise.all([post(activity, bearer()), post(activity, bearer()), post(activity, bearer())]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await connector.waitForMessages(before + 1);
    // The other two were found claimed before their 200, so they queued nothing.
    await new Promise((r) => setTimeout(r, 500));
    expect(connector.messages.length).toBe(before + 1);
  });

  it('answers in a channel only when mentioned, with the mention removed', async () => {
    const before = connector.messages.length;
    const plain = await post(teamsMessage('who patches the guest OS on EC2?', { serviceUrl: connector.url, conversationType: 'channel' }), bearer());
    expect(plain.status).toBe(200);
    const mentioned = await post(teamsMessage('who patches the guest OS on EC2?', { serviceUrl: connector.url, conversationType: 'channel', mention: true }), bearer());
    expect(mentioned.status).toBe(200);
    await connector.waitForMessages(before + 1);
    expect(connector.messages.length).toBe(before + 1);
    expect(JSON.stringify(connector.messages[before].body)).toContain('You are responsible');
  });

  it('saves the conversation reference of an authenticated activity', async () => {
    await post(teamsMessage('help', { serviceUrl: connector.url, conversationId: 'a:conv-ref' }), bearer());
    await connector.waitFor((calls) => calls.some((c) => c.body.type === 'message' && c.path.includes('a%3Aconv-ref')));
    const stored = (await app.app.store.getConversationReference('teams:conversation:a:conv-ref')) as { authenticated: boolean; reference: { serviceUrl: string; bot: { id: string } } };
    expect(stored.authenticated).toBe(true);
    expect(stored.reference.serviceUrl).toBe(connector.url);
    expect(stored.reference.bot.id).toBe(BOT.id);
  });

  it('retries the connector on 429 and 412 with backoff and delivers the reply', async () => {
    const callsBefore = connector.calls.length;
    connector.failNext(429, 412);
    const res = await post(teamsMessage('who patches the guest OS on EC2?', { serviceUrl: connector.url }), bearer());
    expect(res.status).toBe(200);
    await connector.waitFor((calls) => calls.slice(callsBefore).some((c) => c.body.type === 'message'));
    const attempts = connector.calls.slice(callsBefore);
    // typing (sent on the turn): 429, 412, then delivered; the answer (from the outbox): at once.
    expect(attempts.map((c) => c.body.failedWith ?? c.body.type)).toEqual([429, 412, 'typing', 'message']);
    expect(app.logs.filter((l) => l.event === 'teams_send_retry').map((l) => l.status)).toEqual([429, 412]);
  });

  it('502 and 504 are retried by the connector client itself, not once more on top', async () => {
    const callsBefore = connector.calls.length;
    const retryLogsBefore = app.logs.filter((l) => l.event === 'teams_send_retry').length;
    connector.failNext(504);
    const res = await post(teamsMessage('help', { serviceUrl: connector.url }), bearer());
    expect(res.status).toBe(200);
    await connector.waitFor((calls) => calls.slice(callsBefore).some((c) => c.body.type === 'message'));
    expect(connector.calls.slice(callsBefore).map((c) => c.body.failedWith ?? c.body.type)).toEqual([504, 'typing', 'message']);
    expect(app.logs.filter((l) => l.event === 'teams_send_retry').length).toBe(retryLogsBefore);
  });

  it('sends proactive messages only to stored, authenticated references on allowed hosts', async () => {
    const teams = app.app.channels.find((c) => c.name === 'teams') as TeamsChannel;
    await post(teamsMessage('help', { serviceUrl: connector.url, conversationId: 'a:proactive' }), bearer());
    await connector.waitFor((calls) => calls.some((c) => c.body.type === 'message' && c.path.includes('a%3Aproactive')));
    const callsBefore = connector.calls.length;
    expect(await teams.proactive.send('teams:conversation:a:proactive', { type: 'message', text: 'Lesson 1' })).toBe('sent');
    // 'sent' means written to the outbox; its worker sends it.
    await connector.waitFor((calls) => calls.length > callsBefore);
    const sent = connector.calls.slice(callsBefore);
    expect(sent.map((c) => c.body.text)).toEqual(['Lesson 1']);
    expect(sent[0].authorization).toBe(`Bearer ${OUTBOUND_TOKEN}`);

    await app.app.store.saveConversationReference('teams:conversation:a:evil', {
      authenticated: true,
      reference: { serviceUrl: 'https://evil.example/', conversation: { id: 'a:evil' }, channelId: 'msteams', bot: BOT },
    });
    await app.app.store.saveConversationReference('teams:conversation:a:forged', { reference: { serviceUrl: connector.url, conversation: { id: 'a:forged' }, channelId: 'msteams', bot: BOT } });
    expect(await teams.proactive.send('teams:conversation:a:evil', { type: 'message', text: 'x' })).toBe('refused');
    expect(await teams.proactive.send('teams:conversation:a:forged', { type: 'message', text: 'x' })).toBe('refused');
    expect(await teams.proactive.send('teams:conversation:a:missing', { type: 'message', text: 'x' })).toBe('no_reference');
    await new Promise((r) => setTimeout(r, 500));
    expect(connector.calls.length).toBe(callsBefore + 1);
  });

  it('keeps the app password and tokens out of the log', () => {
    const text = app.logText();
    expect(text).not.toContain('sentinel-app-password-0f9e');
    expect(text).not.toContain(OUTBOUND_TOKEN);
    expect(text).toContain('teams_auth_rejected');
  });
});
