import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { FakeSlackApi } from '../test/channels/slack/fakeSlackApi';
import { signature } from '../test/channels/slack/signedRequest';
import { percentile } from './stats';

/** autocannon ships no types; this is the part of its API used here. */
interface AutocannonResult {
  latency: { p50: number; p99: number; max: number };
  requests: { total: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type AutocannonRequest = { method: string; path: string; headers: Record<string, string>; body: string };
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped CommonJS module
const autocannon = require('autocannon') as Autocannon;

const SECRET = 'bench-signing-secret';
const RATE = 200;
const SECONDS = 10;
const POST_SAMPLES = 100;
const CLOSED_LOOP_CONNECTIONS = 16;
const CLOSED_LOOP_SECONDS = 10;
/** Load each bot gets, its replies drained, before the measured seconds: both are measured warm. */
const WARM_UP_SECONDS = 3;

let seq = 0;
function signedEvent(text: string): { body: string; headers: Record<string, string>; ts: string } {
  seq += 1;
  const ts = `${1_720_000_000 + seq}.000100`;
  const body = JSON.stringify({
    type: 'event_callback',
    team_id: 'T0BENCH',
    api_app_id: 'A0BENCH',
    event_id: `EvBENCH${process.pid}x${seq}`,
    event_time: Math.floor(Date.now() / 1000),
    // A different user and channel per event, so neither the per-user rate limit nor the
    // per-channel pacing of posts (about one a second, as Slack allows) shapes the load.
    event: { type: 'app_mention', user: `UB${seq}`, text: `<@UBOT> ${text}`, ts, channel: `C0BENCH${seq}`, event_ts: ts },
  });
  const now = Math.floor(Date.now() / 1000);
  return { body, ts, headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(now), 'x-slack-signature': signature(SECRET, now, body) } };
}

/**
 * Slack ingress: ack latency p50/p99 and errors for signed app_mention events at a sustained
 * 200 requests/s for 10 s (autocannon against the real server, SQLite store, fake Web API on
 * loopback), then the time from posting an event to the fake API receiving chat.postMessage,
 * without an LLM. Targets: ack p99 < 50 ms, zero errors, post < 100 ms.
 */
export async function benchSlack(): Promise<Record<string, number | string>> {
  const fake = await new FakeSlackApi().start();
  const dataDir = mkdtempSync(join(tmpdir(), 'whosecures-bench-slack-'));
  // The bot runs in its own process, as in production: autocannon must not share its event loop.
  const { child, port } = await startBotProcess({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    RATE_LIMIT_PER_MINUTE: '10000',
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await fake.waitForCalls('auth.test');
    const load = await autocannon({
      url: `${url}/slack/events`,
      connections: 10,
      overallRate: RATE,
      duration: SECONDS,
      requests: [
        {
          setupRequest: (req: AutocannonRequest) => {
            const e = signedEvent('who patches the guest OS on EC2?');
            return { ...req, method: 'POST', path: '/slack/events', headers: e.headers, body: e.body };
          },
        },
      ],
    });
    // Let the answers to the load drain before timing single events.
    const answered = load.requests.total - load.non2xx - load.errors;
    await fake.waitFor((calls) => calls.filter((c) => c.method === 'chat.postMessage').length >= answered, 30_000).catch(() => undefined);
    const postedUnderLoad = fake.callsTo('chat.postMessage').length;

    const toPost: number[] = [];
    for (let i = 0; i < POST_SAMPLES; i++) {
      const e = signedEvent('who encrypts EBS volumes?');
      const posted = fake.nextCall((c) => c.method === 'chat.postMessage' && c.args.thread_ts === e.ts);
      const t0 = performance.now();
      const res = await fetch(`${url}/slack/events`, { method: 'POST', headers: e.headers, body: e.body });
      await res.text();
      await posted;
      toPost.push(performance.now() - t0);
    }
    return {
      'slack.ack.rate_per_s': RATE,
      'slack.ack.duration_s': SECONDS,
      'slack.ack.requests': load.requests.total,
      'slack.ack.p50_ms': load.latency.p50,
      'slack.ack.p99_ms': load.latency.p99,
      'slack.ack.max_ms': load.latency.max,
      'slack.ack.errors': load.errors + load.timeouts + load.non2xx,
      'slack.load.answers_posted': postedUnderLoad,
      'slack.event_to_postMessage.p50_ms': percentile(toPost, 50),
      'slack.event_to_postMessage.p99_ms': percentile(toPost, 99),
    };
  } finally {
    await stopBotProcess(child);
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** 16 connections, each sending its next signed app_mention as soon as the last was acked. */
async function closedLoop(url: string, seconds = CLOSED_LOOP_SECONDS): Promise<AutocannonResult> {
  return autocannon({
    url: `${url}/slack/events`,
    connections: CLOSED_LOOP_CONNECTIONS,
    duration: seconds,
    requests: [
      {
        setupRequest: (req: AutocannonRequest) => {
          const e = signedEvent('who patches the guest OS on EC2?');
          return { ...req, method: 'POST', path: '/slack/events', headers: e.headers, body: e.body };
        },
      },
    ],
  });
}

/**
 * The same closed-loop load against the project (outbox: claim and reply job written before the
 * ack) and against a bare Bolt app in its own process (ack first, reply in memory), one after
 * the other in one run, each with a fresh fake Slack and each measured warm (see measuredWarm).
 * Issue 13's bar: ack p99 at most 1.3x and throughput at least 0.8x of bare Bolt's.
 */
export async function benchSlackVsBolt(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = { 'closed_loop.connections': CLOSED_LOOP_CONNECTIONS, 'closed_loop.duration_s': CLOSED_LOOP_SECONDS };
  // CPU per acked event: the bot's CPU time from the load's start until its replies are posted,
  // over the events acked. Less sensitive than the rates to other work on a shared machine.
  const figures = (name: string, r: AutocannonResult, posted: number, cpuMs: number) => {
    out[`${name}.acks_per_s`] = Math.round(r.requests.total / CLOSED_LOOP_SECONDS);
    out[`${name}.cpu_ms_per_event`] = r.requests.total > 0 ? cpuMs / r.requests.total : Number.NaN;
    out[`${name}.ack.p50_ms`] = r.latency.p50;
    out[`${name}.ack.p99_ms`] = r.latency.p99;
    out[`${name}.errors`] = r.errors + r.timeouts + r.non2xx;
    out[`${name}.posts_within_30s`] = posted;
  };

  {
    const fake = await new FakeSlackApi().start();
    const child = fork(join(__dirname, 'bareBolt.js'), [], {
      env: { ...process.env, BARE_BOLT_SIGNING_SECRET: SECRET, BARE_BOLT_API_URL: fake.apiUrl },
      execArgv: botNodeArgs(),
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    try {
      const port = await portOf(child);
      const { r, posted, cpuMs } = await measuredWarm(`http://127.0.0.1:${port}`, child, fake);
      figures('bare_bolt', r, posted, cpuMs);
    } finally {
      await stopBotProcess(child);
      await fake.close();
    }
  }
  {
    const fake = await new FakeSlackApi().start();
    const dataDir = mkdtempSync(join(tmpdir(), 'whosecures-bench-slack-'));
    const { child, port } = await startBotProcess({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      RATE_LIMIT_PER_MINUTE: '10000',
    });
    try {
      await fake.waitForCalls('auth.test');
      const { r, posted, cpuMs } = await measuredWarm(`http://127.0.0.1:${port}`, child, fake);
      figures('whosecures_outbox', r, posted, cpuMs);
    } finally {
      await stopBotProcess(child);
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const ratio = (a: unknown, b: unknown) => (typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : Number.NaN);
  out['ratio.ack_p99_outbox_over_bolt'] = ratio(out['whosecures_outbox.ack.p99_ms'], out['bare_bolt.ack.p99_ms']);
  out['ratio.ack_p50_outbox_over_bolt'] = ratio(out['whosecures_outbox.ack.p50_ms'], out['bare_bolt.ack.p50_ms']);
  out['ratio.throughput_outbox_over_bolt'] = ratio(out['whosecures_outbox.acks_per_s'], out['bare_bolt.acks_per_s']);
  out['ratio.cpu_per_event_outbox_over_bolt'] = ratio(out['whosecures_outbox.cpu_ms_per_event'], out['bare_bolt.cpu_ms_per_event']);
  return out;
}

/**
 * The closed loop against one bot, measured warm: first WARM_UP_SECONDS of the same load and
 * its replies posted (a process just started runs its code unoptimised and its data cold; the
 * bare Bolt app has far less code to warm), then the measured seconds, each followed by the wait
 * for its replies. `posted` counts the measured load's replies only.
 */
async function measuredWarm(url: string, child: ChildProcess, fake: FakeSlackApi): Promise<{ r: AutocannonResult; posted: number; cpuMs: number }> {
  const posts = () => fake.callsTo('chat.postMessage').length;
  const warm = await closedLoop(url, WARM_UP_SECONDS);
  await fake.waitFor(() => posts() >= warm.requests.total - warm.non2xx, 30_000).catch(() => undefined);
  const before = posts();
  const cpu0 = await cpuOf(child);
  const r = await closedLoop(url);
  await fake.waitFor(() => posts() - before >= r.requests.total - r.non2xx, 30_000).catch(() => undefined);
  return { r, posted: posts() - before, cpuMs: (await cpuOf(child)) - cpu0 };
}

/** CPU time (user + system, ms) the child process has used so far. */
function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (m: { cpu?: NodeJS.CpuUsage }) => {
      if (!m.cpu) return;
      child.off('message', onMessage);
      resolve((m.cpu.user + m.cpu.system) / 1000);
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}

function portOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port?: number; error?: string }) => (m.port ? resolve(m.port) : reject(new Error(m.error))));
    child.once('exit', (code) => reject(new Error(`bench child exited with ${code}`)));
  });
}

const CHILD_FLAG = 'WHOSECURES_BENCH_SLACK_CHILD';

/**
 * BENCH_BOT_NODE_ARGS: extra node flags for the bots' processes only, not the load generator's
 * (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" writes one profile per bot process).
 */
function botNodeArgs(): string[] {
  return (process.env.BENCH_BOT_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

function startBotProcess(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(__filename, [], { env: { ...process.env, ...env, [CHILD_FLAG]: '1' }, execArgv: botNodeArgs(), stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port?: number; error?: string }) => (m.port ? resolve({ child, port: m.port }) : reject(new Error(m.error))));
    child.once('exit', (code) => reject(new Error(`bench bot exited with ${code}`)));
  });
}

async function stopBotProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send('stop');
  await exited;
}

/** The child side: the whole app with a discarded log, reporting its port over IPC. */
async function runBotProcess(): Promise<void> {
  try {
    const config = loadConfig(process.env);
    const sink = new Writable({ write: (_c, _e, done) => done() });
    const app = await buildApp(config, { logger: createLogger(config.LOG_LEVEL, sink) });
    const port = await app.listen();
    process.on('message', (m) => {
      if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
      if (m === 'stop') void app.stop().finally(() => process.exit(0));
    });
    process.send?.({ port });
  } catch (err) {
    process.send?.({ error: (err as Error).message });
    process.exit(1);
  }
}

if (process.env[CHILD_FLAG] === '1') void runBotProcess();
