import { randomUUID } from 'node:crypto';
import { decrypt, encrypt, hashUserId } from './crypto';
import { type SqlDriver, fromJson, toBool, toDate, toNumber, toOptionalDate } from './driver';
import { StoreError } from './errors';
import type {
  BotStateItem,
  FeedbackInput,
  FeedbackRow,
  InstallationQuery,
  OnboardingProgress,
  PurgeResult,
  QuestionLogInput,
  QuestionLogRow,
  QuizAnswer,
  SlackInstallationLike,
  Store,
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
  };
  const completedAt = toOptionalDate(r.completed_at);
  if (completedAt) p.completedAt = completedAt;
  if (r.channel_id !== null) p.channelId = r.channel_id;
  return p;
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

/** The Store over either database: every query here is valid SQLite and PostgreSQL. */
export class SqlStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  private readonly db: SqlDriver;

  constructor(private readonly cfg: SqlStoreConfig) {
    this.db = cfg.driver;
    this.kind = cfg.driver.kind;
  }

  private nowMs(): number {
    return this.cfg.now().getTime();
  }

  async claimEvent(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.nowMs();
    const expires = now + positiveSeconds(ttlSeconds, 'claimEvent');
    // Insert wins a new key; the conditional DO UPDATE takes over only an expired claim. Both
    // databases run this as one atomic statement, so concurrent claimers get one winner.
    const rows = await this.db.all(
      `INSERT INTO event_claims (key, claimed_at, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET claimed_at = excluded.claimed_at, expires_at = excluded.expires_at
       WHERE event_claims.expires_at <= $2
       RETURNING key`,
      [key, now, expires],
    );
    return rows.length === 1;
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
      `INSERT INTO onboarding_progress (platform, user_id, started_at, current_lesson, completed_at, opted_out,
         score, answered, scheduled_message_ids, channel_id, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (platform, user_id) DO UPDATE SET started_at = excluded.started_at,
         current_lesson = excluded.current_lesson, completed_at = excluded.completed_at,
         opted_out = excluded.opted_out, score = excluded.score, answered = excluded.answered,
         scheduled_message_ids = excluded.scheduled_message_ids, channel_id = excluded.channel_id,
         updated_at = excluded.updated_at`,
      [
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
      ],
    );
  }

  async listProgress(): Promise<OnboardingProgress[]> {
    const rows = await this.db.all<ProgressRow>('SELECT * FROM onboarding_progress ORDER BY started_at, platform, user_id');
    return rows.map(progressFromRow);
  }

  async recordQuizAnswer(a: QuizAnswer): Promise<boolean> {
    // The primary key makes a double click (or a replayed interaction) count once.
    const changed = await this.db.run(
      `INSERT INTO quiz_answers (platform, user_id, question_id, answer, correct, answered_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform, user_id, question_id) DO NOTHING`,
      [a.platform, a.userId, a.questionId, a.answer, a.correct, a.answeredAt.getTime()],
    );
    return changed === 1;
  }

  async recordFeedback(f: FeedbackInput): Promise<void> {
    await this.db.run(
      `INSERT INTO feedback (answer_id, platform, user_hash, helpful, cells, question, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (answer_id, platform, user_hash) DO UPDATE SET helpful = excluded.helpful, cells = excluded.cells,
         question = excluded.question, at = excluded.at`,
      [f.answerId, f.platform, f.userHash, f.helpful, JSON.stringify(f.cells), f.question ?? null, f.at.getTime()],
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
      return row;
    });
  }

  hashUserId(platform: string, userId: string): string {
    return hashUserId(this.cfg.hashKey, platform, userId);
  }

  async logQuestion(q: QuestionLogInput): Promise<void> {
    if (!this.cfg.questionLogEnabled) return;
    await this.db.run(
      `INSERT INTO question_log (question, intent, verdict, cells, confidence, platform, user_hash, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [q.question, q.intent, q.verdict, JSON.stringify(q.cells), q.confidence, q.platform, this.hashUserId(q.platform, q.userId), q.at.getTime()],
    );
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
    return { questions, claims, cache };
  }

  async getCached(key: string): Promise<string | undefined> {
    const rows = await this.db.all<{ value: string }>('SELECT value FROM phrasing_cache WHERE key = $1 AND expires_at > $2', [key, this.nowMs()]);
    return rows[0]?.value;
  }

  async putCached(key: string, value: string, ttlSeconds: number): Promise<void> {
    const expires = this.nowMs() + positiveSeconds(ttlSeconds, 'putCached');
    await this.db.run(
      `INSERT INTO phrasing_cache (key, value, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
      [key, value, expires],
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

  async close(): Promise<void> {
    await this.db.close();
  }
}
