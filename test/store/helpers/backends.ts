import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { openStore } from '../../../src/store/open';
import type { OpenStoreOptions, Store } from '../../../src/store/types';

export interface PgStatus {
  url?: string;
  available: boolean;
  reason: string;
}

let cached: PgStatus | undefined;

/**
 * Whether TEST_DATABASE_URL answers. Checked synchronously (in a child process) because jest
 * decides describe vs describe.skip while collecting tests, before any async hook runs.
 */
export function postgresStatus(): PgStatus {
  if (cached) return cached;
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    cached = { available: false, reason: 'TEST_DATABASE_URL is not set' };
    return cached;
  }
  const script = `const {Client}=require(${JSON.stringify(require.resolve('pg'))});
    const c=new Client({connectionString:process.env.PROBE_URL,connectionTimeoutMillis:3000});
    c.connect().then(()=>c.query('select 1')).then(()=>c.end()).then(()=>process.exit(0),e=>{process.stderr.write(String(e.message||e.code||e));process.exit(1)});`;
  const probe = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, PROBE_URL: url }, timeout: 10_000, encoding: 'utf8' });
  cached = probe.status === 0 ? { url, available: true, reason: 'reachable' } : { url, available: false, reason: `TEST_DATABASE_URL is unreachable (${probe.stderr.trim() || 'timeout'})` };
  return cached;
}

/** describe for PostgreSQL suites: skipped, with a visible warning, when there is no server. */
export function describePostgres(name: string, body: () => void): void {
  const status = postgresStatus();
  if (!status.available) {
    console.warn(`[store tests] SKIPPED PostgreSQL suite "${name}": ${status.reason}`);
    describe.skip(`${name} [skipped: ${status.reason}]`, body);
    return;
  }
  describe(name, body);
}

/** One database location that tests can open (and reopen) stores on, then throw away. */
export interface TestDb {
  readonly kind: 'sqlite' | 'postgres';
  open(options?: Partial<OpenStoreOptions>): Promise<Store>;
  /** Direct SQL on the same database, to check what is really stored. */
  raw<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Direct SQL that changes the database (a trigger that makes a write fail, for fault tests). */
  exec(sql: string): Promise<void>;
  cleanup(): Promise<void>;
}

export function uniqueSchema(): string {
  return `wst_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function sqliteTestDb(): Promise<TestDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whosecures-store-'));
  const opened: Store[] = [];
  return {
    kind: 'sqlite',
    async open(options = {}) {
      const store = await openStore({ dataDir: dir, ...options });
      opened.push(store);
      return store;
    },
    async raw<T>(sql: string) {
      const db = new Database(path.join(dir, 'whosecures.db'), { readonly: true });
      try {
        return db.prepare(sql).all() as T[];
      } finally {
        db.close();
      }
    },
    async exec(sql: string) {
      const db = new Database(path.join(dir, 'whosecures.db'));
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
    async cleanup() {
      for (const s of opened) await s.close().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Drops a test's schema (and everything in it) on the server at `url`. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await admin.end();
  }
}

export async function postgresTestDb(url: string): Promise<TestDb> {
  // A schema per test keeps parallel jest workers (and tests) from seeing each other's rows.
  const schema = uniqueSchema();
  const opened: Store[] = [];
  const admin = new Client({ connectionString: url });
  await admin.connect();
  return {
    kind: 'postgres',
    async open(options = {}) {
      const store = await openStore({ url, schema, poolSize: 4, ...options });
      opened.push(store);
      return store;
    },
    async raw<T>(sql: string) {
      const result = await admin.query(`SET search_path TO ${schema}; ${sql}`);
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return last.rows as T[];
    },
    async exec(sql: string) {
      await admin.query(`SET search_path TO ${schema}; ${sql}`);
    },
    async cleanup() {
      for (const s of opened) await s.close().catch(() => undefined);
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    },
  };
}

/** A clock tests can move. */
export function testClock(start = new Date('2026-01-15T12:00:00Z')): { now: () => Date; advance(ms: number): void; set(d: Date): void } {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance(ms) {
      t += ms;
    },
    set(d) {
      t = d.getTime();
    },
  };
}
