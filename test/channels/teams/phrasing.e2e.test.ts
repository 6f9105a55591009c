import type { TeamsChannel } from '../../../src/channels/teams';
import type { TestApp } from '../../helpers/app';
import { FakeOpenAi, completion, explanationJson, serverError } from '../../phrasing/fakeOpenAiServer';
import { teamsMessage } from './fakes/activities';
import type { FakeConnector, RecordedCall } from './fakes/fakeConnector';
import { startTeamsTestBed, type TeamsTestBed } from './fakes/testBed';
import { cardProblems } from './fakes/validateCard';

const APP_ID = '31111111-2222-3333-4444-555555555555';
const EXPLANATION = 'You patch the guest operating system of your EC2 instances [1]; AWS patches the host and hypervisor [3].';
/** Long enough that the request is certainly over before the model answers. */
const MODEL_DELAY_MS = 400;

/** The id the fake connector gave the activity a call created (it numbers calls from 1). */
const idOf = (connector: FakeConnector, call: RecordedCall) => `reply-${connector.calls.indexOf(call) + 1}`;

describe('Teams: the answer first, the real LLM phrasing after (fake OpenAI server, fake connector)', () => {
  let bed: TeamsTestBed;
  let connector: FakeConnector;
  let openai: FakeOpenAi;
  let app: TestApp;
  let teams: TeamsChannel;

  beforeAll(async () => {
    openai = await FakeOpenAi.start();
    bed = await startTeamsTestBed({ appId: APP_ID, password: 'phrasing-app-password', env: { OPENAI_BASE_URL: openai.baseUrl, OPENAI_TIMEOUT_MS: '3000' } });
    ({ connector, app, teams } = bed);
  });

  afterAll(async () => {
    await bed?.close();
    await openai?.stop();
  });

  beforeEach(() => openai.reset());

  const ask = (text: string) => bed.postSigned(teamsMessage(text, { serviceUrl: connector.url }));

  it('sends the knowledge-base card, finishes the request, then replaces the same activity with the phrased answer', async () => {
    openai.reply({ body: completion(explanationJson(EXPLANATION, [1, 3])), delayMs: MODEL_DELAY_MS });
    const before = connector.calls.length;
    const res = await ask('who patches the OS on EC2?');
    expect(res.status).toBe(200);

    // The request is over and the outbox sends the card at once; the model has not answered yet.
    await connector.waitFor((calls) => calls.slice(before).some((c) => c.body.type === 'message'));
    const first = connector.calls.slice(before).filter((c) => c.body.type === 'message');
    expect(first.map((c) => c.method)).toEqual(['POST']);
    expect(first[0].body.text).toBeUndefined();
    expect(first[0].body.entities ?? []).toEqual([]);
    expect(connector.calls.slice(before).some((c) => c.method === 'PUT')).toBe(false);

    await connector.waitFor((calls) => calls.slice(before).some((c) => c.method === 'PUT'));
    const update = connector.calls.slice(before).find((c) => c.method === 'PUT')!;
    expect(update.path).toBe(`/v3/conversations/a%3Aconv-personal/activities/${idOf(connector, first[0])}`);
    expect(update.authorization).toBe(`Bearer ${bed.outboundToken}`);
    expect(update.body.id).toBe(idOf(connector, first[0]));
    expect(update.body.text).toBe(EXPLANATION);
    expect(update.body.entities).toEqual([
      expect.objectContaining({ additionalType: ['AIGeneratedContent'], citation: [expect.objectContaining({ position: 1 }), expect.objectContaining({ position: 3 })] }),
    ]);
    const card = (update.body.attachments as Array<{ content: unknown }>)[0].content;
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('AI-generated');
    expect(openai.requests).toHaveLength(1);
  });

  it('with the model failing (500s), the card stays as sent and nothing is updated', async () => {
    openai.reply(serverError(1));
    const before = connector.calls.length;
    const turnsBefore = app.logs.filter((l) => l.event === 'llm_phrasing').length;
    const waitForPhrasingTurn = async () => {
      while (app.logs.filter((l) => l.event === 'llm_phrasing').length <= turnsBefore) await new Promise((r) => setTimeout(r, 20));
    };
    const res = await ask('who encrypts EBS volumes?');
    expect(res.status).toBe(200);
    await connector.waitFor((calls) => calls.slice(before).some((c) => c.body.type === 'message'));
    await waitForPhrasingTurn();
    await teams.background.drain();
    expect(openai.requests.length).toBeGreaterThanOrEqual(1);
    const calls = connector.calls.slice(before);
    expect(calls.filter((c) => c.body.type === 'message').map((c) => c.method)).toEqual(['POST']);
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);
  });
});
