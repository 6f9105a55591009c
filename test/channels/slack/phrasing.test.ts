import { AI_PHRASED_MARK } from '../../../src/channels/slack/renderAnswer';
import { FakeOpenAi, completion, explanationJson } from '../../phrasing/fakeOpenAiServer';
import type { RecordedCall } from './fakeSlackApi';
import { mention } from './payloads';
import { postToSlackEndpoint } from './signedRequest';
import { allTexts, startSlackTestBed, type SlackTestBed } from './slackTestApp';

/**
 * LLM phrasing end to end: a signed Slack event, the real app and its real phraser, whose
 * `openai` client talks to the local fake OpenAI server; what Slack receives is checked on
 * the fake Web API.
 */

type Block = { type: string; text?: { text: string }; elements?: Array<{ text?: string }> };

const API_KEY = 'sk-test-slack-phrasing-4b1e';
const QUESTION = 'is AWS responsible for patching the guest OS on EC2?';
const GOOD = 'No. On EC2 you patch the guest operating system yourself [1]; AWS only patches the host and the hypervisor underneath [3].';

const llmEnv = (fake: FakeOpenAi, timeoutMs: number) => ({
  OPENAI_BASE_URL: fake.baseUrl,
  OPENAI_API_KEY: API_KEY,
  OPENAI_MODEL: 'gpt-test',
  OPENAI_TIMEOUT_MS: String(timeoutMs),
  LLM_MAX_CALLS_PER_USER_PER_HOUR: '1000',
  RATE_LIMIT_PER_MINUTE: '1000',
});

const blocksOf = (call: RecordedCall) => call.args.blocks as Block[];
const sectionStartingWith = (call: RecordedCall, prefix: string) => blocksOf(call).find((b) => b.type === 'section' && b.text?.text.startsWith(prefix))?.text?.text;
const phrasingLogs = (bed: SlackTestBed) => bed.app.logs.filter((l) => l.event === 'llm_phrasing');

/** Waits for the phraser's log line of the n-th LLM turn (it is written when the turn ends). */
async function phrasingTurn(bed: SlackTestBed, n: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 5000;
  while (phrasingLogs(bed).length < n) {
    if (Date.now() > deadline) throw new Error(`no llm_phrasing log #${n}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return phrasingLogs(bed)[n - 1];
}

describe('Slack answers phrased by the real LLM phraser (fake OpenAI server)', () => {
  let openai: FakeOpenAi;
  beforeAll(async () => {
    openai = await FakeOpenAi.start();
  });
  afterAll(async () => {
    await openai.stop();
  });
  beforeEach(() => openai.reset());

  it('updates the first message in place with the phrasing: same verdict header, marked as AI-worded', async () => {
    const bed = await startSlackTestBed(llmEnv(openai, 5000));
    try {
      openai.reply({ body: completion(explanationJson(GOOD, [1, 3])) });
      expect((await postToSlackEndpoint(bed.app.baseUrl, mention(QUESTION))).status).toBe(200);
      const [post] = await bed.fake.waitForCalls('chat.postMessage');
      const [update] = await bed.fake.waitForCalls('chat.update');
      expect(openai.requests).toHaveLength(1);
      expect(openai.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);

      expect(update.args.channel).toBe(post.args.channel);
      expect(update.args.ts).toBe(post.response?.ts);
      expect(blocksOf(post)[0].text?.text).toMatch(/^You · .*EC2/);
      expect(blocksOf(update)[0]).toEqual(blocksOf(post)[0]);
      // The knowledge base's own parts are untouched: headline, sources.
      expect(sectionStartingWith(update, '*You are responsible*')).toContain(GOOD);
      expect(sectionStartingWith(post, '*You are responsible*')).not.toContain(GOOD);
      expect(sectionStartingWith(update, '*Sources*')).toBe(sectionStartingWith(post, '*Sources*'));
      expect(allTexts(blocksOf(post)).join('\n')).not.toContain(AI_PHRASED_MARK);
      expect(allTexts(blocksOf(update)).join('\n')).toContain(`${AI_PHRASED_MARK} (gpt-test); verdict and sources from the knowledge base`);
      expect(String(update.args.text)).toContain('On EC2 you patch the guest operating system yourself');
    } finally {
      await bed.close();
    }
  });

  it('a phrasing slower than OPENAI_TIMEOUT_MS: the ack is not held, the first answer stands, no update', async () => {
    const bed = await startSlackTestBed(llmEnv(openai, 300));
    try {
      openai.reply({ delayMs: 3000, body: completion(explanationJson(GOOD, [1, 3])) });
      const res = await postToSlackEndpoint(bed.app.baseUrl, mention(QUESTION));
      expect(res.status).toBe(200);
      // Acked before the LLM turn could even time out: nothing about it is logged yet.
      expect(phrasingLogs(bed)).toHaveLength(0);
      const [post] = await bed.fake.waitForCalls('chat.postMessage');
      const turn = await phrasingTurn(bed, 1);
      expect([turn.outcome, turn.reason]).toContain('timeout');
      expect(blocksOf(post)[0].text?.text).toMatch(/^You · .*EC2/);
    } finally {
      // Closing waits for answers in flight, so every call the bot would make has been made.
      await bed.close();
    }
    expect(bed.fake.callsTo('chat.update')).toHaveLength(0);
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('a phrasing with <!channel> or an invented URL is dropped by verification: no update', async () => {
    const bed = await startSlackTestBed(llmEnv(openai, 5000));
    const hostile = [`<!channel> ${GOOD}`, `${GOOD} Details: http://evil.local/?q=secret`];
    try {
      for (const [i, text] of hostile.entries()) {
        openai.reply({ body: completion(explanationJson(text, [1, 3])) });
        await postToSlackEndpoint(bed.app.baseUrl, mention(`${QUESTION} (${i + 1})`, { channel: `C0HOSTILE${i}` }));
        await bed.fake.waitForCalls('chat.postMessage', i + 1);
        const turn = await phrasingTurn(bed, i + 1);
        expect([turn.outcome, turn.reason]).toContain(i === 0 ? 'mention' : 'url_not_in_kb');
      }
    } finally {
      await bed.close();
    }
    expect(openai.requests).toHaveLength(2);
    expect(bed.fake.callsTo('chat.update')).toHaveLength(0);
    for (const post of bed.fake.callsTo('chat.postMessage')) {
      const texts = [String(post.args.text), ...allTexts(post.args.blocks)].join('\n');
      expect(texts).not.toMatch(/<!channel>|evil\.local/);
      expect(texts).not.toContain(AI_PHRASED_MARK);
    }
  });
});
