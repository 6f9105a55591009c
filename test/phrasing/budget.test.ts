import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/metrics';
import { LlmBudget } from '../../src/phrasing/budget';
import type { BudgetTake, Store } from '../../src/store/types';
import { FakeSlackApi } from '../channels/slack/fakeSlackApi';
import { mention } from '../channels/slack/payloads';
import { postToSlackEndpoint, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../channels/slack/signedRequest';
import { startSlackTestBed } from '../channels/slack/slackTestApp';
import { ensureBuilt, killBot, startBot, waitUntil, type BotProcess } from '../helpers/botProcess';
import { type TestDb, postgresStatus, postgresTestDb, sqliteTestDb } from '../store/helpers/backends';
import { FakeOpenAi, completion, explanationJson } from './fakeOpenAiServer';

/**
 * LLM budgets: the store's counters (atomic, all or nothing, on SQLite and PostgreSQL), then the
 * real app against the fake OpenAI server: one workspace over its budget gets templates while
 * another is still phrased, and two bot processes on one store share the global budget.
 */

const QUESTION = 'is AWS responsible for patching the guest OS on EC2?';
const GOOD = 'No. On EC2 you patch the guest operating system yourself [1]; AWS only patches the host and the hypervisor underneath [3].';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls per minute are counted per clock minute: start a test well inside one. */
async function awayFromMinuteEnd(needMs = 20_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < needMs) await sleep(left + 200);
}

const take = (key: string, limit: number, amount = 1): BudgetTake => ({ key, amount, limit, expiresAt: new Date(Date.now() + 60_000) });

function counterContract(makeDb: () => Promise<TestDb>): void {
  let db: TestDb;
  let store: Store;
  beforeEach(async () => {
    db = await makeDb();
    store = await db.open();
  });
  afterEach(async () => {
    await db.cleanup();
  });

  test('concurrent takes never pass the limit (PostgreSQL: from two connection pools)', async () => {
    // SQLite: one connection per process (a second one in the same process would wait on its
    // own lock); the two-process test below covers SQLite across processes.
    const other = db.kind === 'postgres' ? await db.open() : store;
    const attempts = Array.from({ length: 60 }, (_, i) => (i % 2 ? store : other).takeBudget([take('calls:all', 20)]));
    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(20);
    expect(outcomes.filter((o) => !o.ok).every((o) => !o.ok && o.refused === 'calls:all')).toBe(true);
    expect(await db.raw('SELECT used FROM budget_counters')).toEqual([{ used: db.kind === 'postgres' ? '20' : 20 }]);
  });

  test('all or nothing: when one counter is full, the others are not charged', async () => {
    expect(await store.takeBudget([take('ws', 5), take('all', 1)])).toEqual({ ok: true });
    expect(await store.takeBudget([take('ws', 5), take('all', 1)])).toEqual({ ok: false, refused: 'all' });
    const rows = await db.raw<{ key: string; used: unknown }>('SELECT key, used FROM budget_counters ORDER BY key');
    expect(rows.map((r) => [r.key, Number(r.used)])).toEqual([['all', 1], ['ws', 1]]);
    // An amount larger than the limit never fits, even in an empty window.
    expect(await store.takeBudget([take('tokens', 100, 101)])).toEqual({ ok: false, refused: 'tokens' });
  });

  test('adjustments correct a reservation and never go below zero', async () => {
    await store.takeBudget([take('tokens', 1000, 600)]);
    await store.adjustBudget([{ key: 'tokens', delta: -250, expiresAt: new Date(Date.now() + 60_000) }]);
    expect(await store.takeBudget([take('tokens', 1000, 650)])).toEqual({ ok: true });
    await store.adjustBudget([{ key: 'tokens', delta: -5000, expiresAt: new Date(Date.now() + 60_000) }]);
    expect(Number((await db.raw<{ used: unknown }>('SELECT used FROM budget_counters'))[0].used)).toBe(0);
  });
}

describe('budget counters (SQLite)', () => counterContract(sqliteTestDb));
const pg = postgresStatus();
(pg.available ? describe : describe.skip)('budget counters (PostgreSQL)', () => counterContract(() => postgresTestDb(pg.url!)));

describe('a budget whose store is gone fails closed, and says so once', () => {
  test('refused within the bound, one log line for many calls', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (c, _e, done) => (lines.push(...String(c).split('\n').filter(Boolean)), done()) }));
    const db = await sqliteTestDb();
    const store = await db.open({ logger });
    const metrics = createMetrics();
    const budget = new LlmBudget({ store, logger, metrics, limits: { workspaceCallsPerMinute: 10, workspaceTokensPerDay: 1e6, globalCallsPerMinute: 10, globalTokensPerDay: 1e6 }, storeBoundMs: 300 });
    try {
      expect((await budget.take('slack:T1', 800)).ok).toBe(true);
      await store.close();
      const started = Date.now();
      for (let i = 0; i < 5; i++) expect(await budget.take('slack:T1', 800)).toEqual({ ok: false, scope: 'global', limit: 'store_unavailable' });
      expect(Date.now() - started).toBeLessThan(5 * 400);
      const events = lines.map((l) => JSON.parse(l) as { event?: string }).filter((l) => l.event?.startsWith('llm_budget'));
      expect(events.map((e) => e.event)).toEqual(['llm_budget_unavailable']);
      expect(await metrics.registry.getSingleMetricAsString('whosecures_llm_budget_exceeded_total')).toContain('whosecures_llm_budget_exceeded_total{scope="global",limit="store_unavailable"} 5');
    } finally {
      await db.cleanup();
    }
  });
});

describe('LLM budgets in the running bot (fake OpenAI server)', () => {
  let openai: FakeOpenAi;
  beforeAll(async () => {
    openai = await FakeOpenAi.start();
  });
  afterAll(async () => {
    await openai.stop();
  });
  beforeEach(() => {
    openai.reset();
    openai.reply({ body: completion(explanationJson(GOOD, [1, 3])) });
  });

  const llmEnv = (extra: Record<string, string>) => ({
    OPENAI_BASE_URL: openai.baseUrl,
    OPENAI_API_KEY: 'sk-test-budget-0c1d',
    OPENAI_MODEL: 'gpt-test',
    OPENAI_TIMEOUT_MS: '5000',
    LLM_MAX_CALLS_PER_USER_PER_HOUR: '1000',
    RATE_LIMIT_PER_MINUTE: '1000',
    ...extra,
  });

  /** A mention from workspace `team`, with its own wording (so the phrasing cache misses). */
  const ask = (team: string, n: number) => ({ ...mention(`${QUESTION} (${team} ${n})`, { channel: `C0${team}` }), team_id: team });

  test('a workspace over its calls per minute gets templates; another workspace is still phrased', async () => {
    await awayFromMinuteEnd();
    const bed = await startSlackTestBed(llmEnv({ LLM_WORKSPACE_CALLS_PER_MINUTE: '2', LLM_GLOBAL_CALLS_PER_MINUTE: '100' }));
    try {
      for (let n = 1; n <= 4; n++) expect((await postToSlackEndpoint(bed.app.baseUrl, ask('TBIG', n))).status).toBe(200);
      for (let n = 1; n <= 2; n++) expect((await postToSlackEndpoint(bed.app.baseUrl, ask('TSMALL', n))).status).toBe(200);
      await waitUntil(() => bed.app.logs.filter((l) => l.event === 'llm_phrasing').length >= 6, 15_000, 'six phrasing turns');
      await bed.fake.waitForCalls('chat.update', 4);
      const posts = bed.fake.callsTo('chat.postMessage');
      const updates = bed.fake.callsTo('chat.update');
      // Every question got its answer; only the phrasing was withheld.
      expect(posts).toHaveLength(6);
      const updatedChannels = updates.map((u) => String(u.args.channel)).sort();
      expect(updatedChannels).toEqual(['C0TBIG', 'C0TBIG', 'C0TSMALL', 'C0TSMALL']);
      expect(openai.requests).toHaveLength(4);
      const outcomes = bed.app.logs.filter((l) => l.event === 'llm_phrasing').map((l) => l.outcome);
      expect(outcomes.filter((o) => o === 'budget')).toHaveLength(2);
      const metrics = await (await fetch(`${bed.app.baseUrl}/metrics`)).text();
      expect(metrics).toContain('whosecures_llm_budget_exceeded_total{scope="workspace",limit="calls_per_minute"} 2');
      // One line when the workspace went over, not one per refused call.
      const exceeded = bed.app.logs.filter((l) => l.event === 'llm_budget_exceeded');
      expect(exceeded).toHaveLength(1);
      expect(exceeded[0]).toMatchObject({ scope: 'workspace', limit: 'calls_per_minute', workspace: 'slack:TBIG', max: 2 });
    } finally {
      await bed.close();
    }
  }, 60_000);

  describe('two bot processes on one store', () => {
    let fake: FakeSlackApi;
    let dir: string;
    const bots: BotProcess[] = [];
    beforeAll(() => ensureBuilt(), 240_000);
    beforeEach(async () => {
      fake = await new FakeSlackApi().start();
      dir = mkdtempSync(join(tmpdir(), 'whosecures-budget-'));
    });
    afterEach(async () => {
      for (const b of bots.splice(0)) await killBot(b);
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('share the global budget: 3 calls a minute between them, whichever process answers', async () => {
      await awayFromMinuteEnd(30_000);
      const env = {
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        DATA_DIR: dir,
        SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
        SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
        SLACK_POST_SPACING_MS: '0',
        ONBOARDING_ENABLED: 'false',
        ...llmEnv({ LLM_GLOBAL_CALLS_PER_MINUTE: '3', LLM_WORKSPACE_CALLS_PER_MINUTE: '100' }),
      };
      const [a, b] = [await startBot(env), await startBot(env)];
      bots.push(a, b);
      // Ten workspaces, ten different questions, alternating between the two processes.
      for (let n = 0; n < 10; n++) {
        const res = await postToSlackEndpoint((n % 2 ? a : b).baseUrl, ask(`TW${n}`, n));
        expect(res.status).toBe(200);
      }
      const exceeded = async (bot: BotProcess) => {
        const m = /whosecures_llm_budget_exceeded_total\{scope="global",limit="calls_per_minute"\} (\d+)/.exec(await (await fetch(`${bot.baseUrl}/metrics`)).text());
        return m ? Number(m[1]) : 0;
      };
      // Refused turns are counted by the metric (their log line is at debug level).
      const phrased = () => [...a.logs, ...b.logs].filter((l) => l.event === 'llm_phrasing' && l.outcome === 'phrased').length;
      await waitUntil(async () => phrased() + (await exceeded(a)) + (await exceeded(b)) >= 10, 20_000, 'ten phrasing turns');
      await sleep(300);
      expect(fake.callsTo('chat.postMessage')).toHaveLength(10);
      expect(openai.requests).toHaveLength(3);
      expect(phrased()).toBe(3);
      expect((await exceeded(a)) + (await exceeded(b))).toBe(7);
      expect(fake.callsTo('chat.update')).toHaveLength(3);
      // At most one state-change line per process.
      for (const bot of [a, b]) expect(bot.logs.filter((l) => l.event === 'llm_budget_exceeded').length).toBeLessThanOrEqual(1);
    }, 120_000);
  });
});
