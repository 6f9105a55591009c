import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/metrics';
import { EventIntake } from '../../src/outbox/intake';
import { OutboxWorker, type JobHandler } from '../../src/outbox/worker';
import type { AdmitInput, OutboxJob, Store } from '../../src/store/types';
import { type TestDb, sqliteTestDb } from '../store/helpers/backends';

const admission = (eventKey: string, lane: string, text: string): AdmitInput => ({
  eventKey,
  claimTtlSeconds: 3600,
  job: { kind: 'answer', lane, userKey: `slack:${eventKey}`, payload: { text } },
});

/** Leasing in the admission: the hot path's job starts without a lease query, in lane order. */
describe('outbox worker with jobs leased in their admission', () => {
  let db: TestDb;
  let store: Store;
  let worker: OutboxWorker | undefined;
  const logger = createLogger('silent');

  beforeEach(async () => {
    db = await sqliteTestDb();
    store = await db.open();
  });
  afterEach(async () => {
    await worker?.stop(0, 2000);
    worker = undefined;
    await db.cleanup();
  });

  function start(handler: JobHandler, options: { concurrency?: number; spacingMs?: number } = {}) {
    const metrics = createMetrics();
    worker = new OutboxWorker({ store, logger, metrics, handlers: { answer: handler }, laneSpacingMs: () => options.spacingMs ?? 0, pollMs: 60_000, concurrency: options.concurrency ?? 4 });
    const intake = new EventIntake({ store, logger, metrics, leaser: worker, onLateOutcome: () => undefined });
    worker.start();
    return { worker, intake };
  }

  const statusOf = async (text: string) =>
    (await db.raw<{ status: string; attempts: number; payload: string }>('SELECT status, attempts, payload FROM outbox_jobs')).find((r) => JSON.parse(r.payload).text === text);

  test('a job its admission could lease is sent at once, and no lease query runs for it', async () => {
    const sent: OutboxJob[] = [];
    const { intake } = start(async (job) => (sent.push(job), { status: 'sent' }));
    await new Promise((r) => setTimeout(r, 50)); // the start-up lease query finds nothing
    const leaseJobs = jest.spyOn(store, 'leaseJobs');
    const result = await intake.admit(admission('e1', 'A', 'first'));
    expect(result).toMatchObject({ durable: true, outcome: { claimed: true, queued: 'job', leased: { attempts: 1 } } });
    await waitFor(async () => (await statusOf('first'))?.status === 'sent');
    expect(sent.map((j) => j.payload.text)).toEqual(['first']);
    expect(await statusOf('first')).toMatchObject({ attempts: 1 });
    expect(leaseJobs).not.toHaveBeenCalled();
  });

  test('a job queued behind its lane is sent after the one in flight, after the lane pacing', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const sentAt: Array<[string, number]> = [];
    const { intake } = start(
      async (job) => {
        if (job.payload.text === 'a1') await held;
        sentAt.push([String(job.payload.text), Date.now()]);
        return { status: 'sent' };
      },
      { spacingMs: 200 },
    );
    const first = await intake.admit(admission('e1', 'A', 'a1'));
    const second = await intake.admit(admission('e2', 'A', 'a2'));
    expect(first).toMatchObject({ outcome: { leased: expect.any(Object) } });
    expect(second).toMatchObject({ outcome: { queued: 'job' } });
    expect((second as { outcome: { leased?: unknown } }).outcome.leased).toBeUndefined();
    release();
    await waitFor(async () => (await statusOf('a2'))?.status === 'sent', 5000);
    expect(sentAt.map(([t]) => t)).toEqual(['a1', 'a2']);
    expect(sentAt[1][1] - sentAt[0][1]).toBeGreaterThanOrEqual(190);
  });

  test('with every slot busy, admissions queue and are leased as slots free up, each sent once', async () => {
    const gates = new Map<string, () => void>();
    const sent: string[] = [];
    const { intake } = start(
      async (job) => {
        const text = String(job.payload.text);
        if (text === 'slow') await new Promise<void>((r) => gates.set(text, r));
        sent.push(text);
        return { status: 'sent' };
      },
      { concurrency: 1 },
    );
    await intake.admit(admission('e1', 'A', 'slow'));
    const queued = await Promise.all(['B', 'C', 'D'].map((lane, i) => intake.admit(admission(`e${i + 2}`, lane, `m${lane}`))));
    for (const q of queued) expect((q as { outcome: { leased?: unknown } }).outcome.leased).toBeUndefined();
    await waitFor(async () => gates.has('slow'));
    gates.get('slow')!();
    await waitFor(async () => sent.length === 4, 5000);
    expect(sent).toEqual(['slow', 'mB', 'mC', 'mD']);
    const rows = await db.raw<{ status: string; attempts: number }>('SELECT status, attempts FROM outbox_jobs');
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  test('a worker that is stopping gives the lease back, so the next process sends the job at once', async () => {
    const { worker: w, intake } = start(async () => ({ status: 'sent' }));
    const lease = w.reserve('answer');
    expect(lease).toBeDefined();
    await w.stop(0, 100);
    const outcome = await store.admitEvent({ ...admission('e1', 'A', 'late'), lease: lease! });
    w.admitted(admission('e1', 'A', 'late'), outcome, true);
    await waitFor(async () => (await store.leaseJobs({ owner: 'next', leaseMs: 1000, limit: 5 })).length === 1);
    void intake;
  });
});

async function waitFor(check: () => Promise<boolean>, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
