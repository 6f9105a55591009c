import type { Logger } from 'pino';
import type { Answer, Query } from '../engine/types';
import type { KnowledgeBase } from '../knowledge/types';
import type { Metrics } from '../metrics';
import type { Store } from '../store/types';
import { PHRASING_CACHE_TTL_SECONDS, phrasingCacheKey } from './cacheKey';
import type { CallError, ChatCaller } from './chatCaller';
import { Circuit } from './circuit';
import { parseModelOutput, type ModelOutput } from './parseOutput';
import type { BudgetDecision, LlmBudget } from './budget';
import type { PhraseOptions, Phraser } from './phraser';
import { MAX_COMPLETION_TOKENS, buildMessages } from './prompt';
import { isPhrasable, subjectsOf, type Subject } from './subjects';
import { UserCallCap } from './userCallCap';
import { verifyPhrasing } from './verify';

export interface LlmPhraserOptions {
  caller: ChatCaller;
  model: string;
  /** Time from the start of phrase() after which no new attempt starts. */
  deadlineMs: number;
  maxCallsPerUserPerHour: number;
  /** Per-workspace and global budgets in the shared store; absent: no budget (tests of other parts). */
  budget?: LlmBudget;
  kb: KnowledgeBase;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  /** Strings that must never reach users (the API key). */
  secrets?: string[];
  /** How long calls stop after insufficient_quota or a rejected key. */
  circuitOpenMs?: number;
  /** The circuit shared with every other LLM caller of this process (reading choices). */
  circuit?: Circuit;
  now?: () => number;
}

type Outcome =
  | 'phrased'
  | 'cache_hit'
  | 'rejected'
  | 'circuit_open'
  | 'user_cap'
  | 'budget'
  | CallError['failure'];

/** Everything one turn logs, as one line. */
interface TurnLog {
  outcome: Outcome;
  reason?: string;
  detail?: string;
  attempts?: number;
  status?: number;
  code?: string;
  requestId?: string;
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
  format?: string;
}

/**
 * Phrases answers with an OpenAI-compatible model. The verdict, cells and citations stay the
 * router's: the model only writes `phrased.text`, and only text that passes every check in
 * verify.ts is returned. Any failure returns undefined, and the template answer stands.
 */
export class LlmPhraser implements Phraser {
  private readonly circuit: Circuit;
  private readonly cap: UserCallCap;
  private readonly knowledgeBaseUrls: Set<string>;
  private readonly now: () => number;

  constructor(private readonly options: LlmPhraserOptions) {
    this.now = options.now ?? Date.now;
    this.circuit = options.circuit ?? new Circuit(options.circuitOpenMs ?? 5 * 60_000, this.now);
    this.cap = new UserCallCap(options.store, options.maxCallsPerUserPerHour, this.now);
    this.knowledgeBaseUrls = new Set([...options.kb.sources.values()].map((s) => s.url));
  }

  async phrase(answer: Answer, query: Query, options: PhraseOptions = {}): Promise<Answer | undefined> {
    if (!isPhrasable(answer)) return undefined;
    const subjects = subjectsOf(answer, this.options.kb);
    if (!subjects.length) return undefined;
    const started = this.now();
    const log = (turn: TurnLog) => this.logTurn(answer, started, turn);

    const key = phrasingCacheKey(this.options.model, answer, query.text);
    const cached = await this.readCache(key);
    if (cached) {
      // Checked again: the knowledge base (and so the allowed URLs and citations) may have changed.
      const verified = this.verify(cached, answer, subjects, query);
      if (verified.ok) {
        log({ outcome: 'cache_hit' });
        return withPhrasing(answer, verified.text, this.options.model);
      }
    }

    if (this.circuit.isOpen()) {
      log({ outcome: 'circuit_open', reason: this.circuit.openReason });
      return undefined;
    }
    const messages = buildMessages(answer, subjects, query.text);
    let budget: BudgetDecision | undefined;
    if (this.options.budget) {
      budget = await this.options.budget.take(options.workspace, estimateTokens(messages));
      if (!budget.ok) {
        log({ outcome: 'budget', reason: `${budget.scope}:${budget.limit}` });
        return undefined;
      }
    }
    const reservation = budget?.ok ? budget.reservation : undefined;
    if (!(await this.cap.take(query.platform, query.userId))) {
      if (reservation) await this.options.budget!.settle(reservation, 0, { refundCall: true });
      log({ outcome: 'user_cap' });
      return undefined;
    }

    const result = await this.options.caller.complete(messages, started + this.options.deadlineMs);
    if (reservation) {
      // What the server reported; without usage, a timed-out call may still have been billed.
      const used = result.ok ? (result.usage?.total ?? reservation.tokens) : result.failure === 'timeout' || result.failure === 'deadline' ? reservation.tokens : 0;
      await this.options.budget!.settle(reservation, used);
    }
    if (!result.ok) {
      if (result.failure === 'quota' || result.failure === 'auth') this.tripCircuit(result);
      log({ outcome: result.failure, attempts: result.attempts, status: result.status, code: result.code, requestId: result.requestId, detail: result.message });
      return undefined;
    }

    const usage = result.usage;
    if (usage) {
      this.options.metrics.llmTokens.inc({ kind: 'prompt' }, usage.prompt);
      this.options.metrics.llmTokens.inc({ kind: 'completion' }, usage.completion);
    }
    const turn = {
      attempts: result.attempts,
      requestId: result.requestId,
      format: result.format,
      promptTokens: usage?.prompt,
      completionTokens: usage?.completion,
      totalTokens: usage?.total,
    };
    const reject = (reason: string, detail?: string) => {
      log({ ...turn, outcome: 'rejected', reason, detail });
      return undefined;
    };

    if (result.finishReason === 'length') return reject('truncated');
    if (result.finishReason && result.finishReason !== 'stop') return reject('finish_reason', result.finishReason);
    if (result.refusal) return reject('refusal');
    const parsed = parseModelOutput(result.content);
    if (!parsed.ok) return reject('malformed', parsed.reason);
    const verified = this.verify(parsed.output, answer, subjects, query);
    if (!verified.ok) return reject(verified.reason, verified.detail);

    await this.writeCache(key, parsed.output);
    log({ ...turn, outcome: 'phrased' });
    return withPhrasing(answer, verified.text, this.options.model);
  }

  private verify(output: ModelOutput, answer: Answer, subjects: Subject[], query: Query) {
    return verifyPhrasing({
      output,
      answer,
      subjects,
      question: query.text,
      knowledgeBaseUrls: this.knowledgeBaseUrls,
      secrets: this.options.secrets ?? [],
    });
  }

  private tripCircuit(result: CallError): void {
    if (this.circuit.trip(result.failure)) {
      this.options.logger.warn(
        { event: 'llm_circuit_open', failure: result.failure, code: result.code, status: result.status, requestId: result.requestId, minutes: (this.options.circuitOpenMs ?? 300_000) / 60_000 },
        result.failure === 'quota' ? 'LLM quota exhausted: no LLM calls for a while, answers use templates' : 'LLM key rejected: no LLM calls for a while, answers use templates',
      );
    }
  }

  private async readCache(key: string): Promise<ModelOutput | undefined> {
    const raw = await this.options.store.getCached(key).catch(() => undefined);
    if (!raw) return undefined;
    const parsed = parseModelOutput(raw);
    return parsed.ok ? parsed.output : undefined;
  }

  private async writeCache(key: string, output: ModelOutput): Promise<void> {
    await this.options.store
      .putCached(key, JSON.stringify({ explanation: output.explanation, citations: output.citations }), PHRASING_CACHE_TTL_SECONDS)
      .catch((err: unknown) => this.options.logger.debug({ err, event: 'phrasing_cache_write_failed' }, 'phrasing cache write failed'));
  }

  private logTurn(answer: Answer, started: number, turn: TurnLog): void {
    this.options.metrics.llm.inc({ outcome: turn.outcome });
    const line = { event: 'llm_phrasing', answerId: answer.id, model: this.options.model, ms: this.now() - started, ...turn };
    // An open circuit and a full budget are reported once, when their state changes.
    if (turn.outcome === 'circuit_open' || turn.outcome === 'budget') this.options.logger.debug(line, 'phrasing skipped');
    else this.options.logger.info(line, turn.outcome === 'phrased' || turn.outcome === 'cache_hit' ? 'phrased' : 'template answer stands');
  }
}

/** About 4 characters per token for the prompt, plus the most the completion may use. */
function estimateTokens(messages: Array<{ content: string }>): number {
  return Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4) + MAX_COMPLETION_TOKENS;
}

/** A copy of the answer with the phrasing; nothing else differs. */
function withPhrasing(answer: Answer, text: string, model: string): Answer {
  return { ...answer, phrased: { text, model } };
}
