import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp, type App } from '../src/app';
import { loadConfig } from '../src/config';
import type { Query } from '../src/engine/types';
import { loadEvalQuestions } from '../src/eval/evaluate';
import { createLogger } from '../src/logger';
import { FakeOpenAi, completion, explanationJson, type FakeRequest } from '../test/phrasing/fakeOpenAiServer';

/** The fake model's fixed answer time, about what a small hosted model takes for 60 tokens. */
const FAKE_DELAY_MS = 300;
const LATENCY_QUESTIONS = 30;
const CONCURRENCY = 8;

const round = (n: number): number => Math.round(n * 100) / 100;
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** A faithful model: the first subject's own summary, citing its first source. */
function honestReply(req: FakeRequest) {
  const facts = JSON.parse(req.body.messages[1].content.split('\n')[1]) as { subjects: Array<{ summary: string; citation_ids: number[] }> };
  const s = facts.subjects[0];
  return { body: completion(explanationJson(`${s.summary} [${s.citation_ids[0]}]`, [s.citation_ids[0]])) };
}

async function withApp<T>(fake: FakeOpenAi, run: (app: App) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'whosecures-bench-llm-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    OPENAI_BASE_URL: fake.baseUrl,
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_TIMEOUT_MS: '5000',
    RATE_LIMIT_PER_MINUTE: '10000',
    LLM_MAX_CALLS_PER_USER_PER_HOUR: '100000',
  });
  const app = await buildApp(config, { logger: createLogger('silent') });
  try {
    return await run(app);
  } finally {
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Time to the first (knowledge-base) answer and to the phrased answer with the fake model at a
 * fixed delay, and the phrasing cache hit ratio over the eval questions asked twice.
 */
export async function benchLlm(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const questions = loadEvalQuestions();
  const fake = await FakeOpenAi.start();
  try {
    fake.script = (req) => ({ ...honestReply(req), delayMs: FAKE_DELAY_MS });
    await withApp(fake, async (app) => {
      const first: number[] = [];
      const phrased: number[] = [];
      let asked = 0;
      for (const q of questions) {
        if (phrased.length >= LATENCY_QUESTIONS) break;
        const query: Query = { text: q.q, platform: 'slack', userId: `B${asked++}`, conversationId: 'C', context: q.context };
        const t0 = performance.now();
        const answer = await app.assistant.answer(query);
        const t1 = performance.now();
        const result = await app.assistant.phrase(answer, query);
        if (!result) continue;
        first.push(t1 - t0);
        phrased.push(performance.now() - t0);
      }
      out['llm.fake_model_delay_ms'] = FAKE_DELAY_MS;
      out['llm.questions_timed'] = phrased.length;
      out['llm.first_answer_p50_ms'] = round(percentile(first, 50));
      out['llm.first_answer_p95_ms'] = round(percentile(first, 95));
      out['llm.phrased_answer_p50_ms'] = round(percentile(phrased, 50));
      out['llm.phrased_answer_p95_ms'] = round(percentile(phrased, 95));
    });

    fake.script = honestReply;
    fake.reset();
    await withApp(fake, async (app) => {
      const attempts = [0, 0];
      const calls = [0, 0];
      const accepted = [0, 0];
      for (const pass of [0, 1]) {
        const before = fake.requests.length;
        for (let i = 0; i < questions.length; i += CONCURRENCY) {
          await Promise.all(
            questions.slice(i, i + CONCURRENCY).map(async (q, j) => {
              const query: Query = { text: q.q, platform: 'slack', userId: `E${pass}-${i + j}`, conversationId: 'C', context: q.context };
              const answer = await app.assistant.answer(query);
              const callsBefore = fake.requests.length;
              const result = await app.assistant.phrase(answer, query);
              if (fake.requests.length > callsBefore || result) attempts[pass]++;
              if (result) accepted[pass]++;
            }),
          );
        }
        calls[pass] = fake.requests.length - before;
      }
      const hits = attempts[0] + attempts[1] - calls[0] - calls[1];
      out['llm.eval_questions'] = questions.length;
      out['llm.phrased_first_pass'] = accepted[0];
      out['llm.model_calls_first_pass'] = calls[0];
      out['llm.model_calls_second_pass'] = calls[1];
      out['llm.cache_hit_ratio'] = round(hits / Math.max(1, attempts[0] + attempts[1]));
      out['llm.cache_hit_ratio_second_pass'] = round((attempts[1] - calls[1]) / Math.max(1, attempts[1]));
    });
  } finally {
    await fake.stop();
  }
  return out;
}
