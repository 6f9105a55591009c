import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { webApi } from '@slack/bolt';
import { Client } from 'pg';
import { createLogger } from '../src/logger';
import { createMetrics } from '../src/metrics';
import { OutboxWorker } from '../src/outbox/worker';
import { messageOf } from '../src/store/errors';
import { openStore } from '../src/store/open';
import type { AdmitInput, Store } from '../src/store/types';
import { FakeSlackApi } from '../test/channels/slack/fakeSlackApi';
import { percentile } from './stats';

const ADMITS = 2000;
const CONCURRENT_ADMITS = 16;
const WORKER_JOBS = 2000;
const LANES = 200;

const admission = (run: string, i: number, lanes: number): AdmitInput => ({
  eventKey: `slack-event:bench:${run}:${i}`,
  claimTtlSeconds: 3600,
  job: {
    kind: 'bench.post',
    lane: `slack::T0BENCH:C${i % lanes}`,
    userKey: `slack:T0BENCH:U${i}`,
    payload: { channel: `C${i % lanes}`, text: 'who patches the guest OS on EC2?', n: i },
  },
  limits: { maxLaneDepth: 100_000, perUserPerMinute: 1000 },
});

/**
 * The outbox on one store: claim+enqueue (admitEvent, one transaction) latency one at a time and
 * with 16 in flight, as concurrent Slack deliveries do; then worker throughput: jobs spread over
 * 200 channels, posted with a real WebClient to the fake Slack API and marked, no pacing.
 */
async function measure(store: Store, prefix: string, out: Record<string, number | string>): Promise<void> {
  const run = randomBytes(4).toString('hex');
  for (let i = 0; i < 50; i++) await store.admitEvent(admission(`${run}w`, i, LANES));

  const serial: number[] = [];
  for (let i = 0; i < ADMITS; i++) {
    const t0 = performance.now();
    await store.admitEvent(admission(run, i, ADMITS));
    serial.push(performance.now() - t0);
  }
  out[`${prefix}.admit_p50_ms`] = percentile(serial, 50);
  out[`${prefix}.admit_p99_ms`] = percentile(serial, 99);

  const concurrent: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < ADMITS; i += CONCURRENT_ADMITS) {
    await Promise.all(
      Array.from({ length: CONCURRENT_ADMITS }, async (_, j) => {
        const s = performance.now();
        await store.admitEvent(admission(`${run}c`, i + j, ADMITS));
        concurrent.push(performance.now() - s);
      }),
    );
  }
  out[`${prefix}.admit_${CONCURRENT_ADMITS}_in_flight_p50_ms`] = percentile(concurrent, 50);
  out[`${prefix}.admit_${CONCURRENT_ADMITS}_in_flight_p99_ms`] = percentile(concurrent, 99);
  out[`${prefix}.admit_${CONCURRENT_ADMITS}_in_flight_per_s`] = Math.round(ADMITS / ((performance.now() - t0) / 1000));

  // Leave only the worker's jobs pending: everything admitted above is marked sent first.
  const drainOwner = `bench-drain-${run}`;
  for (;;) {
    const jobs = await store.leaseJobs({ owner: drainOwner, leaseMs: 60_000, limit: 500 });
    if (!jobs.length) break;
    for (const job of jobs) await store.finishJob({ id: job.id, owner: drainOwner, status: 'sent', lane: job.lane, laneNextAt: new Date(0) });
  }

  const fake = await new FakeSlackApi().start();
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const client = new webApi.WebClient('xoxb-bench', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  let posted = 0;
  const worker = new OutboxWorker({
    store,
    logger: createLogger('error', sink),
    metrics: createMetrics(),
    laneSpacingMs: () => 0,
    pollMs: 50,
    handlers: {
      'bench.post': async (job) => {
        const p = job.payload as { channel: string; text: string };
        await client.chat.postMessage({ channel: p.channel, text: p.text });
        posted++;
        return { status: 'sent' };
      },
    },
  });
  try {
    for (let i = 0; i < WORKER_JOBS; i += CONCURRENT_ADMITS) {
      await Promise.all(Array.from({ length: CONCURRENT_ADMITS }, (_, j) => store.admitEvent(admission(`${run}q`, i + j, LANES))));
    }
    const started = performance.now();
    worker.start();
    while ((await store.outboxStats()).pending > 0) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - started) / 1000;
    out[`${prefix}.worker_jobs`] = WORKER_JOBS;
    out[`${prefix}.worker_lanes`] = LANES;
    out[`${prefix}.worker_posted_and_marked_per_s`] = Math.round(WORKER_JOBS / seconds);
    out[`${prefix}.worker_posts_seen_by_fake_slack`] = fake.callsTo('chat.postMessage').length;
    out[`${prefix}.worker_posts_counted`] = posted;
  } finally {
    await worker.stop(0, 2000);
    await fake.close();
  }
}

async function benchSqlite(out: Record<string, number | string>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whosecures-bench-outbox-'));
  const store = await openStore({ dataDir: dir });
  try {
    await measure(store, 'outbox.sqlite', out);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(out: Record<string, number | string>): Promise<void> {
  const url = [process.env.TEST_DATABASE_URL, process.env.DATABASE_URL].find((u) => u && /^postgres(ql)?:\/\//i.test(u));
  if (!url) {
    out['outbox.postgres'] = 'skipped: neither TEST_DATABASE_URL nor DATABASE_URL is a postgres URL';
    return;
  }
  const schema = `whosecures_bench_${randomBytes(4).toString('hex')}`;
  let store: Store | undefined;
  try {
    store = await openStore({ url, schema, connectTimeoutMs: 3000 });
    await measure(store, 'outbox.postgres', out);
  } catch (err) {
    out['outbox.postgres'] = `skipped: ${messageOf(err)}`;
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

/** Outbox figures on SQLite and, if reachable, PostgreSQL (through the resilient wrapper, as the bot uses it). */
export async function benchOutbox(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = { 'outbox.admits_measured': ADMITS };
  await benchSqlite(out);
  await benchPostgres(out);
  return out;
}
