import { performance } from 'node:perf_hooks';
import { loadKnowledge } from '../src/knowledge/loader';
import { createRouter } from '../src/engine/router';
import { loadEvalQuestions } from '../src/eval/evaluate';
import { percentile } from './stats';

/** Knowledge-base load time and per-question answer latency over the eval set, in one process. */
export async function benchEngine(): Promise<Record<string, number | string>> {
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const kb = loadKnowledge();
    createRouter(kb);
    loads.push(performance.now() - t);
  }
  const router = createRouter(loadKnowledge());
  const questions = loadEvalQuestions();
  // Warm up the JIT so the figures describe a running bot, not a cold start.
  for (const q of questions) router.route({ text: q.q, platform: 'cli', userId: 'b', conversationId: 'b', context: q.context });
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const q of questions) {
      const t = performance.now();
      router.route({ text: q.q, platform: 'cli', userId: 'b', conversationId: 'b', context: q.context });
      times.push(performance.now() - t);
    }
  }
  return {
    'engine.questions': questions.length * 5,
    'engine.answer_p50_ms': percentile(times, 50),
    'engine.answer_p99_ms': percentile(times, 99),
    'engine.answer_max_ms': Math.max(...times),
    'engine.kb_load_first_ms': loads[0],
    'engine.kb_load_median_ms': percentile(loads, 50),
  };
}
