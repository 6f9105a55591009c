import type { AdmitInput, OutboxJobInput, Store } from '../../src/store/types';
import { type TestDb, postgresStatus, postgresTestDb, sqliteTestDb, testClock } from '../store/helpers/backends';

const job = (lane: string, user = 'U1', text = 'q'): OutboxJobInput => ({ kind: 'answer', lane, userKey: `slack:${user}`, payload: { text } });
const notice = (lane: string, user = 'U1'): OutboxJobInput => ({ kind: 'notice', lane: `${lane}:notice`, userKey: `slack:${user}`, payload: { why: 'x' } });

function admit(eventKey: string, j: OutboxJobInput, limits = { maxLaneDepth: 1000, perUserPerMinute: 1000 }): AdmitInput {
  return { eventKey, claimTtlSeconds: 3600, job: j, limits, overflowNotice: notice(j.lane, j.userKey?.slice(6)), floodNotice: notice(j.lane, j.userKey?.slice(6)) };
}

function outboxContract(makeDb: () => Promise<TestDb>): void {
  let db: TestDb;
  let store: Store;
  let clock: ReturnType<typeof testClock>;

  beforeEach(async () => {
    db = await makeDb();
    clock = testClock();
    store = await db.open({ now: clock.now });
  });
  afterEach(async () => {
    await db.cleanup();
  });

  test('the claim and the job are one: a second admission of the event writes nothing', async () => {
    const first = await store.admitEvent(admit('slack:event:E1', job('L1')));
    expect(first).toMatchObject({ claimed: true, queued: 'job', jobId: expect.any(Number) });
    expect(await store.admitEvent(admit('slack:event:E1', job('L1')))).toEqual({ claimed: false });
    expect(await db.raw('SELECT id FROM outbox_jobs')).toHaveLength(1);
    // The claim is the same one the rest of the bot uses.
    expect(await store.claimEvent('slack:event:E1', 3600)).toBe(false);
  });

  test('a failing job insert rolls the claim back, so a retry of the event can still win', async () => {
    const bad = { ...admit('slack:event:E2', job('L1')), job: { ...job('L1'), kind: null as unknown as string } };
    await expect(store.admitEvent(bad)).rejects.toThrow();
    expect(await store.admitEvent(admit('slack:event:E2', job('L1')))).toMatchObject({ claimed: true, queued: 'job' });
  });

  test('leases only the oldest job of a lane, one lane at a time, and marks a job done exactly once', async () => {
    for (let i = 1; i <= 3; i++) await store.admitEvent(admit(`e${i}`, job('A', 'U1', `a${i}`)));
    await store.admitEvent(admit('e4', job('B', 'U2', 'b1')));
    const leased = await store.leaseJobs({ owner: 'r1', leaseMs: 30_000, limit: 10 });
    expect(leased.map((j) => j.payload.text)).toEqual(['a1', 'b1']);
    expect(leased[0]).toMatchObject({ attempts: 1, status: 'pending', eventKey: 'e1' });
    // Another replica finds nothing: both lanes have their head in flight.
    expect(await store.leaseJobs({ owner: 'r2', leaseMs: 30_000, limit: 10 })).toEqual([]);
    const a1 = leased[0];
    expect(await store.finishJob({ id: a1.id, owner: 'r2', status: 'sent', lane: 'A', laneNextAt: clock.now() })).toBe(false);
    expect(await store.finishJob({ id: a1.id, owner: 'r1', status: 'sent', lane: 'A', laneNextAt: new Date(clock.now().getTime() + 1000) })).toBe(true);
    expect(await store.finishJob({ id: a1.id, owner: 'r1', status: 'sent', lane: 'A', laneNextAt: clock.now() })).toBe(false);
    // Lane A paces for a second after its send.
    expect(await store.leaseJobs({ owner: 'r2', leaseMs: 30_000, limit: 10 })).toEqual([]);
    clock.advance(1000);
    expect((await store.leaseJobs({ owner: 'r2', leaseMs: 30_000, limit: 10 })).map((j) => j.payload.text)).toEqual(['a2']);
  });

  test('an expired lease (its process died) is taken over, and the attempt count shows it', async () => {
    await store.admitEvent(admit('e1', job('A')));
    const [first] = await store.leaseJobs({ owner: 'dead', leaseMs: 30_000, limit: 10 });
    clock.advance(29_999);
    expect(await store.leaseJobs({ owner: 'r2', leaseMs: 30_000, limit: 10 })).toEqual([]);
    clock.advance(1);
    const [again] = await store.leaseJobs({ owner: 'r2', leaseMs: 30_000, limit: 10 });
    expect(again).toMatchObject({ id: first.id, attempts: 2 });
    expect(await store.finishJob({ id: first.id, owner: 'dead', status: 'sent', lane: 'A', laneNextAt: clock.now() })).toBe(false);
  });

  test('retry puts the job back for later; holdLane pauses the whole lane (Retry-After)', async () => {
    await store.admitEvent(admit('e1', job('A', 'U1', 'a1')));
    await store.admitEvent(admit('e2', job('A', 'U1', 'a2')));
    const [a1] = await store.leaseJobs({ owner: 'r1', leaseMs: 30_000, limit: 10 });
    const later = new Date(clock.now().getTime() + 2000);
    expect(await store.retryJob({ id: a1.id, owner: 'r1', lane: 'A', at: later, error: 'ratelimited', holdLane: true })).toBe(true);
    expect(await store.leaseJobs({ owner: 'r1', leaseMs: 30_000, limit: 10 })).toEqual([]);
    clock.advance(2000);
    // Order is kept: the retried job is still the lane's head.
    expect((await store.leaseJobs({ owner: 'r1', leaseMs: 30_000, limit: 10 })).map((j) => j.payload.text)).toEqual(['a1']);
  });

  test('a full lane admits the event with one private notice instead of a job', async () => {
    const limits = { maxLaneDepth: 2, perUserPerMinute: 100 };
    expect(await store.admitEvent(admit('e1', job('A', 'U1'), limits))).toMatchObject({ queued: 'job' });
    expect(await store.admitEvent(admit('e2', job('A', 'U2'), limits))).toMatchObject({ queued: 'job' });
    expect(await store.admitEvent(admit('e3', job('A', 'U3'), limits))).toMatchObject({ queued: 'overflow', jobId: expect.any(Number) });
    const rows = await db.raw<{ kind: string; lane: string }>(`SELECT kind, lane FROM outbox_jobs ORDER BY id`);
    expect(rows.map((r) => `${r.kind}@${r.lane}`)).toEqual(['answer@A', 'answer@A', 'notice@A:notice']);
  });

  test('a flooding user gets their limit of answers and one notice a minute, across the lane', async () => {
    const limits = { maxLaneDepth: 1000, perUserPerMinute: 3 };
    const outcomes = [];
    for (let i = 0; i < 10; i++) outcomes.push(await store.admitEvent(admit(`e${i}`, job('A', 'U1'), limits)));
    expect(outcomes.map((o) => (o.claimed ? o.queued : 'dup'))).toEqual(['job', 'job', 'job', 'flood', ...Array(6).fill('flood_silent')]);
    // Someone else in the same channel is not limited by it.
    expect(await store.admitEvent(admit('other', job('A', 'U2'), limits))).toMatchObject({ queued: 'job' });
    clock.advance(60_001);
    expect(await store.admitEvent(admit('later', job('A', 'U1'), limits))).toMatchObject({ queued: 'job' });
  });

  test('stats count pending jobs; purge drops finished ones after a day', async () => {
    await store.admitEvent(admit('e1', job('A')));
    await store.admitEvent(admit('e2', job('B')));
    expect((await store.outboxStats()).pending).toBe(2);
    const [j] = await store.leaseJobs({ owner: 'r1', leaseMs: 30_000, limit: 1 });
    await store.finishJob({ id: j.id, owner: 'r1', status: 'sent', lane: j.lane, laneNextAt: clock.now() });
    expect(await store.outboxStats()).toMatchObject({ pending: 1 });
    clock.advance(86_400_001);
    expect((await store.purgeExpired()).jobs).toBe(1);
    expect(await store.getJob(j.id)).toBeUndefined();
  });

  test('an admission can lease its job to a worker at once, only when the lane could send it now', async () => {
    const lease = { owner: 'r1', leaseMs: 30_000 };
    const first = await store.admitEvent({ ...admit('e1', job('A', 'U1', 'a1')), lease });
    expect(first).toMatchObject({ claimed: true, queued: 'job', leased: { kind: 'answer', lane: 'A', attempts: 1, payload: { text: 'a1' }, eventKey: 'e1' } });
    const leased = first.claimed ? first.leased! : undefined;
    expect(leased?.id).toBe(first.claimed ? first.jobId : undefined);
    // Leased for real: no other worker takes it, and the lease holder marks it once.
    expect(await store.leaseJobs({ owner: 'r2', leaseMs: 30_000, limit: 10 })).toEqual([]);
    // The lane has a job in flight: the next one is queued behind it, not leased.
    const second = await store.admitEvent({ ...admit('e2', job('A', 'U2', 'a2')), lease });
    expect(second).toMatchObject({ claimed: true, queued: 'job' });
    expect(second.claimed && second.leased).toBeFalsy();
    expect(await store.finishJob({ id: leased!.id, owner: 'r1', status: 'sent', lane: 'A', laneNextAt: new Date(clock.now().getTime() + 1000) })).toBe(true);
    // Pacing: the lane's next job waits for it, whether admitted now or queued before.
    const third = await store.admitEvent({ ...admit('e3', job('B', 'U3', 'b1')), lease });
    expect(third.claimed && third.leased).toBeTruthy();
    await store.finishJob({ id: third.claimed ? third.jobId! : 0, owner: 'r1', status: 'sent', lane: 'B', laneNextAt: new Date(clock.now().getTime() + 1000) });
    const paced = await store.admitEvent({ ...admit('e4', job('B', 'U4', 'b2')), lease });
    expect(paced.claimed && paced.leased).toBeFalsy();
    clock.advance(1000);
    expect((await store.leaseJobs({ owner: 'r2', leaseMs: 30_000, limit: 10 })).map((j) => j.payload.text)).toEqual(['a2', 'b2']);
    // A duplicate delivery leases nothing.
    expect(await store.admitEvent({ ...admit('e1', job('A')), lease })).toEqual({ claimed: false });
  });

  test('the lease query takes lane heads oldest first however long the queue, skipping leased and pacing lanes', async () => {
    for (let i = 0; i < 60; i++) await store.admitEvent(admit(`q${i}`, job(`L${i % 20}`, `U${i}`, `m${i}`)));
    const [head] = await store.leaseJobs({ owner: 'r1', leaseMs: 30_000, limit: 1 });
    expect(head.payload.text).toBe('m0');
    await store.finishJob({ id: head.id, owner: 'r1', status: 'sent', lane: 'L0', laneNextAt: new Date(clock.now().getTime() + 5000) });
    const next = await store.leaseJobs({ owner: 'r1', leaseMs: 30_000, limit: 5, skipLanes: ['L1'] });
    // L0 is pacing and L1 skipped: the heads of L2..L6, in order.
    expect(next.map((j) => j.payload.text)).toEqual(['m2', 'm3', 'm4', 'm5', 'm6']);
    expect((await store.leaseJobs({ owner: 'r2', leaseMs: 30_000, limit: 100 })).map((j) => j.payload.text)).toEqual(['m1', ...Array.from({ length: 13 }, (_, k) => `m${k + 7}`)]);
  });

  test('readiness writes: pingWrite succeeds on a healthy store', async () => {
    await expect(store.pingWrite()).resolves.toBeUndefined();
  });
}

const pg = postgresStatus();
const backends: [string, () => Promise<TestDb>][] = [['sqlite', sqliteTestDb]];
if (pg.available) backends.push(['postgres', () => postgresTestDb(pg.url as string)]);
else console.warn(`[outbox tests] SKIPPED PostgreSQL outbox suite: ${pg.reason}`);

describe.each(backends)('reply outbox in the store (%s)', (_name, makeDb) => outboxContract(makeDb));
