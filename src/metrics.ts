import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
    digests: new Counter({
      name: 'whosecures_digests_total',
      help: 'Curators\' weekly digests by platform and outcome (queued, posted, pending: kept until the bot can reach the channel, resumed)',
      labelNames: ['platform', 'outcome'],
      registers: [registry],
    }),
    escalations: new Counter({ name: 'whosecures_escalations_total', help: '"Ask the security team" escalations by the state they entered (open, answered, closed)', labelNames: ['state'], registers: [registry] }),
    rateLimited: new Counter({ name: 'whosecures_rate_limited_total', help: 'Questions refused by the per-user rate limit', labelNames: ['platform'], registers: [registry] }),
    llm: new Counter({ name: 'whosecures_llm_calls_total', help: 'LLM calls (phrasing, and reading_* for reading choices) by outcome', labelNames: ['outcome'], registers: [registry] }),
    installationCache: new Counter({ name: 'whosecures_slack_installation_cache_total', help: 'Installation lookups by outcome (hit, miss, miss_unavailable)', labelNames: ['outcome'], registers: [registry] }),
    llmBudgetExceeded: new Counter({
      name: 'whosecures_llm_budget_exceeded_total',
      help: 'LLM phrasings refused by a budget (the template answer stands), by scope (workspace, global) and limit (calls_per_minute, tokens_per_day, store_unavailable)',
      labelNames: ['scope', 'limit'],
      registers: [registry],
    }),
    replyUpdates: new Counter({
      name: 'whosecures_reply_updates_total',
      help: 'Posted answers replaced by their phrasing or by the reading an LLM picked, by platform and outcome (updated, failed)',
      labelNames: ['platform', 'outcome'],
      registers: [registry],
    }),
    llmTokens: new Counter({ name: 'whosecures_llm_tokens_total', help: 'LLM tokens used', labelNames: ['kind'], registers: [registry] }),
    outboxAdmissions: new Counter({
      name: 'whosecures_outbox_admissions_total',
      help: 'Events admitted to the reply outbox by outcome (job, none, overflow, flood, flood_silent, duplicate, held = acked before the write, refused = not acked)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    outboxHeld: new Gauge({ name: 'whosecures_outbox_held', help: 'Acked events whose outbox write is still held in memory', registers: [registry] }),
    outboxHeldLost: new Counter({ name: 'whosecures_outbox_held_lost_total', help: 'Acked events whose outbox write never reached the store', registers: [registry] }),
    outboxJobs: new Counter({ name: 'whosecures_outbox_jobs_total', help: 'Outbox jobs by kind and outcome (sent, expired, parked, retry, failed, lease_lost)', labelNames: ['kind', 'outcome'], registers: [registry] }),
    outboxPending: new Gauge({ name: 'whosecures_outbox_pending', help: 'Jobs waiting in the outbox (all replicas)', registers: [registry] }),
    outboxOldestSeconds: new Gauge({ name: 'whosecures_outbox_oldest_pending_seconds', help: 'Age of the oldest waiting outbox job', registers: [registry] }),
    outboxQueueSeconds: new Histogram({
      name: 'whosecures_outbox_queue_seconds',
      help: 'Time a job waited in the outbox before its first send attempt',
      labelNames: ['kind'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers: [registry],
    }),
    eventToPostSeconds: new Histogram({
      name: 'whosecures_event_to_post_seconds',
      help: 'Time from the user asking (event time) to the reply being posted',
      labelNames: ['kind'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
