import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics served at GET /metrics; one registry per app so tests do not share state. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    questions: new Counter({ name: 'whosecures_questions_total', help: 'Questions answered', labelNames: ['platform', 'intent', 'verdict'], registers: [registry] }),
    answerSeconds: new Histogram({
      name: 'whosecures_answer_seconds',
      help: 'Time from question to first answer sent',
      labelNames: ['platform'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    errors: new Counter({ name: 'whosecures_errors_total', help: 'Errors by component', labelNames: ['component'], registers: [registry] }),
    retriesDropped: new Counter({ name: 'whosecures_retries_dropped_total', help: 'Redelivered events already answered', labelNames: ['platform'], registers: [registry] }),
    rateLimited: new Counter({ name: 'whosecures_rate_limited_total', help: 'Questions refused by the per-user rate limit', labelNames: ['platform'], registers: [registry] }),
    llm: new Counter({ name: 'whosecures_llm_calls_total', help: 'LLM phrasing attempts by outcome', labelNames: ['outcome'], registers: [registry] }),
    llmTokens: new Counter({ name: 'whosecures_llm_tokens_total', help: 'LLM tokens used', labelNames: ['kind'], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
