import type { Answer, Query } from '../../src/engine/types';
import { startTestApp, type TestApp } from '../helpers/app';
import { FakeOpenAi, completion, explanationJson, quotaExceeded, rateLimited, serverError, type FakeReply } from './fakeOpenAiServer';

/**
 * Each scenario of the issue through the real app: the assistant answers from the knowledge
 * base, then asks the phraser, whose real `openai` client talks to the local fake server.
 */

const API_KEY = 'sk-test-SENTINEL-7f3a9c';
const QUESTION = 'is AWS responsible for patching the guest OS on EC2?';
const GOOD = 'No. On EC2 you patch the guest operating system yourself [1]; AWS only patches the host and the hypervisor underneath [3].';

let fake: FakeOpenAi;
let t: TestApp;
let n = 0;

beforeAll(async () => {
  fake = await FakeOpenAi.start();
  t = await startTestApp({ OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: API_KEY, OPENAI_MODEL: 'gpt-test', OPENAI_TIMEOUT_MS: '300', LLM_MAX_CALLS_PER_USER_PER_HOUR: '1000' });
  // The first call of a process loads the SDK's HTTP stack, which on a busy machine can take
  // longer than the 300 ms timeout these scenarios use: make it once before they run.
  const warm: Query = { text: `${QUESTION} (warm-up)`, platform: 'slack', userId: 'U-warm', conversationId: 'C0' };
  await t.app.assistant.phrase(await t.app.assistant.answer(warm), warm);
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});
beforeEach(() => fake.reset());

/** Asks through the assistant as a channel does; a fresh user and wording each time so no cache is hit. */
async function ask(reply: FakeReply | FakeReply[], question = QUESTION) {
  fake.reply(...(Array.isArray(reply) ? reply : [reply]));
  n++;
  const query: Query = { text: `${question} (#${n})`, platform: 'slack', userId: `U${n}`, conversationId: 'C1' };
  const first = await t.app.assistant.answer(query);
  const before = structuredClone(first);
  const phrased = await t.app.assistant.phrase(first, query);
  const turn = t.logs.filter((l) => l.event === 'llm_phrasing' && l.answerId === first.id);
  return { first, before, phrased, turn, requests: [...fake.requests] };
}

/** What the user ends up with: the phrased answer when there is one, else the first answer. */
const shown = (r: { first: Answer; phrased?: Answer }) => r.phrased ?? r.first;

function expectTemplateStands(r: Awaited<ReturnType<typeof ask>>, reason: string) {
  expect(r.phrased).toBeUndefined();
  expect(r.first).toEqual(r.before); // the first answer was not touched
  expect(shown(r).verdict).toBe('customer');
  expect(shown(r).headline).toBe('You are responsible');
  expect(shown(r).text).toMatch(/^No\. You patch and update the guest operating system/);
  expect(r.turn).toHaveLength(1);
  expect(r.turn[0]).toMatchObject({ outcome: expect.any(String) });
  expect([r.turn[0].outcome, r.turn[0].reason]).toContain(reason);
}

describe('LLM phrasing scenarios (real SDK, local fake server)', () => {
  test('normal answer: the explanation is added, nothing else changes', async () => {
    const r = await ask({ body: completion(explanationJson(GOOD, [1, 3]), { usage: { prompt_tokens: 700, completion_tokens: 50, total_tokens: 750 } }) });
    expect(r.phrased).toBeDefined();
    expect(r.phrased!.phrased).toEqual({ text: GOOD, model: 'gpt-test' });
    const { phrased: _p, ...rest } = r.phrased!;
    expect(rest).toEqual(r.before);
    expect(r.first).toEqual(r.before);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(r.turn[0]).toMatchObject({ outcome: 'phrased', promptTokens: 700, completionTokens: 50, totalTokens: 750, requestId: 'req_fake_1', attempts: 1 });
    const metrics = await t.app.metrics.registry.getSingleMetricAsString('whosecures_llm_tokens_total');
    expect(metrics).toMatch(/kind="prompt"} \d+/);
  });

  test('slow beyond the timeout: one attempt, the first answer stands', async () => {
    const r = await ask({ delayMs: 2000, body: completion(explanationJson(GOOD, [1])) });
    expectTemplateStands(r, 'timeout');
    expect(r.requests).toHaveLength(1);
  });

  test('429 rate_limit_exceeded then 200: retried once, phrased', async () => {
    const r = await ask([rateLimited(5), { body: completion(explanationJson(GOOD, [1, 3])) }]);
    expect(r.requests).toHaveLength(2);
    expect(r.phrased?.phrased?.text).toBe(GOOD);
    expect(r.phrased?.verdict).toBe('customer');
    expect(r.turn[0]).toMatchObject({ outcome: 'phrased', attempts: 2 });
  });

  test('three 500s: three attempts, one log line with the request id, the first answer stands', async () => {
    const r = await ask(serverError(5));
    expect(r.requests).toHaveLength(3);
    expectTemplateStands(r, 'server_error');
    expect(r.turn[0]).toMatchObject({ status: 500, requestId: 'req_fake_3', attempts: 3 });
  });

  test('malformed JSON: dropped', async () => {
    const r = await ask({ body: completion('{"explanation": "You patch the guest OS [1]", "citations": [1') });
    expectTemplateStands(r, 'malformed');
  });

  test('a citation id that was not given: dropped', async () => {
    const r = await ask({ body: completion(explanationJson(GOOD.replace('[3]', '[9]'), [1, 9])) });
    expectTemplateStands(r, 'citation_not_given');
  });

  test('an invented URL: dropped', async () => {
    const r = await ask({ body: completion(explanationJson(`${GOOD} Details: http://evil.local/?q=secret`, [1])) });
    expectTemplateStands(r, 'url_not_in_kb');
  });

  test('text containing <!channel>: dropped', async () => {
    const r = await ask({ body: completion(explanationJson(`<!channel> ${GOOD}`, [1])) });
    expectTemplateStands(r, 'mention');
  });

  test('a contradiction of the verdict: dropped', async () => {
    const r = await ask({ body: completion(explanationJson('Yes. AWS patches the guest operating system of your EC2 instances for you [1].', [1])) });
    expectTemplateStands(r, 'contradiction');
    expect(String(r.turn[0].detail)).toMatch(/answers "yes"|AWS where the owner is the customer/);
  });

  test('a truncated answer (finish_reason length): dropped', async () => {
    const r = await ask({ body: completion(explanationJson(GOOD, [1]), { finishReason: 'length' }) });
    expectTemplateStands(r, 'truncated');
  });

  test('connection refused: quietly the template', async () => {
    const dead = await FakeOpenAi.start();
    const url = dead.baseUrl;
    await dead.stop();
    const other = await startTestApp({ OPENAI_BASE_URL: url, OPENAI_TIMEOUT_MS: '300' });
    try {
      const query: Query = { text: QUESTION, platform: 'slack', userId: 'U1', conversationId: 'C1' };
      const first = await other.app.assistant.answer(query);
      expect(await other.app.assistant.phrase(first, query)).toBeUndefined();
      const turn = other.logs.filter((l) => l.event === 'llm_phrasing');
      expect(turn).toEqual([expect.objectContaining({ outcome: 'connection_error', level: 30 })]);
      expect(other.logs.filter((l) => Number(l.level) >= 50)).toEqual([]);
    } finally {
      await other.close();
    }
  });

  test('the API key never appears in request bodies or logs', () => {
    expect(t.logText()).not.toContain(API_KEY);
  });
});

describe('insufficient_quota through the real app', () => {
  test('opens the circuit: no further calls, logged once', async () => {
    const f = await FakeOpenAi.start();
    const app = await startTestApp({ OPENAI_BASE_URL: f.baseUrl, OPENAI_API_KEY: API_KEY, OPENAI_TIMEOUT_MS: '300' });
    try {
      f.reply(quotaExceeded());
      const results: Array<Answer | undefined> = [];
      for (const text of [QUESTION, 'who patches the OS on RDS?', 'who encrypts S3 data?']) {
        const query: Query = { text, platform: 'teams', userId: 'U1', conversationId: 'C1' };
        const first = await app.app.assistant.answer(query);
        results.push(await app.app.assistant.phrase(first, query));
        expect(first.verdict).not.toBeNull();
      }
      expect(results).toEqual([undefined, undefined, undefined]);
      expect(f.requests).toHaveLength(1); // no retry, and nothing while the circuit is open
      expect(app.logs.filter((l) => l.event === 'llm_circuit_open')).toHaveLength(1);
      expect(app.logs.filter((l) => l.event === 'llm_phrasing').map((l) => l.outcome)).toEqual(['quota', 'circuit_open', 'circuit_open']);
    } finally {
      await app.close();
      await f.stop();
    }
  });
});
