import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { teamsMessage } from '../test/channels/teams/fakes/activities';
import { FakeBotFrameworkIdentity, plantOutboundToken } from '../test/channels/teams/fakes/botFrameworkIdentity';
import { FakeConnector } from '../test/channels/teams/fakes/fakeConnector';

const ACTIVITIES = 600;
const CONCURRENCY = 16;
const WARMUP = 30;
const APP_ID = '11111111-2222-3333-4444-555555555555';
const QUESTIONS = ['who patches the guest OS on EC2?', 'who patches the OS on EC2 vs RDS vs Lambda?', 'is S3 encryption on me?', 'what am I responsible for with RDS?'];

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}
const round = (n: number): number => Math.round(n * 100) / 100;

/**
 * Activities per second and latency through POST /api/messages with authentication on (a signed
 * JWT checked against a local OpenID/JWKS server), each until its answer card reaches a local
 * fake connector. The real app: knowledge base, router, SQLite store, CloudAdapter.
 */
export async function benchTeams(): Promise<Record<string, number | string>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'whosecures-bench-teams-'));
  const identity = await new FakeBotFrameworkIdentity().start();
  const connector = await new FakeConnector().start();
  plantOutboundToken(APP_ID, 'bench-outbound-token');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '10000',
    MicrosoftAppId: APP_ID,
    MicrosoftAppPassword: 'bench-password',
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: '99999999-8888-7777-6666-555555555555',
    BotOpenIdMetadata: identity.metadataUrl,
    TEAMS_SERVICE_URL_ALLOWLIST: '127.0.0.1',
  });
  const app = await buildApp(config, { logger: createLogger('warn', new Writable({ write: (_c, _e, done) => done() })) });
  const port = await app.listen();
  const url = `http://127.0.0.1:${port}/api/messages`;
  const token = `Bearer ${identity.token({ appId: APP_ID, serviceUrl: connector.url })}`;
  const waiting = new Map<string, () => void>();
  connector.onCall = (call) => {
    if (call.body.type !== 'message') return;
    const done = waiting.get(String(call.body.replyToId));
    if (done) {
      waiting.delete(String(call.body.replyToId));
      done();
    }
  };
  let httpErrors = 0;
  const one = async (i: number): Promise<number> => {
    const activity = teamsMessage(QUESTIONS[i % QUESTIONS.length], { serviceUrl: connector.url, id: `bench-${i}`, conversationId: `a:bench-${i % 50}` });
    const started = performance.now();
    const replied = new Promise<void>((resolve) => waiting.set(`bench-${i}`, resolve));
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: token }, body: JSON.stringify(activity) });
    if (res.status !== 200) {
      httpErrors++;
      waiting.delete(`bench-${i}`);
      return Number.NaN;
    }
    await replied;
    return performance.now() - started;
  };
  const out: Record<string, number | string> = { 'teams.activities_measured': ACTIVITIES, 'teams.concurrency': CONCURRENCY };
  try {
    for (let i = 0; i < WARMUP; i++) await one(-1 - i);
    const latencies: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < ACTIVITIES) {
          const ms = await one(next++);
          if (Number.isFinite(ms)) latencies.push(ms);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    out['teams.activities_per_s'] = Math.round(latencies.length / seconds);
    out['teams.reply_p50_ms'] = round(percentile(latencies, 50));
    out['teams.reply_p99_ms'] = round(percentile(latencies, 99));
    out['teams.http_errors'] = httpErrors;
  } finally {
    await app.stop();
    await connector.stop();
    await identity.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}
