import { ResilientStore } from '../../src/store/resilient';
import type { Store } from '../../src/store/types';
import { captureLogger } from './helpers/captureLogger';
import { type TestDb, sqliteTestDb } from './helpers/backends';

const question = (n: number) => ({ question: `q${n}`, intent: 'who_secures', verdict: 'customer', cells: ['ec2/patching'], confidence: 0.9, platform: 'slack', userId: `U${n}`, at: new Date() });

describe('question log and cache writes batched (STORE_BATCH_MS)', () => {
  let db: TestDb;
  let store: Store;
  const count = async () => (await db.raw<{ n: number }>('SELECT COUNT(*) AS n FROM question_log'))[0].n;

  beforeEach(async () => {
    db = await sqliteTestDb();
  });
  afterEach(async () => {
    await db.cleanup();
  });

  test('rows wait for the batch, are written together, and readers of the log see them at once', async () => {
    store = await db.open({ batchMs: 60_000 });
    await store.logQuestion(question(1));
    await store.logQuestion(question(2));
    expect(await count()).toBe(0);
    expect((await store.listQuestions(new Date(0))).map((q) => q.question)).toEqual(['q1', 'q2']);
    expect(await count()).toBe(2);
  });

  test('cache entries are read back before they are written, and expire as written ones do', async () => {
    let now = Date.now();
    store = await db.open({ batchMs: 60_000, now: () => new Date(now) });
    await store.putCached('thread:slack:C1:1.2', '{"service":"ec2"}', 60);
    expect(await store.getCached('thread:slack:C1:1.2')).toBe('{"service":"ec2"}');
    expect(await db.raw('SELECT key FROM phrasing_cache')).toEqual([]);
    await (store as ResilientStore).flush();
    expect(await db.raw('SELECT key FROM phrasing_cache')).toEqual([{ key: 'thread:slack:C1:1.2' }]);
    await store.putCached('k2', 'v2', 1);
    now += 1001;
    expect(await store.getCached('k2')).toBeUndefined();
    await expect(store.putCached('k3', 'v', 0)).rejects.toMatchObject({ code: 'STORE_INVALID_INPUT' });
  });

  test('the timer writes the batch; so does a full batch, and close()', async () => {
    store = await db.open({ batchMs: 30 });
    await store.logQuestion(question(1));
    await new Promise((r) => setTimeout(r, 120));
    expect(await count()).toBe(1);
    const big = await db.open({ batchMs: 60_000 });
    for (let i = 0; i < 200; i++) await big.logQuestion(question(i));
    await new Promise((r) => setTimeout(r, 50));
    expect(await count()).toBe(201);
    await big.logQuestion(question(999));
    await big.close();
    expect(await count()).toBe(202);
  });

  test('a batch the store cannot take is dropped with one log line, and never throws', async () => {
    const { logger, lines } = captureLogger();
    store = await db.open({ batchMs: 60_000, logger });
    await store.logQuestion(question(1));
    await (store as ResilientStore).inner.close();
    await expect((store as ResilientStore).flush()).resolves.toBeUndefined();
    expect(lines.filter((l) => l.msg === 'store write failed').map((l) => l.op)).toEqual(['writeBatch']);
    expect(JSON.stringify(lines)).not.toContain('q1'); // user text stays out of logs
  });
});

describe('SQLite group commit', () => {
  test('transactions asked for together share a commit; one that fails is rolled back alone', async () => {
    const db = await sqliteTestDb();
    try {
      const store = await db.open();
      const job = (lane: string) => ({ kind: 'answer', lane, payload: { lane } });
      const results = await Promise.allSettled([
        store.admitEvent({ eventKey: 'g1', claimTtlSeconds: 60, job: job('A') }),
        store.admitEvent({ eventKey: 'g2', claimTtlSeconds: 60, job: { ...job('B'), kind: null as unknown as string } }),
        store.admitEvent({ eventKey: 'g3', claimTtlSeconds: 60, job: job('C') }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((await db.raw<{ lane: string }>('SELECT lane FROM outbox_jobs ORDER BY id')).map((r) => r.lane)).toEqual(['A', 'C']);
      // The failed one's claim went with it: its retry can still win.
      expect((await db.raw<{ key: string }>('SELECT key FROM event_claims ORDER BY key')).map((r) => r.key)).toEqual(['g1', 'g3']);
      await expect(store.admitEvent({ eventKey: 'g2', claimTtlSeconds: 60, job: job('B') })).resolves.toMatchObject({ claimed: true });
    } finally {
      await db.cleanup();
    }
  });
});
