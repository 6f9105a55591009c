import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { StoreError, type StoreErrorCode, isStoreError, messageOf } from './errors';
import type {
  AdmitInput,
  AdmitOutcome,
  BudgetOutcome,
  BudgetTake,
  JobDone,
  JobRetry,
  LeaseRequest,
  OutboxJob,
  OutboxJobInput,
  ParkedJob,
  ParkJobInput,
  OutboxStats,
  BotStateItem,
  Escalation,
  EscalationAnswerInput,
  EscalationInput,
  EscalationOpened,
  EscalationState,
  FeedbackInput,
  FeedbackRow,
  InstallationQuery,
  OnboardingProgress,
  ProgressCommit,
  ProgressCommitResult,
  PurgeResult,
  QuestionLogInput,
  QuestionLogRow,
  SlackInstallationLike,
  Store,
  CacheEntry,
  WorkspaceSetting,
  WorkspaceSettingInput,
  WriteBatch,
} from './types';

export interface ResilientOptions {
  logger?: Logger;
  now?: () => Date;
  /** A call slower than this counts as a failure, so a hung database cannot stall answers. */
  timeoutMs?: number;
  /**
   * Batch question-log rows and cache entries for at most this long (0: write each at once):
   * one transaction instead of two per answer, off the answer's path.
   */
  batchMs?: number;
}

/** A batch this big is written at once instead of waiting for its timer. */
const BATCH_ROWS = 200;
/** Rows and entries kept waiting while a batch is slow to write; past it the oldest are dropped. */
const BATCH_LIMIT = 10_000;

/** Errors about the caller's input or the data, not the database being away: always surfaced. */
const CALLER_ERRORS: readonly StoreErrorCode[] = [
  'STORE_ETAG_CONFLICT',
  'STORE_INVALID_INPUT',
  'STORE_ENCRYPTION_KEY_MISSING',
  'STORE_ENCRYPTION_KEY_INVALID',
  'STORE_DECRYPT_FAILED',
];

const MEMORY_LIMIT = 10_000;

/** A small insertion-ordered map that forgets its oldest entries, for last-known-good reads. */
class BoundedMap<V> extends Map<string, V> {
  override set(key: string, value: V): this {
    this.delete(key);
    super.set(key, value);
    if (this.size > MEMORY_LIMIT) this.delete(this.keys().next().value as string);
    return this;
  }
}

/**
 * Keeps the bot answering while the database is away: failed writes are logged and return a
 * safe value, and the next successful write marks the store as recovered (pg's pool reconnects
 * by itself). A read that works while writes fail (a full disk) does not count as recovery, so
 * the state, and the log, do not flap: one line when it goes away, one when it is back; the
 * failures in between are logged at debug level. What stays safe without the database:
 * - the reply outbox (admitEvent, leases, marks) has no fallback at all: its callers hold the
 *   work in memory and retry, so no claim is ever decided outside the database; nor has
 *   commitProgress (an onboarding step with its claims and messages): the step fails and is
 *   taken again later;
 * - other claims (claimEvent: Teams activities, refresh locks) fall back to an in-process claim
 *   set, which is written back to the database when it returns;
 * - installations and conversation references are served from the last value seen;
 * - Bot Framework state reads as empty and writes are dropped (the turn still runs).
 * With `batchMs`, question-log rows and cache entries are not written one by one: they wait up
 * to `batchMs` (or until 200 are waiting) and are written in one transaction, and cache reads
 * see them meanwhile. A SIGKILL loses the last `batchMs` of them (log rows, thread context, a
 * kept answer); close() writes them first. Nothing the outbox needs is ever batched.
 * Reads with no safe substitute (progress, curator lists) throw STORE_UNAVAILABLE so the
 * caller can apologise. saveInstallation also throws: an OAuth install must not look successful
 * when its tokens were not stored.
 */
export class ResilientStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  private available = true;
  private readonly logger: Logger | undefined;
  private readonly now: () => Date;
  private readonly timeoutMs: number;
  private readonly memoryClaims = new BoundedMap<number>();
  private readonly lastInstallations = new BoundedMap<SlackInstallationLike>();
  private readonly lastReferences = new BoundedMap<object>();
  private readonly batchMs: number;
  private batchedQuestions: QuestionLogInput[] = [];
  private batchedCache = new Map<string, CacheEntry>();
  /** The cache entries of the batch being written, still served to readers. */
  private writingCache: Map<string, CacheEntry> | undefined;
  private batchTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    readonly inner: Store,
    options: ResilientOptions = {},
  ) {
    this.kind = inner.kind;
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.batchMs = Math.max(0, options.batchMs ?? 0);
  }

  /** False from the first failed call until the next successful one. */
  get healthy(): boolean {
    return this.available;
  }

  private async attempt<T>(op: string, fn: () => Promise<T>, writes = true): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreError('STORE_UNAVAILABLE', `${op} timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      const result = await Promise.race([fn(), timeout]);
      if (!this.available && writes) {
        this.available = true;
        this.logger?.info({ op }, 'store recovered');
        this.writeBackClaims();
      }
      return result;
    } catch (err) {
      if (isStoreError(err) && CALLER_ERRORS.includes(err.code)) throw err;
      if (this.available) {
        this.available = false;
        this.logger?.error({ op, err: messageOf(err) }, 'store unavailable: continuing without it until it returns');
      }
      throw new StoreError('STORE_UNAVAILABLE', `store unavailable during ${op}: ${messageOf(err)}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  /** A write that must not throw: logs the failure (never user text) and returns `fallback()`. */
  private async write<T>(op: string, context: Record<string, unknown>, fn: () => Promise<T>, fallback: () => T): Promise<T> {
    try {
      return await this.attempt(op, fn);
    } catch (err) {
      if (!isStoreError(err, 'STORE_UNAVAILABLE')) throw err;
      this.logger?.debug({ op, ...context, err: err.message }, 'store write failed');
      return fallback();
    }
  }

  private async read<T>(op: string, fn: () => Promise<T>, fallback?: () => T | undefined): Promise<T> {
    try {
      return await this.attempt(op, fn, false);
    } catch (err) {
      const substitute = isStoreError(err, 'STORE_UNAVAILABLE') ? fallback?.() : undefined;
      if (substitute === undefined) throw err;
      this.logger?.debug({ op, err: (err as Error).message }, 'store read failed; using last known value');
      return substitute;
    }
  }

  /** Claims taken in memory during an outage become real claims once the database is back. */
  private writeBackClaims(): void {
    const now = this.now().getTime();
    const pending = [...this.memoryClaims].filter(([, until]) => until > now);
    if (!pending.length) return;
    void (async () => {
      let written = 0;
      for (const [key, until] of pending) {
        const ok = await this.inner.claimEvent(key, Math.max(1, Math.ceil((until - this.now().getTime()) / 1000))).then(() => true, () => false);
        if (!ok) return;
        written++;
      }
      this.logger?.info({ claims: written }, 'claims taken during the outage written back');
    })();
  }

  private memoryClaim(key: string, ttlSeconds: number): boolean {
    const now = this.now().getTime();
    const held = this.memoryClaims.get(key);
    if (held !== undefined && held > now) return false;
    this.memoryClaims.set(key, now + ttlSeconds * 1000);
    return true;
  }

  async claimEvent(key: string, ttlSeconds: number): Promise<boolean> {
    const won = await this.write('claimEvent', { key }, () => this.inner.claimEvent(key, ttlSeconds), () => this.memoryClaim(key, ttlSeconds));
    // An event first claimed in memory during an outage was already handled here.
    const held = this.memoryClaims.get(key);
    if (won && this.available && held !== undefined && held > this.now().getTime()) return false;
    return won;
  }

  async saveConversationReference(key: string, ref: object): Promise<void> {
    this.lastReferences.set(key, ref);
    await this.write('saveConversationReference', { key }, () => this.inner.saveConversationReference(key, ref), () => undefined);
  }

  async getConversationReference(key: string): Promise<object | undefined> {
    const ref = await this.read('getConversationReference', () => this.inner.getConversationReference(key), () => this.lastReferences.get(key));
    if (ref) this.lastReferences.set(key, ref);
    return ref;
  }

  getProgress(platform: string, userId: string): Promise<OnboardingProgress | undefined> {
    return this.read('getProgress', () => this.inner.getProgress(platform, userId));
  }

  saveProgress(p: OnboardingProgress): Promise<void> {
    return this.write('saveProgress', { platform: p.platform, lesson: p.currentLesson }, () => this.inner.saveProgress(p), () => undefined);
  }

  // Not softened: a lesson is recorded as delivered, and an answer counted, only together with
  // the outbox jobs that show it.
  commitProgress(commit: ProgressCommit): Promise<ProgressCommitResult> {
    return this.attempt('commitProgress', () => this.inner.commitProgress(commit));
  }

  listProgress(): Promise<OnboardingProgress[]> {
    return this.read('listProgress', () => this.inner.listProgress());
  }

  recordFeedback(f: FeedbackInput): Promise<void> {
    return this.write('recordFeedback', { answerId: f.answerId, helpful: f.helpful }, () => this.inner.recordFeedback(f), () => undefined);
  }

  listFeedback(since: Date): Promise<FeedbackRow[]> {
    return this.read('listFeedback', () => this.inner.listFeedback(since));
  }

  logQuestion(q: QuestionLogInput): Promise<void> {
    if (!this.batchMs) return this.write('logQuestion', { intent: q.intent, platform: q.platform }, () => this.inner.logQuestion(q), () => undefined);
    this.batchedQuestions.push(q);
    if (this.batchedQuestions.length > BATCH_LIMIT) this.batchedQuestions.shift();
    this.batched();
    return Promise.resolve();
  }

  async listQuestions(since: Date): Promise<QuestionLogRow[]> {
    await this.flush();
    return this.read('listQuestions', () => this.inner.listQuestions(since));
  }

  writeBatch(batch: WriteBatch): Promise<void> {
    return this.write('writeBatch', { questions: batch.questions.length, cache: batch.cache.length }, () => this.inner.writeBatch(batch), () => undefined);
  }

  private batched(): void {
    if (this.batchedQuestions.length + this.batchedCache.size >= BATCH_ROWS) {
      void this.flush();
      return;
    }
    if (this.batchTimer) return;
    this.batchTimer = setTimeout(() => {
      this.batchTimer = undefined;
      void this.flush();
    }, this.batchMs);
    this.batchTimer.unref();
  }

  /**
   * Writes what is batched (question-log rows, cache entries) in one transaction; one batch at
   * a time, in order. Never throws: a batch the store does not take is logged and dropped, as a
   * single failed write is. Called by the timer, by readers of the log, and by close().
   */
  async flush(): Promise<void> {
    if (this.batchTimer) {
      clearTimeout(this.batchTimer);
      this.batchTimer = undefined;
    }
    while (this.flushing) await this.flushing;
    if (!this.batchedQuestions.length && !this.batchedCache.size) return;
    const batch: WriteBatch = { questions: this.batchedQuestions, cache: [...this.batchedCache.values()] };
    this.writingCache = this.batchedCache;
    this.batchedQuestions = [];
    this.batchedCache = new Map();
    const done = this.writeBatch(batch)
      .catch(() => undefined)
      .finally(() => {
        this.flushing = undefined;
        this.writingCache = undefined;
      });
    this.flushing = done;
    await done;
  }

  hashUserId(platform: string, userId: string): string {
    return this.inner.hashUserId(platform, userId);
  }

  purgeExpired(now?: Date): Promise<PurgeResult> {
    return this.write('purgeExpired', {}, () => this.inner.purgeExpired(now), () => ({ questions: 0, claims: 0, cache: 0 }));
  }

  async getCached(key: string): Promise<string | undefined> {
    const batched = this.batchedCache.get(key) ?? this.writingCache?.get(key);
    if (batched) return batched.expiresAt.getTime() > this.now().getTime() ? batched.value : undefined;
    // A cache miss is always a safe answer: the template phraser takes over.
    try {
      return await this.attempt('getCached', () => this.inner.getCached(key), false);
    } catch (err) {
      if (!isStoreError(err, 'STORE_UNAVAILABLE')) throw err;
      return undefined;
    }
  }

  putCached(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (!this.batchMs || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
      // (An invalid TTL goes to the store, which refuses it with STORE_INVALID_INPUT.)
      return this.write('putCached', {}, () => this.inner.putCached(key, value, ttlSeconds), () => undefined);
    }
    this.batchedCache.delete(key);
    this.batchedCache.set(key, { key, value, expiresAt: new Date(this.now().getTime() + ttlSeconds * 1000) });
    if (this.batchedCache.size > BATCH_LIMIT) this.batchedCache.delete(this.batchedCache.keys().next().value as string);
    this.batched();
    return Promise.resolve();
  }

  async saveInstallation<T extends SlackInstallationLike>(installation: T): Promise<void> {
    await this.attempt('saveInstallation', () => this.inner.saveInstallation(installation));
    this.lastInstallations.set(installationCacheKey(installation), installation);
  }

  async getInstallation<T extends SlackInstallationLike>(query: InstallationQuery): Promise<T | undefined> {
    const cacheKey = queryCacheKey(query);
    const found = await this.read('getInstallation', () => this.inner.getInstallation<T>(query), () => this.lastInstallations.get(cacheKey) as T | undefined);
    if (found) this.lastInstallations.set(cacheKey, found);
    return found;
  }

  async deleteInstallation(query: InstallationQuery): Promise<void> {
    this.lastInstallations.delete(queryCacheKey(query));
    await this.write('deleteInstallation', { teamId: query.teamId, enterpriseId: query.enterpriseId }, () => this.inner.deleteInstallation(query), () => undefined);
  }

  async bfRead(keys: string[]): Promise<Record<string, BotStateItem>> {
    try {
      return await this.attempt('bfRead', () => this.inner.bfRead(keys), false);
    } catch (err) {
      if (!isStoreError(err, 'STORE_UNAVAILABLE')) throw err;
      this.logger?.debug({ op: 'bfRead', keys: keys.length, err: err.message }, 'store read failed');
      return {};
    }
  }

  bfWrite(key: string, value: Record<string, unknown>, expectedETag?: string): Promise<string> {
    return this.write('bfWrite', { key }, () => this.inner.bfWrite(key, value, expectedETag), () => randomUUID());
  }

  bfDelete(keys: string[]): Promise<void> {
    return this.write('bfDelete', { keys: keys.length }, () => this.inner.bfDelete(keys), () => undefined);
  }

  // The outbox is never softened: a caller that cannot reach the database keeps the work and
  // retries, instead of deciding a claim or a lease without it.
  admitEvent(input: AdmitInput): Promise<AdmitOutcome> {
    return this.attempt('admitEvent', () => this.inner.admitEvent(input));
  }

  enqueueJob(job: OutboxJobInput): Promise<number> {
    return this.attempt('enqueueJob', () => this.inner.enqueueJob(job));
  }

  leaseJobs(request: LeaseRequest): Promise<OutboxJob[]> {
    return this.attempt('leaseJobs', () => this.inner.leaseJobs(request));
  }

  finishJob(done: JobDone): Promise<boolean> {
    return this.attempt('finishJob', () => this.inner.finishJob(done));
  }

  retryJob(retry: JobRetry): Promise<boolean> {
    return this.attempt('retryJob', () => this.inner.retryJob(retry));
  }

  releaseLeases(owner: string, ids: number[]): Promise<number> {
    return this.attempt('releaseLeases', () => this.inner.releaseLeases(owner, ids));
  }

  outboxStats(kinds?: string[]): Promise<OutboxStats> {
    return this.attempt('outboxStats', () => this.inner.outboxStats(kinds), false);
  }

  getJob(id: number): Promise<OutboxJob | undefined> {
    return this.attempt('getJob', () => this.inner.getJob(id), false);
  }

  parkJob(input: ParkJobInput): Promise<boolean> {
    return this.attempt('parkJob', () => this.inner.parkJob(input));
  }

  parkedTriggers(): Promise<string[]> {
    return this.attempt('parkedTriggers', () => this.inner.parkedTriggers(), false);
  }

  unparkJobs(trigger: string, merge?: (parked: ParkedJob[]) => OutboxJobInput[]): Promise<number[]> {
    return this.attempt('unparkJobs', () => this.inner.unparkJobs(trigger, merge));
  }

  // Escalations are not softened: the click or the modal apologises, and the curator or the
  // asker tries again; nothing is decided outside the database.
  openEscalation(input: EscalationInput, job?: (id: number) => OutboxJobInput): Promise<EscalationOpened> {
    return this.attempt('openEscalation', () => this.inner.openEscalation(input, job));
  }

  getEscalation(id: number): Promise<Escalation | undefined> {
    return this.attempt('getEscalation', () => this.inner.getEscalation(id), false);
  }

  markEscalationPosted(id: number, channel: string, ts: string): Promise<void> {
    return this.attempt('markEscalationPosted', () => this.inner.markEscalationPosted(id, channel, ts));
  }

  answerEscalation(input: EscalationAnswerInput, job?: (e: Escalation) => OutboxJobInput): Promise<Escalation | undefined> {
    return this.attempt('answerEscalation', () => this.inner.answerEscalation(input, job));
  }

  closeEscalation(id: number): Promise<Escalation | undefined> {
    return this.attempt('closeEscalation', () => this.inner.closeEscalation(id));
  }

  listEscalations(since: Date, state?: EscalationState): Promise<Escalation[]> {
    return this.attempt('listEscalations', () => this.inner.listEscalations(since, state), false);
  }

  // Workspace settings are not softened: a curator's change is saved or they are told it was
  // not, and a reader (the digest, an escalation) decides what an unreachable store means.
  getWorkspaceSettings(platform: string, workspace: string): Promise<WorkspaceSetting[]> {
    return this.attempt('getWorkspaceSettings', () => this.inner.getWorkspaceSettings(platform, workspace), false);
  }

  listWorkspaceSettings(platform: string, name: string): Promise<WorkspaceSetting[]> {
    return this.attempt('listWorkspaceSettings', () => this.inner.listWorkspaceSettings(platform, name), false);
  }

  putWorkspaceSetting(input: WorkspaceSettingInput): Promise<WorkspaceSetting> {
    return this.attempt('putWorkspaceSetting', () => this.inner.putWorkspaceSetting(input));
  }

  deleteWorkspaceSetting(platform: string, workspace: string, name: string): Promise<boolean> {
    return this.attempt('deleteWorkspaceSetting', () => this.inner.deleteWorkspaceSetting(platform, workspace, name));
  }

  // Budgets are not softened either: the caller (src/phrasing/budget.ts) decides what an
  // unreachable store means for spending.
  takeBudget(takes: BudgetTake[]): Promise<BudgetOutcome> {
    return this.attempt('takeBudget', () => this.inner.takeBudget(takes));
  }

  adjustBudget(adjustments: Array<{ key: string; delta: number; expiresAt: Date }>): Promise<void> {
    return this.attempt('adjustBudget', () => this.inner.adjustBudget(adjustments));
  }

  /** Not softened: health checks need the truth. A read never marks recovery. */
  ping(): Promise<void> {
    return this.attempt('ping', () => this.inner.ping(), false);
  }

  /** Readiness: a write, so a database that reads but cannot write is not ready. */
  pingWrite(): Promise<void> {
    return this.attempt('pingWrite', () => this.inner.pingWrite());
  }

  async close(): Promise<void> {
    await this.flush();
    return this.inner.close();
  }
}

function queryCacheKey(q: InstallationQuery): string {
  return q.isEnterpriseInstall && q.enterpriseId ? `enterprise:${q.enterpriseId}` : `team:${q.teamId ?? ''}`;
}

function installationCacheKey(i: SlackInstallationLike): string {
  return queryCacheKey({ isEnterpriseInstall: i.isEnterpriseInstall === true, ...(i.team ? { teamId: i.team.id } : {}), ...(i.enterprise ? { enterpriseId: i.enterprise.id } : {}) });
}
