import type { Logger } from 'pino';
import type { Router } from '../engine/router';
import type { Answer, Query, ThreadContext } from '../engine/types';
import type { Metrics } from '../metrics';
import type { Store } from '../store/types';
import type { PhraseOptions, Phraser } from '../phrasing/phraser';
import type { ReadingChooser } from '../phrasing/readingChooser';
import { baseAnswer } from '../engine/build';
import { RateLimiter } from './rateLimiter';

/** How long a thread remembers what it was about, for follow-ups such as "and for RDS?". */
const THREAD_CONTEXT_TTL_SECONDS = 24 * 3600;

export interface AssistantDeps {
  router: Router;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  phraser?: Phraser;
  /** Picks among a low-confidence answer's readings (an LLM, when one is configured). */
  chooser?: Pick<ReadingChooser, 'choose'>;
  /** Log question text in the process log (the question log in the store is separate). */
  logQuestionText: boolean;
  rateLimitPerMinute: number;
  now?: () => number;
}

/**
 * What every channel calls with a neutral Query: thread context, the router, the question log,
 * metrics and the rate limit. Channels only translate transport; they never route themselves.
 */
export class Assistant {
  private readonly limiter: RateLimiter;

  constructor(private readonly deps: AssistantDeps) {
    this.limiter = new RateLimiter(deps.rateLimitPerMinute, 60_000, deps.now);
  }

  /** The knowledge-base answer: fast, never waits for an LLM, never throws for store failures. */
  /** `workspace` (`slack:T…`, `teams:<tenant>`) is kept with the logged question, for per-workspace digests. */
  async answer(query: Query, options: { skipRateLimit?: boolean; workspace?: string } = {}): Promise<Answer> {
    const started = process.hrtime.bigint();
    const { router, store, logger, metrics } = this.deps;
    // Outbox jobs were limited when admitted (shared by replicas); the rest are limited here.
    if (!options.skipRateLimit && !this.limiter.take(`${query.platform}:${query.userId}`)) {
      metrics.rateLimited.inc({ platform: query.platform });
      return baseAnswer('invalid_input', null, 'Slow down a little', `You have asked ${this.deps.rateLimitPerMinute} questions in the last minute. Try again in a minute.`);
    }
    const contextKey = threadKey(query);
    const context = query.context ?? (contextKey ? await this.readContext(contextKey) : undefined);
    const answer = router.route({ ...query, context });
    if (contextKey && Object.keys(answer.context).length) {
      await store.putCached(contextKey, JSON.stringify(answer.context), THREAD_CONTEXT_TTL_SECONDS).catch(() => undefined);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    metrics.questions.inc({ platform: query.platform, intent: answer.intent, verdict: answer.verdict ?? 'none' });
    metrics.answerSeconds.observe({ platform: query.platform }, ms / 1000);
    logger.info(
      {
        event: 'question_answered',
        answerId: answer.id,
        platform: query.platform,
        intent: answer.intent,
        verdict: answer.verdict,
        cells: answer.cells,
        confidence: answer.confidence,
        ms: Number(ms.toFixed(2)),
        ...(this.deps.logQuestionText ? { question: query.text.slice(0, 500) } : {}),
      },
      'answered',
    );
    await store
      .logQuestion({
        question: query.text.slice(0, 2000),
        intent: answer.intent,
        verdict: answer.verdict ?? 'none',
        cells: answer.cells,
        confidence: answer.confidence,
        platform: query.platform,
        userId: query.userId,
        ...(options.workspace ? { workspace: options.workspace } : {}),
        at: new Date(),
      })
      .catch((err: unknown) => logger.warn({ err, event: 'question_log_failed' }, 'question log write failed'));
    return answer;
  }

  /**
   * What replaces the posted answer, when anything does: for a low-confidence answer, the
   * reading the chooser picks (answered from that cell of the knowledge base), then the LLM's
   * phrasing, verified. Undefined when the posted answer stands as it is.
   */
  async phrase(answer: Answer, query: Query, options: PhraseOptions = {}): Promise<Answer | undefined> {
    const reread = await this.reread(answer, query, options);
    const base = reread ?? answer;
    if (!this.deps.phraser || !base.cells.length || base.intent === 'out_of_scope') return reread;
    try {
      return (await this.deps.phraser.phrase(base, query, options)) ?? reread;
    } catch (err) {
      this.deps.logger.warn({ err, event: 'phrasing_failed', answerId: answer.id }, 'phrasing failed; template answer stands');
      return reread;
    }
  }

  /** The answer for the reading the chooser picked, when it picked one other than the router's. */
  private async reread(answer: Answer, query: Query, options: PhraseOptions): Promise<Answer | undefined> {
    const readings = answer.readings;
    if (!this.deps.chooser || !readings || readings.length < 2) return undefined;
    try {
      const picked = await this.deps.chooser.choose(query.text, readings, { platform: query.platform, userId: query.userId, answerId: answer.id, workspace: options.workspace });
      if (!picked || picked === readings[0].cell || !readings.some((r) => r.cell === picked)) return undefined;
      const reread = this.deps.router.routeReading(query, picked);
      if (!reread) return undefined;
      // The same message, read again: feedback and updates keep referring to it.
      reread.id = answer.id;
      this.deps.metrics.questions.inc({ platform: query.platform, intent: 'reread', verdict: reread.verdict ?? 'none' });
      return reread;
    } catch (err) {
      this.deps.logger.warn({ err, event: 'reading_choice_failed', answerId: answer.id }, 'reading choice failed; the router\'s reading stands');
      return undefined;
    }
  }

  private async readContext(key: string): Promise<ThreadContext | undefined> {
    const raw = await this.deps.store.getCached(key).catch(() => undefined);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as ThreadContext;
    } catch {
      return undefined;
    }
  }
}

function threadKey(query: Query): string | undefined {
  if (!query.threadId) return undefined;
  return `thread:${query.platform}:${query.conversationId}:${query.threadId}`;
}
