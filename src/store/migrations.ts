import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Pool } from 'pg';
import { StoreError, messageOf } from './errors';

type Dialect = 'sqlite' | 'postgres';

/** Column types that differ between the dialects; everything else is shared SQL. */
const TYPES = {
  sqlite: { bigint: 'INTEGER', bool: 'INTEGER', json: 'TEXT', real: 'REAL', serial: 'INTEGER PRIMARY KEY' },
  postgres: { bigint: 'BIGINT', bool: 'BOOLEAN', json: 'JSONB', real: 'DOUBLE PRECISION', serial: 'BIGSERIAL PRIMARY KEY' },
} as const;

export interface Migration {
  version: number;
  name: string;
  statements: (d: Dialect) => string[];
}

/**
 * Append only: a released migration never changes, a new version is added instead.
 * Times are epoch milliseconds, so comparisons are the same in both dialects.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    statements: (d) => {
      const t = TYPES[d];
      return [
        `CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
        `CREATE TABLE event_claims (key TEXT PRIMARY KEY, claimed_at ${t.bigint} NOT NULL, expires_at ${t.bigint} NOT NULL)`,
        `CREATE INDEX event_claims_expires_at ON event_claims (expires_at)`,
        `CREATE TABLE conversation_refs (key TEXT PRIMARY KEY, ref ${t.json} NOT NULL, updated_at ${t.bigint} NOT NULL)`,
        `CREATE TABLE onboarding_progress (
           platform TEXT NOT NULL, user_id TEXT NOT NULL, started_at ${t.bigint} NOT NULL,
           current_lesson INTEGER NOT NULL, completed_at ${t.bigint}, opted_out ${t.bool} NOT NULL,
           score INTEGER NOT NULL, answered INTEGER NOT NULL, scheduled_message_ids ${t.json} NOT NULL,
           channel_id TEXT, updated_at ${t.bigint} NOT NULL, PRIMARY KEY (platform, user_id))`,
        `CREATE TABLE quiz_answers (
           platform TEXT NOT NULL, user_id TEXT NOT NULL, question_id TEXT NOT NULL, answer TEXT NOT NULL,
           correct ${t.bool} NOT NULL, answered_at ${t.bigint} NOT NULL, PRIMARY KEY (platform, user_id, question_id))`,
        `CREATE TABLE feedback (
           answer_id TEXT NOT NULL, platform TEXT NOT NULL, user_hash TEXT NOT NULL, helpful ${t.bool} NOT NULL,
           cells ${t.json} NOT NULL, question TEXT, at ${t.bigint} NOT NULL, PRIMARY KEY (answer_id, platform, user_hash))`,
        `CREATE INDEX feedback_at ON feedback (at)`,
        `CREATE TABLE question_log (
           id ${t.serial}, question TEXT NOT NULL, intent TEXT NOT NULL, verdict TEXT NOT NULL, cells ${t.json} NOT NULL,
           confidence ${t.real} NOT NULL, platform TEXT NOT NULL, user_hash TEXT NOT NULL, at ${t.bigint} NOT NULL)`,
        `CREATE INDEX question_log_at ON question_log (at)`,
        `CREATE TABLE phrasing_cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at ${t.bigint} NOT NULL)`,
        `CREATE INDEX phrasing_cache_expires_at ON phrasing_cache (expires_at)`,
        // data holds the whole installation, encrypted: every token in it is protected at rest.
        `CREATE TABLE slack_installations (
           id TEXT PRIMARY KEY, team_id TEXT, enterprise_id TEXT, is_enterprise_install ${t.bool} NOT NULL,
           data TEXT NOT NULL, updated_at ${t.bigint} NOT NULL)`,
        `CREATE TABLE bot_state (key TEXT PRIMARY KEY, value ${t.json} NOT NULL, etag TEXT NOT NULL, updated_at ${t.bigint} NOT NULL)`,
      ];
    },
  },
  {
    version: 2,
    name: 'reply outbox',
    statements: (d) => {
      const t = TYPES[d];
      return [
        // One row per reply to send. `lane` is what sends are paced and ordered by (a Slack
        // channel, a Teams conversation): only the oldest pending job of a lane is ever leased,
        // so one lane has one send in flight across all replicas.
        `CREATE TABLE outbox_jobs (
           id ${t.serial}, event_key TEXT, kind TEXT NOT NULL, lane TEXT NOT NULL, user_key TEXT,
           payload ${t.json} NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
           created_at ${t.bigint} NOT NULL, event_at ${t.bigint} NOT NULL, available_at ${t.bigint} NOT NULL,
           lease_owner TEXT, lease_until ${t.bigint} NOT NULL, done_at ${t.bigint}, last_error TEXT)`,
        `CREATE INDEX outbox_jobs_pending ON outbox_jobs (lane, id) WHERE status = 'pending'`,
        `CREATE INDEX outbox_jobs_user ON outbox_jobs (user_key, created_at)`,
        `CREATE INDEX outbox_jobs_done ON outbox_jobs (done_at)`,
        // When a lane may send next: the pacing (and any Retry-After) shared by every replica.
        `CREATE TABLE outbox_lanes (lane TEXT PRIMARY KEY, next_at ${t.bigint} NOT NULL)`,
      ];
    },
  },
  {
    version: 3,
    name: 'shared budgets',
    statements: (d) => {
      const t = TYPES[d];
      return [
        // One row per counter and window (the window is part of the key): LLM calls this
        // minute, tokens today, per workspace and for all. Changed only by conditional upserts.
        `CREATE TABLE budget_counters (key TEXT PRIMARY KEY, used ${t.bigint} NOT NULL, expires_at ${t.bigint} NOT NULL)`,
        `CREATE INDEX budget_counters_expires_at ON budget_counters (expires_at)`,
      ];
    },
  },
  {
    version: 4,
    name: 'escalations',
    statements: (d) => {
      const t = TYPES[d];
      return [
        // "Ask the security team": one row per answer and asker (a double click opens one).
        `CREATE TABLE escalations (
           id ${t.serial}, platform TEXT NOT NULL, workspace TEXT NOT NULL, asker TEXT NOT NULL,
           channel TEXT NOT NULL, thread_ts TEXT, question TEXT NOT NULL, answer_id TEXT NOT NULL,
           verdict TEXT, summary TEXT, cell TEXT, state TEXT NOT NULL,
           created_at ${t.bigint} NOT NULL, updated_at ${t.bigint} NOT NULL,
           curator_channel TEXT, curator_ts TEXT, curator TEXT, curator_answer TEXT, answered_at ${t.bigint}, proposal TEXT)`,
        `CREATE UNIQUE INDEX escalations_answer_asker ON escalations (platform, workspace, answer_id, asker)`,
        `CREATE INDEX escalations_updated_at ON escalations (updated_at)`,
      ];
    },
  },
  {
    version: 5,
    name: 'outbox pending order',
    // The lease query walks pending jobs oldest first and stops after the few it takes, instead
    // of grouping every pending job by lane: its cost no longer grows with the backlog.
    statements: () => [`CREATE INDEX outbox_jobs_pending_id ON outbox_jobs (id) WHERE status = 'pending'`],
  },
  {
    version: 6,
    name: 'escalation_asker_name',
    // The asker's display name: a Teams mention needs the name with the id (Slack's ids render as names).
    statements: () => [`ALTER TABLE escalations ADD COLUMN asker_name TEXT`],
  },
  {
    version: 7,
    name: 'parked jobs, workspace of questions and feedback',
    statements: (d) => {
      const t = TYPES[d];
      return [
        // Jobs that cannot be sent until something happens (a Teams digest waiting for the first
        // activity of its tenant): one row per key, taken back into the outbox by their trigger.
        `CREATE TABLE parked_jobs (
           key TEXT PRIMARY KEY, trigger TEXT NOT NULL, kind TEXT NOT NULL, lane TEXT NOT NULL,
           payload ${t.json} NOT NULL, created_at ${t.bigint} NOT NULL)`,
        `CREATE INDEX parked_jobs_trigger ON parked_jobs (trigger)`,
        // The workspace (`slack:T…`, `teams:<tenant>`) a question or vote came from: each
        // workspace of the distributed Slack app gets a digest of its own questions only.
        `ALTER TABLE question_log ADD COLUMN workspace TEXT`,
        `ALTER TABLE feedback ADD COLUMN workspace TEXT`,
      ];
    },
  },
  {
    version: 8,
    name: 'onboarding progress version',
    // Bumped by every write of a user's progress: an onboarding step saves only over the
    // version it read, so two replicas changing one user's progress at once cannot overwrite
    // each other (the later one reads again and decides again).
    statements: () => [`ALTER TABLE onboarding_progress ADD COLUMN version INTEGER NOT NULL DEFAULT 0`],
  },
  {
    version: 9,
    name: 'workspace settings',
    statements: (d) => {
      const t = TYPES[d];
      return [
        // What a workspace's curators chose from Slack itself (the digest's channel, the
        // escalations' channel), one row per setting; absent, the process's settings hold.
        `CREATE TABLE workspace_settings (
           platform TEXT NOT NULL, workspace TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
           updated_by TEXT, updated_at ${t.bigint} NOT NULL, PRIMARY KEY (platform, workspace, name))`,
        `CREATE INDEX workspace_settings_name ON workspace_settings (platform, name)`,
      ];
    },
  },
];

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`;

function pending(applied: Set<number>): Migration[] {
  return MIGRATIONS.filter((m) => !applied.has(m.version)).sort((a, b) => a.version - b.version);
}

function failed(m: Migration, err: unknown): StoreError {
  return new StoreError('STORE_MIGRATION_FAILED', `migration ${m.version} (${m.name}) failed: ${messageOf(err)}`, { cause: err });
}

/** Runs pending migrations in one IMMEDIATE transaction: a second process waits on the lock. */
export function migrateSqlite(db: Database.Database): number[] {
  const run = db.transaction(() => {
    db.exec(LEDGER);
    const rows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
    const todo = pending(new Set(rows.map((r) => r.version)));
    for (const m of todo) {
      try {
        for (const sql of m.statements('sqlite')) db.exec(sql);
      } catch (err) {
        throw failed(m, err);
      }
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    }
    return todo.map((m) => m.version);
  });
  return run.immediate();
}

/** Advisory lock key per schema: replicas sharing a schema serialize, test schemas do not. */
function lockKey(schema: string): string {
  return createHash('sha256').update(`whosecures:migrations:${schema}`).digest().readBigInt64BE(0).toString();
}

/**
 * Two replicas starting together both call this; pg_advisory_lock makes the second wait until
 * the first has committed, then it finds nothing left to do.
 */
export async function migratePostgres(pool: Pool, schema: string): Promise<number[]> {
  const client = await pool.connect();
  // As in postgres.ts: a checked-out client's 'error' must have a listener or it crashes the process;
  // the query in flight rejects with the same error and fails the migration.
  const ignoreClientError = () => undefined;
  client.on('error', ignoreClientError);
  const key = lockKey(schema);
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    try {
      await client.query(LEDGER);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const todo = pending(new Set(rows.map((r) => Number(r.version))));
      for (const m of todo) {
        await client.query('BEGIN');
        try {
          for (const sql of m.statements('postgres')) await client.query(sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw failed(m, err);
        }
      }
      return todo.map((m) => m.version);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
    }
  } finally {
    client.off('error', ignoreClientError);
    client.release();
  }
}
