import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { SqlDriver, SqlQueries } from './driver';
import { StoreError, messageOf } from './errors';

/** better-sqlite3 cannot bind booleans or undefined; both databases accept 1/0 and NULL. */
function bindable(params: readonly unknown[]): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  params.forEach((p, i) => {
    named[String(i + 1)] = p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p;
  });
  return named;
}

export class SqliteDriver implements SqlDriver {
  readonly kind = 'sqlite' as const;
  // Prepared statements are cached: the same few queries run on every event.
  private readonly statements = new Map<string, Database.Statement>();

  /**
   * The group commit's own statements, prepared once: `exec` would parse them again on every
   * commit, and every transaction in a shared commit runs in its own savepoint.
   */
  private readonly control: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo', Database.Statement>;

  constructor(readonly db: Database.Database) {
    this.control = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT work'),
      release: db.prepare('RELEASE work'),
      rollbackTo: db.prepare('ROLLBACK TO work'),
    };
  }

  private prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  /** Set while a transaction is open: other callers wait, so nothing joins it by accident. */
  private held: Promise<void> | undefined;

  private allNow<T>(sql: string, params: readonly unknown[]): T[] {
    return this.prepare(sql).all(bindable(params)) as T[];
  }

  private runNow(sql: string, params: readonly unknown[]): number {
    return this.prepare(sql).run(bindable(params)).changes;
  }

  async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    while (this.held) await this.held;
    return this.allNow<T>(sql, params);
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    while (this.held) await this.held;
    return this.runNow(sql, params);
  }

  /** Transactions waiting for the next group commit. */
  private queued: Array<{ work: (tx: SqlQueries) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void }> = [];
  private drainScheduled = false;

  /**
   * Group commit: the transactions asked for in one turn of the event loop (the admissions of
   * the events read together, the marks of the sends that finished together) run one after the
   * other in ONE database transaction, each inside its own savepoint, and every caller resolves
   * only once that transaction has committed. Each keeps its own all-or-nothing (a failing one
   * is rolled back to its savepoint alone), and a COMMIT that fails fails them all. A commit is
   * the expensive part of a small write in WAL mode, so this makes a busy bot's writes cheaper
   * without acking anything earlier than it was durable.
   */
  transaction<T>(work: (tx: SqlQueries) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (this.drainScheduled) return;
      this.drainScheduled = true;
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.held) await this.held;
    const batch = this.queued;
    this.queued = [];
    this.drainScheduled = false;
    if (!batch.length) return;
    let release!: () => void;
    this.held = new Promise<void>((resolve) => (release = resolve));
    const tx: SqlQueries = {
      all: async <R>(sql: string, params: readonly unknown[] = []) => this.allNow<R>(sql, params),
      run: async (sql: string, params: readonly unknown[] = []) => this.runNow(sql, params),
    };
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      // IMMEDIATE takes the write lock at once: another process waits (busy_timeout) instead of
      // failing at COMMIT.
      this.control.begin.run();
      try {
        for (const item of batch) {
          const single = batch.length === 1;
          if (!single) this.control.savepoint.run();
          try {
            outcomes.push({ ok: true, value: await item.work(tx) });
            if (!single) this.control.release.run();
          } catch (error) {
            if (!single && this.db.inTransaction) {
              this.control.rollbackTo.run();
              this.control.release.run();
            }
            if (single && this.db.inTransaction) this.control.rollback.run();
            outcomes.push({ ok: false, error });
          }
        }
        if (this.db.inTransaction) this.control.commit.run();
      } catch (err) {
        if (this.db.inTransaction) this.control.rollback.run();
        throw err;
      }
      batch.forEach((item, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) item.resolve(outcome.value);
        else item.reject(outcome.error);
      });
    } catch (err) {
      for (const item of batch) item.reject(err);
    } finally {
      this.held = undefined;
      release();
      if (this.queued.length && !this.drainScheduled) {
        this.drainScheduled = true;
        setImmediate(() => void this.drain());
      }
    }
  }

  private checkpointer: Worker | undefined;

  /**
   * Moves WAL checkpoints to a worker thread with its own connection (checkpointWorker.ts),
   * every `intervalMs`; this connection keeps a far larger automatic threshold only as a safety
   * net. False (nothing changed) where the compiled worker is not available, e.g. under ts-jest.
   */
  startCheckpointer(file: string, busyTimeoutMs: number, intervalMs = 250): boolean {
    const script = path.join(__dirname, 'checkpointWorker.js');
    if (this.checkpointer || !fs.existsSync(script)) return false;
    try {
      this.checkpointer = new Worker(script, { workerData: { file, intervalMs, busyTimeoutMs } });
    } catch {
      return false;
    }
    this.checkpointer.unref();
    this.checkpointer.on('error', () => {
      // The safety net below still checkpoints; go back to the default threshold.
      this.checkpointer = undefined;
      if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
    });
    this.db.pragma('wal_autocheckpoint = 10000');
    return true;
  }

  async close(): Promise<void> {
    const worker = this.checkpointer;
    this.checkpointer = undefined;
    if (worker) {
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        const timer = setTimeout(done, 2000);
        worker.once('message', () => (clearTimeout(timer), done()));
        worker.once('exit', () => (clearTimeout(timer), done()));
        worker.postMessage('stop');
      });
      await worker.terminate().catch(() => undefined);
    }
    if (this.db.open) this.db.close();
  }
}

/** Maps SQLite's open-time failures to the codes the issue asks for. */
export function sqliteOpenError(file: string, err: unknown): StoreError {
  const code = (err as { code?: unknown }).code;
  const detail = messageOf(err);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StoreError('STORE_LOCKED', `SQLite database ${file} is locked by another process (${detail})`, { cause: err });
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new StoreError('STORE_DIR_NOT_WRITABLE', `cannot write SQLite database ${file} (${detail})`, { cause: err });
  }
  return new StoreError('STORE_OPEN_FAILED', `cannot open SQLite database ${file} (${detail})`, { cause: err });
}

/** Creates the data folder (the default needs no setup) and checks we can write in it. */
export function ensureWritableDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    throw new StoreError('STORE_DIR_NOT_WRITABLE', `data folder ${dir} is missing and cannot be created, or is not writable (${messageOf(err)})`, { cause: err });
  }
}

export function openSqliteDatabase(file: string, busyTimeoutMs: number): Database.Database {
  if (file !== ':memory:') ensureWritableDir(path.dirname(path.resolve(file)));
  // Two replicas starting at once on a new file: switching it to WAL needs an exclusive lock,
  // and SQLite can report "locked" at once rather than wait. Opening is retried within the
  // busy timeout (it happens once, at start-up, so a blocking pause is acceptable here).
  const deadline = Date.now() + Math.max(0, busyTimeoutMs);
  for (;;) {
    try {
      return openOnce(file, busyTimeoutMs);
    } catch (err) {
      if (!(err instanceof StoreError && err.code === 'STORE_LOCKED') || Date.now() >= deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}

function openOnce(file: string, busyTimeoutMs: number): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: busyTimeoutMs });
    // busy_timeout: wait for a writer in another process instead of failing at once.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    // WAL: readers do not block the writer, and commits are cheap (synchronous=NORMAL is
    // durable against process crashes in WAL mode, which is what a bot needs).
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // After a checkpoint the log is cut back to this size instead of keeping its largest.
    db.pragma('journal_size_limit = 67108864');
    return db;
  } catch (err) {
    db?.close();
    throw sqliteOpenError(file, err);
  }
}
