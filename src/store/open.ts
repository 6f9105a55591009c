import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { deriveSubkey, parseEncryptionKey } from './crypto';
import type { SqlDriver } from './driver';
import { StoreError, isStoreError, messageOf, redactUrl } from './errors';
import { migratePostgres, migrateSqlite } from './migrations';
import { connectPostgres } from './postgres';
import { ResilientStore } from './resilient';
import { SqliteDriver, openSqliteDatabase, sqliteOpenError } from './sqlite';
import { SqlStore } from './sqlStore';
import type { OpenStoreOptions, Store } from './types';
import { parseStoreUrl } from './url';

export type { OpenStoreOptions } from './types';

async function openDriver(options: OpenStoreOptions, logger: Logger | undefined): Promise<{ driver: SqlDriver; where: string; migrated: number[] }> {
  const target = parseStoreUrl(options.url, options.dataDir);
  if (target.kind === 'sqlite') {
    const db = openSqliteDatabase(target.file, options.busyTimeoutMs ?? 5000);
    try {
      const migrated = migrateSqlite(db);
      const driver = new SqliteDriver(db);
      if (target.file !== ':memory:') driver.startCheckpointer(target.file, options.busyTimeoutMs ?? 5000);
      return { driver, where: target.file, migrated };
    } catch (err) {
      db.close();
      throw isStoreError(err) ? err : sqliteOpenError(target.file, err);
    }
  }
  const driver = await connectPostgres({
    url: target.url,
    ...(options.schema ? { schema: options.schema } : {}),
    poolSize: options.poolSize ?? 10,
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    ...(logger ? { logger } : {}),
  });
  try {
    const migrated = await migratePostgres(driver.pool, options.schema ?? 'default');
    return { driver, where: redactUrl(target.url), migrated };
  } catch (err) {
    await driver.close().catch(() => undefined);
    if (isStoreError(err)) throw err;
    throw new StoreError('STORE_MIGRATION_FAILED', `cannot migrate PostgreSQL at ${redactUrl(target.url)}: ${messageOf(err)}`, { cause: err });
  }
}

/**
 * The user-id hash key: explicit, else derived from the encryption key (kept out of the
 * database), else a random secret stored once per database so every replica hashes alike.
 */
async function resolveHashKey(driver: SqlDriver, options: OpenStoreOptions, encryptionKey: Buffer | undefined, logger: Logger | undefined): Promise<Buffer> {
  if (options.hashKey) return Buffer.from(options.hashKey, 'utf8');
  if (encryptionKey) return deriveSubkey(encryptionKey, 'user-id-hash');
  await driver.run('INSERT INTO store_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', ['user_hash_secret', randomBytes(32).toString('base64')]);
  const rows = await driver.all<{ value: string }>('SELECT value FROM store_meta WHERE key = $1', ['user_hash_secret']);
  logger?.debug('user-id hash key kept in the database; set STORE_ENCRYPTION_KEY to keep it outside');
  return Buffer.from(String(rows[0]?.value), 'base64');
}

/**
 * Opens the configured store, creating the SQLite folder and running migrations. Throws a
 * StoreError (URL without password) when the database cannot be used, so the entry point can
 * exit non-zero with a clear message.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const logger = options.logger;
  const now = options.now ?? (() => new Date());
  const questionLogDays = options.questionLogDays ?? 90;
  if (!Number.isFinite(questionLogDays) || questionLogDays <= 0) {
    throw new StoreError('STORE_INVALID_INPUT', `QUESTION_LOG_DAYS must be a positive number of days, got ${questionLogDays}`);
  }
  const encryptionKey = options.encryptionKey ? parseEncryptionKey(options.encryptionKey) : undefined;
  const { driver, where, migrated } = await openDriver(options, logger);
  let hashKey: Buffer;
  try {
    hashKey = await resolveHashKey(driver, options, encryptionKey, logger);
  } catch (err) {
    await driver.close().catch(() => undefined);
    throw new StoreError('STORE_OPEN_FAILED', `cannot initialise store at ${where}: ${messageOf(err)}`, { cause: err });
  }
  const store = new SqlStore({
    driver,
    now,
    ...(encryptionKey ? { encryptionKey } : {}),
    hashKey,
    questionLogEnabled: options.questionLogEnabled ?? true,
    questionLogDays,
  });
  logger?.info({ store: driver.kind, at: where, migrated }, 'store ready');
  if (options.resilient === false) return store;
  return new ResilientStore(store, { ...(logger ? { logger } : {}), now, timeoutMs: options.operationTimeoutMs ?? 3000, batchMs: options.batchMs ?? 0 });
}
