import { Pool, type PoolConfig } from 'pg';
import type { Logger } from 'pino';
import type { SqlDriver, SqlQueries } from './driver';
import { StoreError, messageOf, redactUrl } from './errors';

export interface PostgresOptions {
  url: string;
  schema?: string;
  poolSize: number;
  connectTimeoutMs: number;
  logger?: Logger;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): void {
  // The schema is interpolated into SQL (identifiers cannot be parameters): allow plain names only.
  if (!IDENTIFIER.test(schema)) {
    throw new StoreError('STORE_URL_INVALID', `invalid PostgreSQL schema name "${schema}" (use lowercase letters, digits, _)`);
  }
}

export class PostgresDriver implements SqlDriver {
  readonly kind = 'postgres' as const;
  private closed = false;

  constructor(readonly pool: Pool) {}

  async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    if (this.closed) throw new StoreError('STORE_CLOSED', 'store is closed');
    const result = await this.pool.query(sql, params as unknown[]);
    return result.rows as T[];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    if (this.closed) throw new StoreError('STORE_CLOSED', 'store is closed');
    const result = await this.pool.query(sql, params as unknown[]);
    return result.rowCount ?? 0;
  }

  async transaction<T>(work: (tx: SqlQueries) => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreError('STORE_CLOSED', 'store is closed');
    const client = await this.pool.connect();
    let broken = false;
    // A checked-out client whose server goes away emits 'error' on the client, not the pool; with
    // no listener that crashes the process (seen with PostgreSQL stopped mid-transaction). The
    // query in flight fails on its own; the client must not go back to the pool.
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const tx: SqlQueries = {
        all: async <R>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, params as unknown[])).rows as R[],
        run: async (sql: string, params: readonly unknown[] = []) => (await client.query(sql, params as unknown[])).rowCount ?? 0,
      };
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: the pool must not reuse it.
      client.off('error', onError);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

export function createPool(opts: PostgresOptions): Pool {
  const config: PoolConfig = {
    connectionString: opts.url,
    max: opts.poolSize,
    // Fail fast when the server is gone, so the resilient wrapper can fall back quickly.
    connectionTimeoutMillis: opts.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'whosecures',
  };
  if (opts.schema) {
    assertSchemaName(opts.schema);
    config.options = `-c search_path=${opts.schema}`;
  }
  const pool = new Pool(config);
  // Without a listener, an idle client dying with the server emits an unhandled 'error' that
  // crashes the process; the issue wants the bot to survive a database outage.
  pool.on('error', (err) => {
    opts.logger?.warn({ err: messageOf(err), db: redactUrl(opts.url) }, 'idle PostgreSQL connection lost');
  });
  return pool;
}

/** Start-up check: a clear, password-free error when PostgreSQL cannot be reached. */
export async function connectPostgres(opts: PostgresOptions): Promise<PostgresDriver> {
  if (opts.schema) {
    assertSchemaName(opts.schema);
    // The schema must exist before any pooled connection uses it in its search_path.
    const bootstrap = createPool({ ...opts, schema: undefined, poolSize: 1 });
    try {
      await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
    } catch (err) {
      // Two processes creating the same schema at once: IF NOT EXISTS is not atomic in
      // PostgreSQL, and the loser sees a duplicate error although the schema now exists.
      const code = (err as { code?: unknown }).code;
      if (code !== '23505' && code !== '42P06') throw unreachable(opts.url, err);
    } finally {
      await bootstrap.end().catch(() => undefined);
    }
  }
  const pool = createPool(opts);
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw unreachable(opts.url, err);
  }
  return new PostgresDriver(pool);
}

function unreachable(url: string, err: unknown): StoreError {
  return new StoreError('STORE_UNREACHABLE', `cannot reach PostgreSQL at ${redactUrl(url)}: ${messageOf(err)}`, { cause: err });
}
