import type { Logger } from 'pino';
import type { Metrics } from '../metrics';
import type { BudgetTake, Store } from '../store/types';

/** The four limits (0 = no model calls in that scope: cached phrasings only). */
export interface BudgetLimits {
  workspaceCallsPerMinute: number;
  workspaceTokensPerDay: number;
  globalCallsPerMinute: number;
  globalTokensPerDay: number;
}

export type BudgetScope = 'workspace' | 'global';
export type BudgetLimitKind = 'calls_per_minute' | 'tokens_per_day';

/** What a granted call holds until it is settled with the tokens it really used. */
export interface BudgetReservation {
  tokens: number;
  tokenKeys: Array<{ key: string; expiresAt: Date }>;
  callKeys: Array<{ key: string; expiresAt: Date }>;
}

export type BudgetDecision =
  | { ok: true; reservation: BudgetReservation }
  | { ok: false; scope: BudgetScope; limit: BudgetLimitKind | 'store_unavailable' };

export interface LlmBudgetOptions {
  store: Store;
  limits: BudgetLimits;
  logger: Logger;
  metrics: Metrics;
  /** Longest a take waits for the store; past it the call is refused (templates). */
  storeBoundMs?: number;
  now?: () => number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

interface Counter {
  scope: BudgetScope;
  kind: BudgetLimitKind;
  take: BudgetTake;
}

/**
 * LLM budgets shared by every replica: calls per minute and tokens per (UTC) day, per
 * workspace (Slack team, Teams tenant) and for all workspaces together. A call first reserves
 * one call and its estimated tokens (prompt plus the completion cap) in all four counters in
 * one store transaction, so two replicas can never both take the last unit; once the model
 * answers, the token counters are corrected to what the server reported.
 *
 * When the store cannot answer within `storeBoundMs`, the call is refused (fail closed): the
 * template answer has already been sent and is complete, and without the shared counters no
 * replica can know what the others spend, so an in-memory allowance per replica would multiply
 * the budget by the number of replicas during an outage. Refusing costs only the rewording.
 *
 * Logs one line when a scope goes over its limit and one when it is back under, per process,
 * never one per call (the metric counts calls).
 */
export class LlmBudget {
  private readonly over = new Map<string, { scope: BudgetScope; kind: BudgetLimitKind }>();
  private storeDown = false;
  private readonly boundMs: number;
  private readonly now: () => number;

  constructor(private readonly options: LlmBudgetOptions) {
    this.boundMs = options.storeBoundMs ?? 500;
    this.now = options.now ?? Date.now;
  }

  private counters(workspace: string | undefined, estimatedTokens: number): Counter[] {
    const now = this.now();
    const minute = Math.floor(now / MINUTE_MS);
    const day = Math.floor(now / DAY_MS);
    const minuteEnds = new Date((minute + 1) * MINUTE_MS);
    const dayEnds = new Date((day + 1) * DAY_MS);
    const { limits } = this.options;
    const list: Counter[] = [];
    if (workspace) {
      list.push({ scope: 'workspace', kind: 'calls_per_minute', take: { key: `llm:calls:ws:${workspace}:${minute}`, amount: 1, limit: limits.workspaceCallsPerMinute, expiresAt: minuteEnds } });
      list.push({ scope: 'workspace', kind: 'tokens_per_day', take: { key: `llm:tokens:ws:${workspace}:${day}`, amount: estimatedTokens, limit: limits.workspaceTokensPerDay, expiresAt: dayEnds } });
    }
    list.push({ scope: 'global', kind: 'calls_per_minute', take: { key: `llm:calls:all:${minute}`, amount: 1, limit: limits.globalCallsPerMinute, expiresAt: minuteEnds } });
    list.push({ scope: 'global', kind: 'tokens_per_day', take: { key: `llm:tokens:all:${day}`, amount: estimatedTokens, limit: limits.globalTokensPerDay, expiresAt: dayEnds } });
    return list;
  }

  /** Reserves one call and `estimatedTokens` for `workspace` (absent: the global budget only). */
  async take(workspace: string | undefined, estimatedTokens: number): Promise<BudgetDecision> {
    const tokens = Math.max(1, Math.ceil(estimatedTokens));
    const counters = this.counters(workspace, tokens);
    const outcome = await this.withinBound(this.options.store.takeBudget(counters.map((c) => c.take)));
    if (outcome === undefined) {
      this.options.metrics.llmBudgetExceeded.inc({ scope: 'global', limit: 'store_unavailable' });
      if (!this.storeDown) {
        this.storeDown = true;
        this.options.logger.warn({ event: 'llm_budget_unavailable' }, 'LLM budget store unavailable: no model calls until it answers, answers use templates');
      }
      return { ok: false, scope: 'global', limit: 'store_unavailable' };
    }
    if (this.storeDown) {
      this.storeDown = false;
      this.options.logger.info({ event: 'llm_budget_available' }, 'LLM budget store answering again');
    }
    if (!outcome.ok) {
      const full = counters.find((c) => c.take.key === outcome.refused) ?? counters[counters.length - 1];
      this.options.metrics.llmBudgetExceeded.inc({ scope: full.scope, limit: full.kind });
      this.markOver(full, workspace);
      return { ok: false, scope: full.scope, limit: full.kind };
    }
    for (const c of counters) this.markUnder(c, workspace);
    return {
      ok: true,
      reservation: {
        tokens,
        tokenKeys: counters.filter((c) => c.kind === 'tokens_per_day').map((c) => ({ key: c.take.key, expiresAt: c.take.expiresAt })),
        callKeys: counters.filter((c) => c.kind === 'calls_per_minute').map((c) => ({ key: c.take.key, expiresAt: c.take.expiresAt })),
      },
    };
  }

  /** Corrects the reserved tokens to what was used; `used` 0 with `refundCall` gives the whole reservation back. */
  async settle(reservation: BudgetReservation, used: number, options: { refundCall?: boolean } = {}): Promise<void> {
    const delta = Math.max(0, Math.round(used)) - reservation.tokens;
    const adjustments = reservation.tokenKeys.map((k) => ({ ...k, delta }));
    if (options.refundCall) adjustments.push(...reservation.callKeys.map((k) => ({ ...k, delta: -1 })));
    await this.withinBound(this.options.store.adjustBudget(adjustments));
  }

  private async withinBound<T>(work: Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.boundMs);
    });
    try {
      return await Promise.race([work.catch(() => undefined), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private stateKey(c: Counter, workspace: string | undefined): string {
    return `${c.scope}:${c.kind}:${c.scope === 'workspace' ? workspace : ''}`;
  }

  private markOver(c: Counter, workspace: string | undefined): void {
    const key = this.stateKey(c, workspace);
    if (this.over.has(key)) return;
    if (this.over.size > 10_000) this.over.clear(); // only saves log lines; forgetting is harmless
    this.over.set(key, { scope: c.scope, kind: c.kind });
    this.options.logger.warn(
      { event: 'llm_budget_exceeded', scope: c.scope, limit: c.kind, max: c.take.limit, ...(c.scope === 'workspace' ? { workspace } : {}) },
      'LLM budget reached: answers use templates until it refills',
    );
  }

  private markUnder(c: Counter, workspace: string | undefined): void {
    const key = this.stateKey(c, workspace);
    if (!this.over.delete(key)) return;
    this.options.logger.info({ event: 'llm_budget_restored', scope: c.scope, limit: c.kind, ...(c.scope === 'workspace' ? { workspace } : {}) }, 'LLM budget available again');
  }
}
