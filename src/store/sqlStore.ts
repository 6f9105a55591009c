import { randomUUID } from 'node:crypto';
import { decrypt, encrypt, hashUserId } from './crypto';
import { type SqlDriver, type SqlQueries, fromJson, toBool, toDate, toNumber, toOptionalDate } from './driver';
import { StoreError } from './errors';
import { ESCALATION_COLUMNS, escalationFromRow, escalationInsertParams } from './escalationRows';
import type {
  AdmitInput,
  AdmitOutcome,
  BudgetOutcome,
  BudgetTake,
  Claim,
  JobDone,
  JobRetry,
  LeaseRequest,
  OutboxJob,
  OutboxJobInput,
  OutboxJobStatus,
  OutboxStats,
  ParkedJob,
  ParkJobInput,
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
  QuizAnswer,
  SlackInstallationLike,
  Store,
  WorkspaceSetting,
  WorkspaceSettingInput,
  WriteBatch,
} from './types';

export interface SqlStoreConfig {
  driver: SqlDriver;
  now: () => Date;
  /** Absent: installations cannot be stored (tokens are never written in clear). */
  encryptionKey?: Buffer;
  hashKey: Buffer;
  questionLogEnabled: boolean;
  questionLogDays: number;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Finished jobs are kept a day (well past Slack's retry horizon), for inspection. */
const JOB_RETENTION_MS = DAY_MS;

function jobFromRow(r: Record<string, unknown>): OutboxJob {
  const job: OutboxJob = {
    id: toNumber(r.id),
    kind: String(r.kind),
    lane: String(r.lane),
    payload: fromJson<Record<string, unknown>>(r.payload),
    status: String(r.status) as OutboxJobStatus,
    attempts: toNumber(r.attempts),
    createdAt: toDate(r.created_at),
    eventAt: toDate(r.event_at),
  };
  if (r.event_key !== null && r.event_key !== undefined) job.eventKey = String(r.event_key);
  if (r.user_key !== null && r.user_key !== undefined) job.userKey = String(r.user_key);
  return job;
}

interface ProgressRow {
  platform: string;
  user_id: string;
  started_at: unknown;
  current_lesson: unknown;
  completed_at: unknown;
  opted_out: unknown;
  score: unknown;
  answered: unknown;
  scheduled_message_ids: unknown;
  channel_id: string | null;
  version: unknown;
}

function progressFromRow(r: ProgressRow): OnboardingProgress {
  const p: OnboardingProgress = {
    platform: r.platform,
    userId: r.user_id,
    startedAt: toDate(r.started_at),
    currentLesson: toNumber(r.current_lesson),
    optedOut: toBool(r.opted_out),
    score: toNumber(r.score),
    answered: toNumber(r.answered),
    scheduledMessageIds: fromJson<string[]>(r.scheduled_message_ids),
    version: toNumber(r.version),
  };
  const completedAt = toOptionalDate(r.completed_at);
  if (completedAt) p.completedAt = completedAt;
  if (r.channel_id !== null) p.channelId = r.channel_id;
  return p;
}

function settingFromRow(r: Record<string, unknown>): WorkspaceSetting {
  return {
    platform: String(r.platform),
    workspace: String(r.workspace),
    name: String(r.name),
    value: String(r.value),
    ...(r.updated_by !== null && r.updated_by !== undefined ? { updatedBy: String(r.updated_by) } : {}),
    updatedAt: toDate(r.updated_at),
  };
}

/** Slack keys org-wide installs by enterprise, all others by workspace. */
function installationId(q: InstallationQuery): string | undefined {
  if (q.isEnterpriseInstall && q.enterpriseId) return `enterprise:${q.enterpriseId}`;
  if (q.teamId) return `team:${q.teamId}`;
  return undefined;
}

function positiveSeconds(ttlSeconds: number, what: string): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new StoreError('STORE_INVALID_INPUT', `${what}: ttlSeconds must be a positive number, got ${ttlSeconds}`);
  }
  return ttlSeconds * 1000;
}

const PROGRESS_COLUMNS = `platform, user_id, started_at, current_lesson, completed_at, opted_out, score, answered, scheduled_message_ids, channel_id, updated_at`;

/** Rolls back a commit whose claim was taken already, or whose progress moved on (see commitProgress). */
class CommitRefused extends Error {
  constructor(readonly reason: 'claimed' | 'stale') {
    super(reason);
  }
}

/** The Store over either database: every query here is valid SQLite and PostgreSQL. */
export class SqlStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  private readonly db: SqlDriver;

  /** What an admission reads for its limits (see admitEvent): $1 user key, $2 kind, $3 the minute's start, $4 lane. */
  private readonly admissionReadSql: string;

  constructor(private readonly cfg: SqlStoreConfig) {
    this.db = cfg.driver;
    this.kind = cfg.driver.kind;
    const counts = `(SELECT COUNT(*) FROM outbox_jobs WHERE user_key = $1 AND kind = $2 AND created_at > $3) AS recent,
       (SELECT COUNT(*) FROM outbox_jobs WHERE lane = $4 AND status = 'pending') AS depth`;
    this.admissionReadSql = this.kind === 'sqlite' ? `SELECT ${counts}, (SELECT next_at FROM outbox_lanes WHERE lane = $4) AS next_at` : `SELECT ${counts}`;
  }

  private nowMs(): number {
    return this.cfg.now().getTime();
  }

  async claimEvent(key: string, ttlSeconds: number): Promise<boolean> {
    return this.claim(this.db, { key, ttlSeconds }, this.nowMs(), 'claimEvent');
  }

  private async claim(q: SqlQueries, claim: Claim, now: number, op: string): Promise<boolean> {
    const expires = now + positiveSeconds(claim.ttlSeconds, op);
    // Insert wins a new key; the conditional DO UPDATE takes over only an expired claim. Both
    // databases run this as one atomic statement, so concurrent claimers get one winner.
    const rows = await q.all(
      `INSERT INTO event_claims (key, claimed_at, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET claimed_at = excluded.claimed_at, expires_at = excluded.expires_at
       WHERE event_claims.expires_at <= $2
       RETURNING key`,
      [claim.key, now, expires],
    );
    return rows.length === 1;
  }

  private async insertJob(q: SqlQueries, job: OutboxJobInput, eventKey: string | null, now: number): Promise<number> {
    const rows = await q.all<{ id: unknown }>(
      `INSERT INTO outbox_jobs (event_key, kind, lane, user_key, payload, status, attempts, created_at, event_at, available_at, lease_owner, lease_until)
       VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $7, $6, NULL, 0) RETURNING id`,
      [eventKey, job.kind, job.lane, job.userKey ?? null, JSON.stringify(job.payload), now, job.eventAt?.getTime() ?? now],
    );
    return toNumber(rows[0]?.id);
  }

  async admitEvent(input: AdmitInput): Promise<AdmitOutcome> {
    const now = this.nowMs();
    return this.db.transaction(async (tx) => {
      if (!(await this.claim(tx, { key: input.eventKey, ttlSeconds: input.claimTtlSeconds }, now, 'admitEvent'))) return { claimed: false };
      const { job, limits } = input;
      if (!job) return { claimed: true, queued: 'none' };
      // The limits' reads in one statement: the user's questions in the last minute, the lane's
      // waiting jobs and (SQLite, where the transaction holds the only write lock) its pacing.
      const [state] = limits ? await tx.all<{ recent: unknown; depth: unknown; next_at?: unknown }>(this.admissionReadSql, [job.userKey ?? null, job.kind, now - MINUTE_MS, job.lane]) : [];
      if (limits && job.userKey) {
        if (toNumber(state?.recent) >= limits.perUserPerMinute) {
          // One notice per user per minute, however many questions they send.
          const notice = input.floodNotice;
          if (!notice) return { claimed: true, queued: 'flood_silent' };
          const [told] = await tx.all<{ n: unknown }>(`SELECT COUNT(*) AS n FROM outbox_jobs WHERE user_key = $1 AND kind = $2 AND created_at > $3`, [job.userKey, notice.kind, now - MINUTE_MS]);
          if (toNumber(told?.n) > 0) return { claimed: true, queued: 'flood_silent' };
          return { claimed: true, queued: 'flood', jobId: await this.insertJob(tx, notice, input.eventKey, now) };
        }
      }
      let depth: number | undefined;
      if (limits) {
        depth = toNumber(state?.depth);
        if (depth >= limits.maxLaneDepth) {
          const notice = input.overflowNotice;
          return { claimed: true, queued: 'overflow', ...(notice ? { jobId: await this.insertJob(tx, notice, input.eventKey, now) } : {}) };
        }
      }
      const pacing = state && this.kind === 'sqlite' ? { nextAt: state.next_at } : undefined;
      if (input.lease && (await this.laneFree(tx, job.lane, now, depth, pacing))) {
        const leased = await this.insertLeasedJob(tx, job, input.eventKey, now, input.lease);
        return { claimed: true, queued: 'job', jobId: leased.id, leased };
      }
      return { claimed: true, queued: 'job', jobId: await this.insertJob(tx, job, input.eventKey, now) };
    });
  }

  /**
   * Inside an admission: may a new job of `lane` be sent at once? Only when the lane has no
   * pending job (so the new one is its head and nothing of the lane is in flight anywhere) and
   * is not pacing. On PostgreSQL the lane's row is locked first (created if missing), so two
   * replicas admitting into one lane at once are serialised and only one of them leases.
   */
  private async laneFree(tx: SqlQueries, lane: string, now: number, knownDepth: number | undefined, knownPacing?: { nextAt: unknown }): Promise<boolean> {
    let nextAt: unknown;
    if (knownPacing) {
      nextAt = knownPacing.nextAt;
    } else if (this.kind === 'postgres') {
      const [row] = await tx.all<{ next_at: unknown }>(
        `INSERT INTO outbox_lanes (lane, next_at) VALUES ($1, 0) ON CONFLICT (lane) DO UPDATE SET next_at = outbox_lanes.next_at RETURNING next_at`,
        [lane],
      );
      nextAt = row?.next_at;
      // The depth counted before the lock may miss a job another replica just committed.
      knownDepth = undefined;
    } else {
      const [row] = await tx.all<{ next_at: unknown }>(`SELECT next_at FROM outbox_lanes WHERE lane = $1`, [lane]);
      nextAt = row?.next_at;
    }
    if (nextAt !== undefined && nextAt !== null && toNumber(nextAt) > now) return false;
    if (knownDepth !== undefined) return knownDepth === 0;
    const pending = await tx.all(`SELECT 1 AS one FROM outbox_jobs WHERE lane = $1 AND status = 'pending' LIMIT 1`, [lane]);
    return pending.length === 0;
  }

  private async insertLeasedJob(q: SqlQueries, job: OutboxJobInput, eventKey: string, now: number, lease: { owner: string; leaseMs: number }): Promise<OutboxJob> {
    const eventAt = job.eventAt?.getTime() ?? now;
    const rows = await q.all<{ id: unknown }>(
      `INSERT INTO outbox_jobs (event_key, kind, lane, user_key, payload, status, attempts, created_at, event_at, available_at, lease_owner, lease_until)
       VALUES ($1, $2, $3, $4, $5, 'pending', 1, $6, $7, $6, $8, $9) RETURNING id`,
      [eventKey, job.kind, job.lane, job.userKey ?? null, JSON.stringify(job.payload), now, eventAt, lease.owner, now + lease.leaseMs],
    );
    const leased: OutboxJob = {
      id: toNumber(rows[0]?.id),
      eventKey,
      kind: job.kind,
      lane: job.lane,
      payload: job.payload,
      status: 'pending',
      attempts: 1,
      createdAt: new Date(now),
      eventAt: new Date(eventAt),
    };
    if (job.userKey) leased.userKey = job.userKey;
    return leased;
  }

  async enqueueJob(job: OutboxJobInput): Promise<number> {
    return this.insertJob(this.db, job, null, this.nowMs());
  }

  async leaseJobs(request: LeaseRequest): Promise<OutboxJob[]> {
    const now = this.nowMs();
    const skip = request.skipLanes ?? [];
    const params: unknown[] = [request.owner, now + request.leaseMs, now, Math.max(1, Math.floor(request.limit))];
    const skipSql = skip.length ? ` AND o.lane NOT IN (${skip.map((lane) => { params.push(lane); return `$${params.length}`; }).join(', ')})` : '';
    // A worker takes only the kinds it can send (lanes never mix platforms, so a lane's head is
    // always of a kind its platform's worker knows).
    const kindSql = request.kinds?.length ? ` AND o.kind IN (${request.kinds.map((kind) => { params.push(kind); return `$${params.length}`; }).join(', ')})` : '';
    // The head (oldest pending job) of each lane, if it is due, unleased and its lane is not
    // pacing. A leased head blocks its lane: one send in flight per lane, in order. Pending jobs
    // are walked oldest first (outbox_jobs_pending_id) until `limit` heads are found; "no older
    // pending job in its lane" is one probe of outbox_jobs_pending (lane, id).
    const heads = `SELECT o.id FROM outbox_jobs o
       LEFT JOIN outbox_lanes l ON l.lane = o.lane
       WHERE o.status = 'pending' AND o.available_at <= $3 AND o.lease_until <= $3 AND (l.next_at IS NULL OR l.next_at <= $3)${skipSql}${kindSql}
         AND NOT EXISTS (SELECT 1 FROM outbox_jobs p WHERE p.lane = o.lane AND p.status = 'pending' AND p.id < o.id)
       ORDER BY o.id LIMIT $4`;
    // PostgreSQL: lock the chosen rows and skip any another replica is leasing right now; the
    // outer conditions are re-checked on the locked row, so two replicas never lease one job.
    // The pick is a materialised CTE, run once: as `id IN (subquery)` PostgreSQL may run the
    // subquery again for the join, and SKIP LOCKED then picks further rows past `limit`.
    const sql =
      this.kind === 'postgres'
        ? `WITH picked AS MATERIALIZED (${heads} FOR UPDATE OF o SKIP LOCKED)
           UPDATE outbox_jobs SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
           FROM picked WHERE outbox_jobs.id = picked.id AND outbox_jobs.status = 'pending' AND outbox_jobs.lease_until <= $3
           RETURNING outbox_jobs.*`
        : `UPDATE outbox_jobs SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
           WHERE id IN (${heads}) AND status = 'pending' AND lease_until <= $3
           RETURNING *`;
    const rows = await this.db.all<Record<string, unknown>>(sql, params);
    return rows.map(jobFromRow).sort((a, b) => a.id - b.id);
  }

  async finishJob(done: JobDone): Promise<boolean> {
    const now = this.nowMs();
    return this.db.transaction(async (tx) => {
      const changed = await tx.run(
        `UPDATE outbox_jobs SET status = $3, done_at = $4, lease_owner = NULL, lease_until = 0, last_error = $5
         WHERE id = $1 AND lease_owner = $2 AND status = 'pending'`,
        [done.id, done.owner, done.status, now, done.error?.slice(0, 500) ?? null],
      );
      if (changed !== 1) return false;
      await tx.run(
        `INSERT INTO outbox_lanes (lane, next_at) VALUES ($1, $2) ON CONFLICT (lane) DO UPDATE SET next_at = excluded.next_at`,
        [done.lane, done.laneNextAt.getTime()],
      );
      return true;
    });
  }

  async retryJob(retry: JobRetry): Promise<boolean> {
    const at = retry.at.getTime();
    return this.db.transaction(async (tx) => {
      const changed = await tx.run(
        `UPDATE outbox_jobs SET available_at = $3, lease_owner = NULL, lease_until = 0, last_error = $4
         WHERE id = $1 AND lease_owner = $2 AND status = 'pending'`,
        [retry.id, retry.owner, at, retry.error.slice(0, 500)],
      );
      if (changed === 1 && retry.holdLane) {
        await tx.run(`INSERT INTO outbox_lanes (lane, next_at) VALUES ($1, $2) ON CONFLICT (lane) DO UPDATE SET next_at = excluded.next_at`, [retry.lane, at]);
      }
      return changed === 1;
    });
  }

  async releaseLeases(owner: string, ids: number[]): Promise<number> {
    if (!ids.length) return 0;
    const list = ids.map((_, i) => `$${i + 2}`).join(', ');
    return this.db.run(
      `UPDATE outbox_jobs SET lease_owner = NULL, lease_until = 0, attempts = attempts - 1
       WHERE lease_owner = $1 AND status = 'pending' AND id IN (${list})`,
      [owner, ...ids],
    );
  }

  async outboxStats(kinds?: string[]): Promise<OutboxStats> {
    const kindSql = kinds?.length ? ` AND kind IN (${kinds.map((_, i) => `$${i + 1}`).join(', ')})` : '';
    const rows = await this.db.all<{ n: unknown; oldest: unknown }>(`SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox_jobs WHERE status = 'pending'${kindSql}`, kinds?.length ? kinds : []);
    const stats: OutboxStats = { pending: toNumber(rows[0]?.n ?? 0) };
    const oldest = toOptionalDate(rows[0]?.oldest);
    if (oldest) stats.oldestPendingAt = oldest;
    return stats;
  }

  async getJob(id: number): Promise<OutboxJob | undefined> {
    const rows = await this.db.all<Record<string, unknown>>('SELECT * FROM outbox_jobs WHERE id = $1', [id]);
    return rows[0] ? jobFromRow(rows[0]) : undefined;
  }

  async parkJob(input: ParkJobInput): Promise<boolean> {
    const changed = await this.db.run(
      `INSERT INTO parked_jobs (key, trigger, kind, lane, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING`,
      [input.key, input.trigger, input.job.kind, input.job.lane, JSON.stringify(input.job.payload), this.nowMs()],
    );
    return changed === 1;
  }

  async parkedTriggers(): Promise<string[]> {
    const rows = await this.db.all<{ trigger: string }>('SELECT DISTINCT trigger FROM parked_jobs');
    return rows.map((r) => String(r.trigger));
  }

  async unparkJobs(trigger: string, merge: (parked: ParkedJob[]) => OutboxJobInput[] = (parked) => parked.map((p) => p.job)): Promise<number[]> {
    const now = this.nowMs();
    return this.db.transaction(async (tx) => {
      // The delete decides who takes them: a second caller (another replica) deletes nothing.
      const rows = await tx.all<Record<string, unknown>>('DELETE FROM parked_jobs WHERE trigger = $1 RETURNING *', [trigger]);
      if (!rows.length) return [];
      const parked: ParkedJob[] = rows
        .map((r) => ({
          key: String(r.key),
          trigger: String(r.trigger),
          job: { kind: String(r.kind), lane: String(r.lane), payload: fromJson<Record<string, unknown>>(r.payload) },
          parkedAt: toDate(r.created_at),
        }))
        .sort((a, b) => a.parkedAt.getTime() - b.parkedAt.getTime() || a.key.localeCompare(b.key));
      const ids: number[] = [];
      for (const job of merge(parked)) ids.push(await this.insertJob(tx, job, null, now));
      return ids;
    });
  }

  async takeBudget(takes: BudgetTake[]): Promise<BudgetOutcome> {
    const full = takes.find((t) => t.amount > t.limit);
    if (full) return { ok: false, refused: full.key };
    const refused = Symbol('refused');
    try {
      return await this.db.transaction(async (tx) => {
        for (const take of takes) {
          // One statement per counter: a new window starts at `amount`, an existing one grows
          // only while it stays within the limit. PostgreSQL re-checks the condition on the
          // locked row and SQLite holds the write lock, so concurrent takes never overshoot.
          const rows = await tx.all(
            `INSERT INTO budget_counters (key, used, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET used = budget_counters.used + excluded.used
             WHERE budget_counters.used + excluded.used <= $4
             RETURNING used`,
            [take.key, Math.max(0, Math.ceil(take.amount)), take.expiresAt.getTime(), take.limit],
          );
          if (rows.length !== 1) throw Object.assign(new Error('budget full'), { [refused]: take.key });
        }
        return { ok: true } as const;
      });
    } catch (err) {
      const key = (err as Record<symbol, unknown>)[refused];
      if (typeof key === 'string') return { ok: false, refused: key };
      throw err;
    }
  }

  async adjustBudget(adjustments: Array<{ key: string; delta: number; expiresAt: Date }>): Promise<void> {
    for (const a of adjustments) {
      const delta = Math.round(a.delta);
      if (!delta) continue;
      await this.db.run(
        `INSERT INTO budget_counters (key, used, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET used = CASE WHEN budget_counters.used + $4 < 0 THEN 0 ELSE budget_counters.used + $4 END`,
        [a.key, Math.max(0, delta), a.expiresAt.getTime(), delta],
      );
    }
  }

  async saveConversationReference(key: string, ref: object): Promise<void> {
    await this.db.run(
      `INSERT INTO conversation_refs (key, ref, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET ref = excluded.ref, updated_at = excluded.updated_at`,
      [key, JSON.stringify(ref), this.nowMs()],
    );
  }

  async getConversationReference(key: string): Promise<object | undefined> {
    const rows = await this.db.all<{ ref: unknown }>('SELECT ref FROM conversation_refs WHERE key = $1', [key]);
    return rows[0] ? fromJson<object>(rows[0].ref) : undefined;
  }

  async getProgress(platform: string, userId: string): Promise<OnboardingProgress | undefined> {
    const rows = await this.db.all<ProgressRow>('SELECT * FROM onboarding_progress WHERE platform = $1 AND user_id = $2', [platform, userId]);
    return rows[0] ? progressFromRow(rows[0]) : undefined;
  }

  async saveProgress(p: OnboardingProgress): Promise<void> {
    await this.db.run(
      `INSERT INTO onboarding_progress (${PROGRESS_COLUMNS}, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)
       ON CONFLICT (platform, user_id) DO UPDATE SET started_at = excluded.started_at,
         current_lesson = excluded.current_lesson, completed_at = excluded.completed_at,
         opted_out = excluded.opted_out, score = excluded.score, answered = excluded.answered,
         scheduled_message_ids = excluded.scheduled_message_ids, channel_id = excluded.channel_id,
         updated_at = excluded.updated_at, version = onboarding_progress.version + 1`,
      this.progressParams(p),
    );
  }

  async commitProgress(commit: ProgressCommit): Promise<ProgressCommitResult> {
    const now = this.nowMs();
    try {
      return await this.db.transaction(async (tx) => {
        for (const claim of commit.claims ?? []) {
          // Thrown, not returned: a claim won earlier in this commit must be rolled back too.
          if (!(await this.claim(tx, claim, now, 'commitProgress'))) throw new CommitRefused('claimed');
        }
        if (commit.answer && !(await this.insertQuizAnswer(tx, commit.answer))) throw new CommitRefused('claimed');
        const version = await this.writeProgressOver(tx, commit.progress);
        if (version === undefined) throw new CommitRefused('stale');
        for (const job of commit.jobs) await this.insertJob(tx, job, null, now);
        return { ok: true, version } as const;
      });
    } catch (err) {
      if (err instanceof CommitRefused) return { ok: false, reason: err.reason };
      throw err;
    }
  }

  /**
   * Writes progress only over the version it was read at (or only where there is none, for
   * progress not read from the store); the new version, or undefined when the row moved on.
   * One conditional statement: PostgreSQL makes a second writer of the row wait for the first
   * and re-checks the version on the row it then sees; SQLite holds the write lock.
   */
  private async writeProgressOver(q: SqlQueries, p: OnboardingProgress): Promise<number | undefined> {
    const params = this.progressParams(p);
    const rows =
      p.version === undefined
        ? await q.all<{ version: unknown }>(
            `INSERT INTO onboarding_progress (${PROGRESS_COLUMNS}, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)
             ON CONFLICT (platform, user_id) DO NOTHING RETURNING version`,
            params,
          )
        : await q.all<{ version: unknown }>(
            `UPDATE onboarding_progress SET started_at = $3, current_lesson = $4, completed_at = $5, opted_out = $6,
               score = $7, answered = $8, scheduled_message_ids = $9, channel_id = $10, updated_at = $11, version = version + 1
             WHERE platform = $1 AND user_id = $2 AND version = $12 RETURNING version`,
            [...params, p.version],
          );
    return rows[0] ? toNumber(rows[0].version) : undefined;
  }

  private progressParams(p: OnboardingProgress): unknown[] {
    return [
      p.platform,
      p.userId,
      p.startedAt.getTime(),
      p.currentLesson,
      p.completedAt?.getTime() ?? null,
      p.optedOut,
      p.score,
      p.answered,
      JSON.stringify(p.scheduledMessageIds),
      p.channelId ?? null,
      this.nowMs(),
    ];
  }

  async listProgress(): Promise<OnboardingProgress[]> {
    const rows = await this.db.all<ProgressRow>('SELECT * FROM onboarding_progress ORDER BY started_at, platform, user_id');
    return rows.map(progressFromRow);
  }

  private async insertQuizAnswer(q: SqlQueries, a: QuizAnswer): Promise<boolean> {
    // The primary key makes a double click (or a replayed interaction) count once.
    const changed = await q.run(
      `INSERT INTO quiz_answers (platform, user_id, question_id, answer, correct, answered_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform, user_id, question_id) DO NOTHING`,
      [a.platform, a.userId, a.questionId, a.answer, a.correct, a.answeredAt.getTime()],
    );
    return changed === 1;
  }

  async openEscalation(input: EscalationInput, job?: (id: number) => OutboxJobInput): Promise<EscalationOpened> {
    const now = this.nowMs();
    return this.db.transaction(async (tx) => {
      // The unique (platform, workspace, answer, asker) index makes a double click, or two
      // replicas taking the same click, open one escalation.
      const inserted = await tx.all<Record<string, unknown>>(
        `INSERT INTO escalations (platform, workspace, asker, channel, thread_ts, question, answer_id, verdict, summary, cell, state, created_at, updated_at, asker_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)
         ON CONFLICT (platform, workspace, answer_id, asker) DO NOTHING
         RETURNING ${ESCALATION_COLUMNS}`,
        escalationInsertParams(input, now),
      );
      if (inserted[0]) {
        const escalation = escalationFromRow(inserted[0]);
        if (!job) return { created: true, escalation };
        return { created: true, escalation, jobId: await this.insertJob(tx, job(escalation.id), null, now) };
      }
      const [existing] = await tx.all<Record<string, unknown>>(
        `SELECT ${ESCALATION_COLUMNS} FROM escalations WHERE platform = $1 AND workspace = $2 AND answer_id = $3 AND asker = $4`,
        [input.platform, input.workspace, input.answerId, input.asker],
      );
      return { created: false, escalation: escalationFromRow(existing!) };
    });
  }

  async getEscalation(id: number): Promise<Escalation | undefined> {
    const [row] = await this.db.all<Record<string, unknown>>(`SELECT ${ESCALATION_COLUMNS} FROM escalations WHERE id = $1`, [id]);
    return row ? escalationFromRow(row) : undefined;
  }

  async markEscalationPosted(id: number, channel: string, ts: string): Promise<void> {
    await this.db.run(`UPDATE escalations SET curator_channel = $2, curator_ts = $3 WHERE id = $1`, [id, channel, ts]);
  }

  async answerEscalation(input: EscalationAnswerInput, job?: (e: Escalation) => OutboxJobInput): Promise<Escalation | undefined> {
    const now = this.nowMs();
    return this.db.transaction(async (tx) => {
      // Conditional on the state: two curators submitting at once, one answer is kept.
      const [row] = await tx.all<Record<string, unknown>>(
        `UPDATE escalations SET state = 'answered', curator = $2, curator_answer = $3, proposal = $4, answered_at = $5, updated_at = $5
         WHERE id = $1 AND state = 'open' RETURNING ${ESCALATION_COLUMNS}`,
        [input.id, input.curator, input.answer, input.proposal, now],
      );
      if (!row) return undefined;
      const escalation = escalationFromRow(row);
      if (job) await this.insertJob(tx, job(escalation), null, now);
      return escalation;
    });
  }

  async closeEscalation(id: number): Promise<Escalation | undefined> {
    const [row] = await this.db.all<Record<string, unknown>>(
      `UPDATE escalations SET state = 'closed', updated_at = $2 WHERE id = $1 AND state <> 'closed' RETURNING ${ESCALATION_COLUMNS}`,
      [id, this.nowMs()],
    );
    return row ? escalationFromRow(row) : undefined;
  }

  async listEscalations(since: Date, state?: EscalationState): Promise<Escalation[]> {
    const rows = state
      ? await this.db.all<Record<string, unknown>>(`SELECT ${ESCALATION_COLUMNS} FROM escalations WHERE updated_at >= $1 AND state = $2 ORDER BY updated_at DESC, id DESC`, [since.getTime(), state])
      : await this.db.all<Record<string, unknown>>(`SELECT ${ESCALATION_COLUMNS} FROM escalations WHERE updated_at >= $1 ORDER BY updated_at DESC, id DESC`, [since.getTime()]);
    return rows.map(escalationFromRow);
  }

  async getWorkspaceSettings(platform: string, workspace: string): Promise<WorkspaceSetting[]> {
    const rows = await this.db.all<Record<string, unknown>>('SELECT * FROM workspace_settings WHERE platform = $1 AND workspace = $2 ORDER BY name', [platform, workspace]);
    return rows.map(settingFromRow);
  }

  async listWorkspaceSettings(platform: string, name: string): Promise<WorkspaceSetting[]> {
    const rows = await this.db.all<Record<string, unknown>>('SELECT * FROM workspace_settings WHERE platform = $1 AND name = $2 ORDER BY workspace', [platform, name]);
    return rows.map(settingFromRow);
  }

  async putWorkspaceSetting(input: WorkspaceSettingInput): Promise<WorkspaceSetting> {
    const [row] = await this.db.all<Record<string, unknown>>(
      `INSERT INTO workspace_settings (platform, workspace, name, value, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (platform, workspace, name) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at
       RETURNING *`,
      [input.platform, input.workspace, input.name, input.value, input.updatedBy ?? null, this.nowMs()],
    );
    return settingFromRow(row!);
  }

  async deleteWorkspaceSetting(platform: string, workspace: string, name: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM workspace_settings WHERE platform = $1 AND workspace = $2 AND name = $3', [platform, workspace, name])) === 1;
  }

  async recordFeedback(f: FeedbackInput): Promise<void> {
    await this.db.run(
      `INSERT INTO feedback (answer_id, platform, user_hash, helpful, cells, question, at, workspace) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (answer_id, platform, user_hash) DO UPDATE SET helpful = excluded.helpful, cells = excluded.cells,
         question = excluded.question, at = excluded.at, workspace = excluded.workspace`,
      [f.answerId, f.platform, f.userHash, f.helpful, JSON.stringify(f.cells), f.question ?? null, f.at.getTime(), f.workspace ?? null],
    );
  }

  async listFeedback(since: Date): Promise<FeedbackRow[]> {
    const rows = await this.db.all<Record<string, unknown>>('SELECT * FROM feedback WHERE at >= $1 ORDER BY at, answer_id', [since.getTime()]);
    return rows.map((r) => {
      const row: FeedbackRow = {
        answerId: String(r.answer_id),
        platform: String(r.platform),
        userHash: String(r.user_hash),
        helpful: toBool(r.helpful),
        cells: fromJson<string[]>(r.cells),
        at: toDate(r.at),
      };
      if (r.question !== null && r.question !== undefined) row.question = String(r.question);
      if (r.workspace !== null && r.workspace !== undefined) row.workspace = String(r.workspace);
      return row;
    });
  }

  hashUserId(platform: string, userId: string): string {
    return hashUserId(this.cfg.hashKey, platform, userId);
  }

  async logQuestion(q: QuestionLogInput): Promise<void> {
    if (!this.cfg.questionLogEnabled) return;
    await this.insertQuestion(this.db, q);
  }

  private async insertQuestion(db: SqlQueries, q: QuestionLogInput): Promise<void> {
    await db.run(
      `INSERT INTO question_log (question, intent, verdict, cells, confidence, platform, user_hash, at, workspace)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [q.question, q.intent, q.verdict, JSON.stringify(q.cells), q.confidence, q.platform, this.hashUserId(q.platform, q.userId), q.at.getTime(), q.workspace ?? null],
    );
  }

  async writeBatch(batch: WriteBatch): Promise<void> {
    const questions = this.cfg.questionLogEnabled ? batch.questions : [];
    if (!questions.length && !batch.cache.length) return;
    await this.db.transaction(async (tx) => {
      for (const q of questions) await this.insertQuestion(tx, q);
      for (const c of batch.cache) await this.upsertCached(tx, c.key, c.value, c.expiresAt.getTime());
    });
  }

  async listQuestions(since: Date): Promise<QuestionLogRow[]> {
    const rows = await this.db.all<Record<string, unknown>>('SELECT * FROM question_log WHERE at >= $1 ORDER BY at, id', [since.getTime()]);
    return rows.map((r) => ({
      id: toNumber(r.id),
      question: String(r.question),
      intent: String(r.intent),
      verdict: String(r.verdict),
      cells: fromJson<string[]>(r.cells),
      confidence: toNumber(r.confidence),
      platform: String(r.platform),
      userHash: String(r.user_hash),
      at: toDate(r.at),
      ...(r.workspace !== null && r.workspace !== undefined ? { workspace: String(r.workspace) } : {}),
    }));
  }

  async purgeExpired(now: Date = this.cfg.now()): Promise<PurgeResult> {
    const t = now.getTime();
    const cutoff = t - this.cfg.questionLogDays * DAY_MS;
    const questions = await this.db.run('DELETE FROM question_log WHERE at < $1', [cutoff]);
    // Votes stay useful to curators for longer; the user's own words follow the log's retention.
    await this.db.run('UPDATE feedback SET question = NULL WHERE at < $1 AND question IS NOT NULL', [cutoff]);
    const claims = await this.db.run('DELETE FROM event_claims WHERE expires_at <= $1', [t]);
    const cache = await this.db.run('DELETE FROM phrasing_cache WHERE expires_at <= $1', [t]);
    const jobs = await this.db.run(`DELETE FROM outbox_jobs WHERE status <> 'pending' AND done_at <= $1`, [t - JOB_RETENTION_MS]);
    await this.db.run('DELETE FROM outbox_lanes WHERE next_at <= $1', [t - 3_600_000]);
    const budgets = await this.db.run('DELETE FROM budget_counters WHERE expires_at <= $1', [t]);
    return { questions, claims, cache, jobs, budgets };
  }

  async getCached(key: string): Promise<string | undefined> {
    const rows = await this.db.all<{ value: string }>('SELECT value FROM phrasing_cache WHERE key = $1 AND expires_at > $2', [key, this.nowMs()]);
    return rows[0]?.value;
  }

  async putCached(key: string, value: string, ttlSeconds: number): Promise<void> {
    const expires = this.nowMs() + positiveSeconds(ttlSeconds, 'putCached');
    await this.upsertCached(this.db, key, value, expires);
  }

  private async upsertCached(db: SqlQueries, key: string, value: string, expiresAt: number): Promise<void> {
    await db.run(
      `INSERT INTO phrasing_cache (key, value, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
      [key, value, expiresAt],
    );
  }

  private requireKey(action: string): Buffer {
    if (!this.cfg.encryptionKey) {
      throw new StoreError('STORE_ENCRYPTION_KEY_MISSING', `cannot ${action} a Slack installation: set STORE_ENCRYPTION_KEY so its tokens are encrypted at rest`);
    }
    return this.cfg.encryptionKey;
  }

  async saveInstallation<T extends SlackInstallationLike>(installation: T): Promise<void> {
    const query: InstallationQuery = {
      isEnterpriseInstall: installation.isEnterpriseInstall === true,
      ...(installation.team ? { teamId: installation.team.id } : {}),
      ...(installation.enterprise ? { enterpriseId: installation.enterprise.id } : {}),
    };
    const id = installationId(query);
    if (!id) throw new StoreError('STORE_INVALID_INPUT', 'a Slack installation needs a team id or an enterprise id');
    const sealed = encrypt(this.requireKey('store'), JSON.stringify(installation), id);
    await this.db.run(
      `INSERT INTO slack_installations (id, team_id, enterprise_id, is_enterprise_install, data, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET team_id = excluded.team_id, enterprise_id = excluded.enterprise_id,
         is_enterprise_install = excluded.is_enterprise_install, data = excluded.data, updated_at = excluded.updated_at`,
      [id, query.teamId ?? null, query.enterpriseId ?? null, query.isEnterpriseInstall, sealed, this.nowMs()],
    );
  }

  async getInstallation<T extends SlackInstallationLike>(query: InstallationQuery): Promise<T | undefined> {
    const id = installationId(query);
    if (!id) return undefined;
    const rows = await this.db.all<{ data: string }>('SELECT data FROM slack_installations WHERE id = $1', [id]);
    if (!rows[0]) return undefined;
    return JSON.parse(decrypt(this.requireKey('read'), rows[0].data, id)) as T;
  }

  async deleteInstallation(query: InstallationQuery): Promise<void> {
    const id = installationId(query);
    if (id) await this.db.run('DELETE FROM slack_installations WHERE id = $1', [id]);
  }

  async bfRead(keys: string[]): Promise<Record<string, BotStateItem>> {
    const items: Record<string, BotStateItem> = {};
    if (keys.length === 0) return items;
    const list = keys.map((_, i) => `$${i + 1}`).join(', ');
    const rows = await this.db.all<{ key: string; value: unknown; etag: string }>(`SELECT key, value, etag FROM bot_state WHERE key IN (${list})`, keys);
    for (const r of rows) items[r.key] = { value: fromJson<Record<string, unknown>>(r.value), eTag: r.etag };
    return items;
  }

  async bfWrite(key: string, value: Record<string, unknown>, expectedETag?: string): Promise<string> {
    const eTag = randomUUID();
    const json = JSON.stringify(value);
    const now = this.nowMs();
    if (expectedETag === undefined || expectedETag === '' || expectedETag === '*') {
      await this.db.run(
        `INSERT INTO bot_state (key, value, etag, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at`,
        [key, json, eTag, now],
      );
      return eTag;
    }
    // Optimistic concurrency: replace only the version the caller read...
    const updated = await this.db.run('UPDATE bot_state SET value = $2, etag = $3, updated_at = $4 WHERE key = $1 AND etag = $5', [key, json, eTag, now, expectedETag]);
    if (updated === 1) return eTag;
    // ...or create it if it is gone (botbuilder's MemoryStorage does the same), unless another
    // writer got there first.
    const inserted = await this.db.run('INSERT INTO bot_state (key, value, etag, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING', [key, json, eTag, now]);
    if (inserted === 1) return eTag;
    throw new StoreError('STORE_ETAG_CONFLICT', `Storage: error writing "${key}" due to eTag conflict.`);
  }

  async bfDelete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const list = keys.map((_, i) => `$${i + 1}`).join(', ');
    await this.db.run(`DELETE FROM bot_state WHERE key IN (${list})`, keys);
  }

  async ping(): Promise<void> {
    await this.db.all('SELECT 1 AS ok');
  }

  async pingWrite(): Promise<void> {
    // A real write (a full disk or a read-only file fails here, where a SELECT still works).
    await this.db.run(
      `INSERT INTO store_meta (key, value) VALUES ('ready_probe', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [String(this.nowMs())],
    );
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
