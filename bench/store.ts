import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { messageOf } from '../src/store/errors';
import { openStore } from '../src/store/open';
import type { Store } from '../src/store/types';

const CLAIMS = 2000;
const LOG_WRITES = 2000;
const CONCURRENCY = 16;

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

const sampleQuestion = (i: number) => ({
  question: `who patches the guest OS on EC2? #${i}`,
  intent: 'who_secures',
  verdict: 'customer',
  cells: ['ec2/guest-os-patching'],
  confidence: 0.9,
  platform: 'slack',
  userId: `U${i % 50}`,
  at: new Date(),
});

/** Measures one store the way the bot uses it: through openStore's default (resilient) wrapper. */
async function measure(store: Store, prefix: string, out: Record<string, number | string>): Promise<void> {
  const run = randomBytes(4).toString('hex');
  for (let i = 0; i < 50; i++) await store.claimEvent(`warmup:${run}:${i}`, 600);

  const latencies: number[] = [];
  for (let i = 0; i < CLAIMS; i++) {
    const t0 = performance.now();
    await store.claimEvent(`bench:${run}:${i}`, 600);
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  out[`${prefix}.claim_p50_ms`] = round(percentile(latencies, 50));
  out[`${prefix}.claim_p99_ms`] = round(percentile(latencies, 99));

  let t0 = performance.now();
  for (let i = 0; i < LOG_WRITES; i++) await store.logQuestion(sampleQuestion(i));
  out[`${prefix}.question_log_writes_per_s`] = Math.round(LOG_WRITES / ((performance.now() - t0) / 1000));

  // Replies overlap in a busy channel: several log writes in flight at once.
  t0 = performance.now();
  for (let i = 0; i < LOG_WRITES; i += CONCURRENCY) {
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, j) => store.logQuestion(sampleQuestion(i + j))));
  }
  out[`${prefix}.question_log_writes_per_s_${CONCURRENCY}_in_flight`] = Math.round(LOG_WRITES / ((performance.now() - t0) / 1000));
}

async function benchSqlite(out: Record<string, number | string>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whosecures-bench-'));
  const store = await openStore({ dataDir: dir });
  try {
    await measure(store, 'store.sqlite', out);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(out: Record<string, number | string>): Promise<void> {
  const url = [process.env.TEST_DATABASE_URL, process.env.DATABASE_URL].find((u) => u && /^postgres(ql)?:\/\//i.test(u));
  if (!url) {
    out['store.postgres'] = 'skipped: neither TEST_DATABASE_URL nor DATABASE_URL is a postgres URL';
    return;
  }
  // A throwaway schema: the benchmark never touches the bot's own tables.
  const schema = `whosecures_bench_${randomBytes(4).toString('hex')}`;
  let store: Store | undefined;
  try {
    store = await openStore({ url, schema, connectTimeoutMs: 3000 });
    await measure(store, 'store.postgres', out);
  } catch (err) {
    out['store.postgres'] = `skipped: ${messageOf(err)}`;
  } finally {
    await store?.close();
    const admin = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    await admin
      .connect()
      .then(() => admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`))
      .catch(() => undefined)
      .finally(() => admin.end().catch(() => undefined));
  }
}

/** Claim latency (p50/p99) and question-log write throughput on SQLite and, if reachable, PostgreSQL. */
export async function benchStore(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = { 'store.claims_measured': CLAIMS, 'store.question_log_writes_measured': LOG_WRITES };
  await benchSqlite(out);
  await benchPostgres(out);
  return out;
}
