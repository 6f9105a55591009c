import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics';
import type { AdmitInput, AdmitLease, AdmitOutcome, OutboxJob, Store } from '../store/types';
import { GiveUp, RetryLater } from './errors';

/** What a handler reports: the job's final state and, optionally, work to run once it is marked. */
export interface JobOutcome {
  /** `parked`: the handler kept it with `parkJob` for a later trigger; marked done here, sent later. */
  status: 'sent' | 'expired' | 'parked';
  /** Follow-up that must not hold the lane or the lease (e.g. an LLM phrasing of the answer). */
  afterwards?: () => Promise<void>;
}

export interface JobContext {
  /** The job waited longer than `maxAgeMs`: tell the user instead of answering late. */
  stale: boolean;
}

export type JobHandler = (job: OutboxJob, context: JobContext) => Promise<JobOutcome>;

export interface OutboxWorkerOptions {
  store: Store;
  logger: Logger;
  metrics: Metrics;
  handlers: Record<string, JobHandler>;
  /** Gap after a send before the lane's next one (Slack: about 1 s per channel). */
  laneSpacingMs: (job: OutboxJob) => number;
  owner?: string;
  /** How long a lease protects a job from other replicas; far above one send. */
  leaseMs?: number;
  /** How often the store is asked for work that other replicas or earlier runs left. */
  pollMs?: number;
  /** Lanes sent to at once by this replica. */
  concurrency?: number;
  /** Attempts before a job that keeps failing is given up. */
  maxAttempts?: number;
  maxAgeMs?: number;
  now?: () => number;
}

interface Unmarked {
  job: OutboxJob;
  outcome: JobOutcome;
  laneNextAt: number;
  /** Leased in its admission on this replica (see `reserve`). */
  adopted: boolean;
}

/** What the event intake needs from a worker to have reply jobs leased in their admission. */
export interface AdmissionLeaser {
  /** A lease for the admission's job when this worker can start it now; undefined otherwise. */
  reserve(kind: string): AdmitLease | undefined;
  /**
   * When an admission with a job has settled (outcome undefined: the write failed); `reserved`
   * says it had a lease from `reserve`, which this gives back. Exactly once per reservation.
   */
  admitted(input: AdmitInput, outcome: AdmitOutcome | undefined, reserved: boolean): void;
}

/**
 * Posts the outbox's jobs. Every replica runs one; the store's leases decide who sends what,
 * so a job is sent by one replica at a time and a lane (channel) has one send in flight.
 * A job is marked sent exactly once (the mark checks the lease); a mark that fails because the
 * store is away is retried from memory, never by sending again. What a crash between the send
 * and its mark leaves is a job whose lease expires and is sent again (attempts > 1, logged).
 */
export class OutboxWorker implements AdmissionLeaser {
  readonly owner: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Slots promised to admissions whose write (with the lease) has not settled yet. */
  private reserved = 0;
  /**
   * The store may hold due work this worker has not leased (set by admissions queued without a
   * lease and by lease queries that filled every free slot). While it is false, a job leased
   * in its admission finishes without a lease query: the poll finds anything else.
   */
  private dirty = true;
  /** Lanes with a job admitted here but queued behind another: they get their pacing wake. */
  private readonly lanesWithMore = new Set<string>();
  private readonly unmarked: Unmarked[] = [];
  private readonly followUps = new Set<Promise<void>>();
  private poll?: NodeJS.Timeout;
  private statsTimer?: NodeJS.Timeout;
  private readonly wakeTimers = new Set<NodeJS.Timeout>();
  private ticking = false;
  private again = false;
  private stopping = false;
  private started = false;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.owner = options.owner ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 500;
    this.concurrency = options.concurrency ?? 64;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.maxAgeMs = options.maxAgeMs ?? 600_000;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.poll = setInterval(() => this.wake(), this.pollMs);
    this.poll.unref();
    this.statsTimer = setInterval(() => void this.refreshStats(), 5000);
    this.statsTimer.unref();
    this.wake();
  }

  reserve(kind: string): AdmitLease | undefined {
    if (!this.started || this.stopping || !this.options.handlers[kind]) return undefined;
    if (this.inFlight.size + this.reserved >= this.concurrency) return undefined;
    this.reserved += 1;
    return { owner: this.owner, leaseMs: this.leaseMs };
  }

  admitted(input: AdmitInput, outcome: AdmitOutcome | undefined, reserved: boolean): void {
    if (reserved) this.reserved = Math.max(0, this.reserved - 1);
    const leased = outcome?.claimed ? outcome.leased : undefined;
    if (!leased) {
      if (outcome?.claimed && outcome.jobId !== undefined) {
        // Queued behind another job of its lane (or the lane is pacing): found by a lease query.
        this.dirty = true;
        if (this.lanesWithMore.size >= 10_000) this.lanesWithMore.clear(); // the poll still finds them
        if (input.job) this.lanesWithMore.add(input.job.lane);
      }
      return;
    }
    if (this.stopping || this.inFlight.has(leased.lane)) {
      // Too late to start it here: give the lease back so the next process takes it at once.
      this.dirty = true;
      void this.options.store.releaseLeases(this.owner, [leased.id]).catch(() => undefined);
      return;
    }
    this.launch(leased, true);
  }

  /** Look for work now (a job was just admitted on this replica, or a lane's pause ended). */
  wake(): void {
    if (!this.started || this.stopping) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    void this.tick().finally(() => {
      this.ticking = false;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Sends in progress on this replica (lanes). */
  get busy(): number {
    return this.inFlight.size;
  }

  /**
   * Stops taking new jobs after `takeForMs` (keeps draining until then), then waits up to
   * `drainMs` for sends in flight and their marks. Jobs not sent stay in the store for the next
   * process. Resolves with what was still unfinished.
   */
  async stop(takeForMs: number, drainMs: number): Promise<{ inFlight: number; unmarked: number }> {
    if (takeForMs > 0 && this.started) {
      const until = this.now() + takeForMs;
      while (this.now() < until && (await this.hasDueWork())) await sleep(Math.min(100, until - this.now()));
    }
    this.stopping = true;
    if (this.poll) clearInterval(this.poll);
    if (this.statsTimer) clearInterval(this.statsTimer);
    for (const t of this.wakeTimers) clearTimeout(t);
    const deadline = this.now() + drainMs;
    while ((this.inFlight.size || this.unmarked.length || this.followUps.size) && this.now() < deadline) {
      if (this.unmarked.length) await this.markUnmarked();
      await Promise.race([Promise.allSettled([...this.inFlight.values(), ...this.followUps]), sleep(100)]);
    }
    return { inFlight: this.inFlight.size, unmarked: this.unmarked.length };
  }

  private async hasDueWork(): Promise<boolean> {
    if (this.inFlight.size || this.unmarked.length) return true;
    return ((await this.pending()) ?? 0) > 0;
  }

  /** Jobs of this worker's kinds still waiting in the store (undefined when it cannot say). */
  async pending(): Promise<number | undefined> {
    const stats = await this.options.store.outboxStats(this.kinds).catch(() => undefined);
    return stats?.pending;
  }

  private get kinds(): string[] {
    return Object.keys(this.options.handlers);
  }

  private async refreshStats(): Promise<void> {
    const stats = await this.options.store.outboxStats().catch(() => undefined);
    if (!stats) return;
    this.options.metrics.outboxPending.set(stats.pending);
    this.options.metrics.outboxOldestSeconds.set(stats.oldestPendingAt ? Math.max(0, (this.now() - stats.oldestPendingAt.getTime()) / 1000) : 0);
  }

  private async tick(): Promise<void> {
    if (this.unmarked.length) await this.markUnmarked();
    const room = this.concurrency - this.inFlight.size - this.reserved;
    if (this.stopping) return;
    if (room <= 0) {
      this.dirty = true;
      return;
    }
    let jobs: OutboxJob[];
    try {
      jobs = await this.options.store.leaseJobs({ owner: this.owner, leaseMs: this.leaseMs, limit: room, skipLanes: [...this.inFlight.keys()], kinds: this.kinds });
    } catch {
      this.dirty = true;
      return; // the store is away: the poll tries again (the store logs the outage once)
    }
    // A full batch may have left more behind; a short one took everything due just now.
    this.dirty = jobs.length >= room;
    for (const job of jobs) this.launch(job, false);
  }

  private launch(job: OutboxJob, adopted: boolean): void {
    const run = this.run(job, adopted).finally(() => {
      this.inFlight.delete(job.lane);
      // A job from a lease query may have left its lane's next job (or others) due.
      if (!adopted || this.dirty) this.wake();
    });
    this.inFlight.set(job.lane, run);
  }

  private async run(job: OutboxJob, adopted: boolean): Promise<void> {
    const { store, logger, metrics } = this.options;
    const started = this.now();
    if (job.attempts === 1) metrics.outboxQueueSeconds.observe({ kind: job.kind }, Math.max(0, started - job.createdAt.getTime()) / 1000);
    if (job.attempts > 1) logger.warn({ event: 'outbox_job_resumed', jobId: job.id, kind: job.kind, attempts: job.attempts }, 'resuming an outbox job an earlier attempt did not finish');
    const handler = this.options.handlers[job.kind];
    let outcome: JobOutcome;
    try {
      if (!handler) throw new GiveUp(`no handler for job kind ${job.kind}`);
      outcome = await handler(job, { stale: started - job.eventAt.getTime() > this.maxAgeMs });
    } catch (err) {
      await this.failed(job, err);
      return;
    }
    const sentAt = this.now();
    metrics.outboxJobs.inc({ kind: job.kind, outcome: outcome.status });
    if (outcome.status === 'sent') metrics.eventToPostSeconds.observe({ kind: job.kind }, Math.max(0, sentAt - job.eventAt.getTime()) / 1000);
    const entry: Unmarked = { job, outcome, laneNextAt: sentAt + this.options.laneSpacingMs(job), adopted };
    const marked = await store.finishJob({ id: job.id, owner: this.owner, status: outcome.status, lane: job.lane, laneNextAt: new Date(entry.laneNextAt) }).then(
      (ok) => ok,
      () => undefined,
    );
    if (marked === undefined) {
      // Sent but not marked: keep the fact in memory and mark it when the store answers again.
      this.unmarked.push(entry);
      return;
    }
    this.afterMark(entry, marked);
  }

  private afterMark(entry: Unmarked, marked: boolean): void {
    const { logger, metrics } = this.options;
    if (!marked) {
      metrics.outboxJobs.inc({ kind: entry.job.kind, outcome: 'lease_lost' });
      logger.error({ event: 'outbox_lease_lost', jobId: entry.job.id, kind: entry.job.kind }, 'an outbox job was sent after its lease expired; it may have been sent twice');
    }
    // The lane's next job is due once its pacing ends. A job leased in its admission had no job
    // behind it then; unless one was queued since, there is nothing to wake for.
    const lane = entry.job.lane;
    if (!entry.adopted || this.dirty || this.lanesWithMore.has(lane)) {
      this.lanesWithMore.delete(lane);
      this.scheduleWake(entry.laneNextAt);
    }
    const follow = entry.outcome.afterwards;
    if (follow) {
      const p = follow()
        .catch((err: unknown) => logger.warn({ event: 'outbox_follow_up_failed', jobId: entry.job.id, err: (err as Error)?.message }, 'follow-up after a send failed'))
        .finally(() => this.followUps.delete(p));
      this.followUps.add(p);
    }
  }

  private async markUnmarked(): Promise<void> {
    while (this.unmarked.length) {
      const entry = this.unmarked[0];
      const marked = await this.options.store
        .finishJob({ id: entry.job.id, owner: this.owner, status: entry.outcome.status, lane: entry.job.lane, laneNextAt: new Date(Math.max(entry.laneNextAt, this.now())) })
        .then((ok) => ok, () => undefined);
      if (marked === undefined) return;
      this.unmarked.shift();
      this.afterMark(entry, marked);
    }
  }

  private scheduleWake(at: number): void {
    const wait = at - this.now();
    if (wait <= 0 || this.stopping) return this.wake();
    const timer = setTimeout(() => {
      this.wakeTimers.delete(timer);
      this.wake();
    }, wait + 5);
    timer.unref();
    this.wakeTimers.add(timer);
  }

  private async failed(job: OutboxJob, err: unknown): Promise<void> {
    const { store, logger, metrics } = this.options;
    const message = String((err as Error)?.message ?? err).slice(0, 300);
    const permanent = err instanceof GiveUp || job.attempts >= this.maxAttempts;
    if (permanent) {
      metrics.outboxJobs.inc({ kind: job.kind, outcome: 'failed' });
      logger.error({ event: 'outbox_job_failed', jobId: job.id, kind: job.kind, attempts: job.attempts, err: message }, 'outbox job given up');
      await store.finishJob({ id: job.id, owner: this.owner, status: 'failed', lane: job.lane, laneNextAt: new Date(this.now()), error: message }).catch(() => undefined);
      return;
    }
    const afterMs = err instanceof RetryLater ? err.afterMs : backoffMs(job.attempts);
    metrics.outboxJobs.inc({ kind: job.kind, outcome: 'retry' });
    logger.warn({ event: 'outbox_job_retry', jobId: job.id, kind: job.kind, attempts: job.attempts, afterMs, err: message }, 'outbox job will be retried');
    const at = this.now() + afterMs;
    // If this write fails too, the lease simply expires and the job is retried then.
    await store.retryJob({ id: job.id, owner: this.owner, lane: job.lane, at: new Date(at), error: message, holdLane: err instanceof RetryLater && err.holdLane }).catch(() => undefined);
    this.scheduleWake(at);
  }
}

/** 1 s, 2 s, 4 s, ... up to 30 s, with jitter so replicas do not retry in step. */
export function backoffMs(attempt: number): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
