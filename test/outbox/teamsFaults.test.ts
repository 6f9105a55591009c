import Database from 'better-sqlite3';
import { join } from 'node:path';
import { DEFAULT_DB_FILE } from '../../src/store/url';
import { teamsMessage } from '../channels/teams/fakes/activities';
import { FakeConnector, type RecordedCall } from '../channels/teams/fakes/fakeConnector';
import { ensureBuilt, inParallel, killBot, startBot, waitUntil, type BotProcess } from '../helpers/botProcess';
import { FakeOpenAi, completion, explanationJson } from '../phrasing/fakeOpenAiServer';
import { PrivatePostgres, privatePostgresAvailable } from './helpers/privatePg';
import { teamsBotBed } from './helpers/teamsBotBed';

/**
 * The Teams side of the reply outbox with the compiled bot as operators run it, against the
 * fake Bot Connector: SIGKILL with replies queued, a 429 with Retry-After, SIGTERM with the LLM
 * hung. The bot runs in its Emulator mode (loopback only, no token), since a child process
 * cannot be handed an Entra token; every send still goes through the real CloudAdapter.
 * A reply counts for the activity whose id it replies to (`replyToId`).
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function answers(connector: FakeConnector): RecordedCall[] {
  return connector.calls.filter((c) => c.body.type === 'message' && c.body.failedWith === undefined);
}

function countsPerActivity(connector: FakeConnector, ids: string[]): number[] {
  const byId = new Map<string, number>();
  for (const c of answers(connector)) byId.set(String(c.body.replyToId), (byId.get(String(c.body.replyToId)) ?? 0) + 1);
  return ids.map((id) => byId.get(id) ?? 0);
}

function summary(counts: number[]) {
  return { lost: counts.filter((n) => n === 0).length, duplicated: counts.filter((n) => n > 1).length };
}

/**
 * One delivery, as the Bot Framework service makes it: a connection that drops before the
 * response (a busy machine can make a pooled keep-alive socket close under the request) is
 * delivered once more with the same activity, which the bot must then not answer twice. A bot
 * that is down fails the second try too.
 */
async function post(bot: BotProcess, activity: object): Promise<number> {
  const once = () => fetch(`${bot.baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) }).then((r) => r.status);
  try {
    return await once();
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw err;
    await new Promise((r) => setTimeout(r, 200));
    return once();
  }
}

describe('Teams reply outbox: process faults (SQLite)', () => {
  const bed = teamsBotBed('whosecures-teams-outbox-');

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATA_DIR: bed.dir,
    TEAMS_ALLOW_UNAUTHENTICATED: 'true',
    RATE_LIMIT_PER_MINUTE: '10000',
    OUTBOX_MAX_CHANNEL_DEPTH: '1000',
    ONBOARDING_ENABLED: 'false',
    ...extra,
  });

  /** Outbox jobs the bot has marked sent, read from its SQLite file without disturbing it. */
  const sentJobs = (dir: string): number => {
    const db = new Database(join(dir, DEFAULT_DB_FILE), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare(`SELECT count(*) AS n FROM outbox_jobs WHERE status = 'sent'`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  test('SIGKILL with 100 replies queued in one conversation, restart, Teams redelivers all 100: each answered exactly once', async () => {
    const first = await startBot(env({ TEAMS_POST_SPACING_MS: '50' }));
    bed.bots.push(first);
    const activities = Array.from({ length: 100 }, (_, i) => teamsMessage(`who patches the guest OS on EC2? (${i})`, { serviceUrl: bed.connector.url, conversationId: 'a:conv-kill' }));
    const ids = activities.map((a) => String(a.id));
    const statuses = await inParallel(activities, 8, (a) => post(first, a));
    expect(statuses.every((s) => s === 200)).toBe(true);
    await waitUntil(() => answers(bed.connector).length >= 10, 20_000, '10 answers');
    // Killed between two sends (one was just answered, the next is 50 ms away): the crash the
    // outbox must survive. A crash between a send and its mark is the documented exception.
    await bed.connector.waitFor((calls) => calls.length > 0 && calls[calls.length - 1].body.type === 'message');
    // ...and every send the connector has seen is marked in the store (read from the bot's own
    // SQLite file), so that the kill does not land in that window however loaded the machine is.
    await waitUntil(() => sentJobs(bed.dir) >= answers(bed.connector).length, 20_000, 'the sends marked');
    await killBot(first, 'SIGKILL');
    const beforeRestart = answers(bed.connector).length;
    expect(beforeRestart).toBeLessThan(100);

    const second = await startBot(env({ TEAMS_POST_SPACING_MS: '50' }));
    bed.bots.push(second);
    // Bot Framework redelivers what it may think was lost: every one is found claimed.
    const redelivered = await inParallel(activities, 8, (a) => post(second, a));
    expect(redelivered.every((s) => s === 200)).toBe(true);
    // On a busy machine the kill can land while a send is leased (before it reached the connector):
    // that job waits out its 60 s lease and is then sent by the new process, once.
    await waitUntil(() => countsPerActivity(bed.connector, ids).every((n) => n >= 1), 100_000, 'every activity answered');
    await sleep(500);
    const counts = countsPerActivity(bed.connector, ids);
    console.log(`[teams SIGKILL] answered before the kill: ${beforeRestart}, after: ${100 - beforeRestart}; ${JSON.stringify(summary(counts))}`);
    expect(summary(counts)).toEqual({ lost: 0, duplicated: 0 });
    expect(answers(bed.connector)).toHaveLength(100);
    expect(second.logs.filter((l) => l.event === 'teams_duplicate_dropped')).toHaveLength(100);
  }, 180_000);

  test('a 429 with Retry-After holds the conversation for that long, then every reply goes out once', async () => {
    const bot = await startBot(env({ TEAMS_POST_SPACING_MS: '300' }));
    bed.bots.push(bot);
    const activities = Array.from({ length: 5 }, (_, i) => teamsMessage(`who encrypts EBS volumes? (${i})`, { serviceUrl: bed.connector.url, conversationId: 'a:conv-429' }));
    const ids = activities.map((a) => String(a.id));
    for (const a of activities) expect(await post(bot, a)).toBe(200);
    await waitUntil(() => answers(bed.connector).length >= 1, 10_000, 'the first answer');
    // The next answer meets four 429s: the connector client honours three Retry-Afters itself,
    // the fourth reaches the outbox, which holds the whole conversation for it.
    bed.connector.failNext(...Array.from({ length: 4 }, () => ({ status: 429, retryAfter: '1' })));
    await waitUntil(() => countsPerActivity(bed.connector, ids).every((n) => n >= 1), 30_000, 'all answered');
    await sleep(300);
    expect(summary(countsPerActivity(bed.connector, ids))).toEqual({ lost: 0, duplicated: 0 });
    const throttled = bed.connector.calls.filter((c) => c.body.failedWith === 429);
    expect(throttled).toHaveLength(4);
    const afterThrottle = answers(bed.connector).filter((c) => c.at > throttled[throttled.length - 1].at);
    expect(afterThrottle).toHaveLength(4);
    // No answer went out before the Retry-After of the last 429 had passed.
    expect(afterThrottle[0].at - throttled[throttled.length - 1].at).toBeGreaterThanOrEqual(950);
    expect(bot.logs.filter((l) => l.event === 'outbox_job_retry' && l.kind === 'teams.answer')).toHaveLength(1);
  }, 60_000);

  test('SIGTERM with replies queued and the LLM hung: exit 0 within the bound, the rest sent by the next process, none twice', async () => {
    const openai = await FakeOpenAi.start();
    try {
      // The model never answers within the test: every phrasing hangs until its timeout.
      openai.reply({ delayMs: 120_000, body: completion(explanationJson('never arrives [1].', [1])) });
      const llm = { OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: 'sk-test-hung-9d2c', OPENAI_TIMEOUT_MS: '60000', LLM_MAX_CALLS_PER_USER_PER_HOUR: '1000' };
      const first = await startBot(env({ TEAMS_POST_SPACING_MS: '300', TEAMS_SHUTDOWN_DRAIN_MS: '2000', ...llm }));
      bed.bots.push(first);
      const activities = Array.from({ length: 30 }, (_, i) => teamsMessage(`who patches RDS? (${i})`, { serviceUrl: bed.connector.url, conversationId: 'a:conv-term' }));
      const ids = activities.map((a) => String(a.id));
      for (const a of activities) expect(await post(first, a)).toBe(200);
      await waitUntil(() => openai.requests.length >= 1, 10_000, 'a phrasing in progress');
      const started = Date.now();
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      const tookMs = Date.now() - started;
      // The drain bound (2 s) plus in-flight sends and bounded waits: well under the 10 s.
      expect(tookMs).toBeLessThan(7000);
      const sentByFirst = answers(bed.connector).length;
      const stopped = first.logs.find((l) => l.event === 'outbox_stopped' && l.channel === 'teams');
      expect(stopped).toMatchObject({ held: 0, inFlight: 0, unmarked: 0 });
      expect(Number(stopped?.pending)).toBe(30 - sentByFirst);
      expect(Number(stopped?.phrasingAbandoned)).toBeGreaterThanOrEqual(1);
      expect(first.logs.some((l) => String(l.msg).includes('forced exit'))).toBe(false);

      const second = await startBot(env({ TEAMS_POST_SPACING_MS: '50' }));
      bed.bots.push(second);
      await waitUntil(() => countsPerActivity(bed.connector, ids).every((n) => n >= 1), 30_000, 'every activity answered');
      await sleep(500);
      const counts = countsPerActivity(bed.connector, ids);
      console.log(`[teams SIGTERM] stop took ${tookMs} ms; sent before: ${sentByFirst}, by the next process: ${30 - sentByFirst}; ${JSON.stringify(summary(counts))}`);
      expect(summary(counts)).toEqual({ lost: 0, duplicated: 0 });
      expect(answers(bed.connector)).toHaveLength(30);
    } finally {
      await openai.stop();
    }
  }, 90_000);
});

const pgCheck = privatePostgresAvailable();
(pgCheck.ok ? describe : describe.skip)('Teams reply outbox: two replicas while their PostgreSQL stops for 10 s', () => {
  let connector: FakeConnector;
  let pg: PrivatePostgres;
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    pg = await PrivatePostgres.create();
    connector = await new FakeConnector().start();
  }, 240_000);
  afterAll(async () => {
    for (const b of bots.splice(0)) await killBot(b);
    await connector?.stop();
    pg?.destroy();
  });

  test('every activity delivered to both replicas is answered exactly once, before, during and after the outage', async () => {
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATABASE_URL: pg.url,
      TEAMS_ALLOW_UNAUTHENTICATED: 'true',
      RATE_LIMIT_PER_MINUTE: '10000',
      OUTBOX_MAX_CHANNEL_DEPTH: '1000',
      ONBOARDING_ENABLED: 'false',
      TEAMS_POST_SPACING_MS: '100',
    };
    const [a, b] = await Promise.all([startBot(env), startBot(env)]);
    bots.push(a, b);
    // Bot Framework retrying a delivery on the other replica: the same activity to both at once.
    const deliverToBoth = (activity: object) => Promise.all([post(a, activity), post(b, activity)]);
    const make = (text: string, n: number) =>
      Array.from({ length: n }, (_, i) => teamsMessage(`${text} (${i})`, { serviceUrl: connector.url, conversationId: `a:conv-pg${i % 3}` }));
    const before = make('who patches the guest OS on EC2?', 10);
    for (const act of before) expect(await deliverToBoth(act)).toEqual([200, 200]);

    pg.stop('fast');
    const during = make('who encrypts EBS volumes?', 20);
    const outageStart = Date.now();
    const ackMs: number[] = [];
    for (const act of during) {
      const t = Date.now();
      expect(await deliverToBoth(act)).toEqual([200, 200]);
      ackMs.push(Date.now() - t);
      await sleep(400);
    }
    await sleep(Math.max(0, 10_000 - (Date.now() - outageStart)));
    pg.start();

    const after = make('who patches RDS?', 10);
    for (const act of after) expect(await deliverToBoth(act)).toEqual([200, 200]);
    const ids = [...before, ...during, ...after].map((act) => String(act.id));
    await waitUntil(() => countsPerActivity(connector, ids).every((n) => n >= 1), 90_000, 'every activity answered');
    await sleep(1500);
    const counts = countsPerActivity(connector, ids);
    console.log(`[teams outage] ${JSON.stringify(summary(counts))}; slowest ack during the outage ${Math.max(...ackMs)} ms`);
    expect(summary(counts)).toEqual({ lost: 0, duplicated: 0 });
    expect(answers(connector)).toHaveLength(40);
    // Turns during the outage waited for the outbox bound at most (held in memory, then written).
    expect(Math.max(...ackMs)).toBeLessThan(1500);
    const late = [...a.logs, ...b.logs].filter((l) => l.event === 'outbox_admission_late');
    expect(late.length).toBeGreaterThanOrEqual(during.length); // each replica held its copy of each
    expect(late.filter((l) => l.claimed === true)).toHaveLength(during.length);
  }, 240_000);
});
if (!pgCheck.ok) console.warn(`[outbox tests] SKIPPED Teams private PostgreSQL outage test: ${pgCheck.reason}`);
