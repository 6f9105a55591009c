import type { Logger } from 'pino';
import type { Metrics } from '../metrics';
import type { AdmitInput, AdmitOutcome, Store } from '../store/types';
import { backoffMs, type AdmissionLeaser } from './worker';

export type IntakeResult =
  /** Written (or found already claimed) within the bound. */
  | { durable: true; outcome: AdmitOutcome }
  /** The store did not answer in time: ack anyway, the admission goes on in memory. */
  | { durable: false; held: true }
  /** Too much is already held in memory: do not ack, so the platform redelivers later. */
  | { durable: false; held: false };

export interface EventIntakeOptions {
  store: Store;
  logger: Logger;
  metrics: Metrics;
  /** How long an ack may wait for the outbox write. */
  ackBoundMs?: number;
  /** Admissions held in memory (store slow or away) before new events are refused. */
  maxHeld?: number;
  /** How long a held admission is retried before it is given up (and counted as lost). */
  holdForMs?: number;
  /**
   * The worker that sends these jobs: a reply job that can be sent at once is leased to it in
   * its admission's transaction and started without a lease query.
   */
  leaser?: AdmissionLeaser;
  /** Called once a held admission reaches the store (or is given up: undefined). */
  onLateOutcome: (input: AdmitInput, outcome: AdmitOutcome | undefined) => void;
}

/**
 * Writes an event's claim and reply job before its ack, waiting at most `ackBoundMs`. Past the
 * bound the ack goes out and the admission stays in memory, retried until the store takes it:
 * nothing is answered until the store has decided the claim, so a store outage can delay
 * replies but never duplicate them. Only a crash while an admission is held loses it (counted in
 * whosecures_outbox_held_lost_total; Slack does not redeliver an acked event).
 */
export class EventIntake {
  private readonly held = new Map<string, AdmitInput>();
  private readonly ackBoundMs: number;
  private readonly maxHeld: number;
  private readonly holdForMs: number;
  private closed = false;

  constructor(private readonly options: EventIntakeOptions) {
    this.ackBoundMs = options.ackBoundMs ?? 500;
    this.maxHeld = options.maxHeld ?? 1000;
    this.holdForMs = options.holdForMs ?? 3_600_000;
  }

  get heldCount(): number {
    return this.held.size;
  }

  async admit(input: AdmitInput): Promise<IntakeResult> {
    const { store, metrics } = this.options;
    if (this.held.has(input.eventKey)) return { durable: false, held: true }; // a redelivery of one already held
    const leaser = this.options.leaser;
    const lease = input.job && !this.closed ? leaser?.reserve(input.job.kind) : undefined;
    const write = store.admitEvent(lease ? { ...input, lease } : input);
    // Settled first (before the ack path below sees the outcome), whether in time or late.
    if (input.job && leaser) {
      write.then(
        (outcome) => leaser.admitted(input, outcome, lease !== undefined),
        () => leaser.admitted(input, undefined, lease !== undefined),
      );
    }
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.ackBoundMs);
    });
    const first = await Promise.race([write.then((outcome) => ({ outcome }), () => 'failed' as const), bound]);
    clearTimeout(timer);
    if (typeof first === 'object') return { durable: true, outcome: first.outcome };
    if (this.held.size >= this.maxHeld || this.closed) {
      metrics.outboxAdmissions.inc({ outcome: 'refused' });
      // The write may still land; a redelivery then finds the claim and is not answered twice.
      write.catch(() => undefined);
      return { durable: false, held: false };
    }
    metrics.outboxAdmissions.inc({ outcome: 'held' });
    this.held.set(input.eventKey, input);
    metrics.outboxHeld.set(this.held.size);
    void this.finishHeld(input, first === 'late' ? write : undefined);
    return { durable: false, held: true };
  }

  private async finishHeld(input: AdmitInput, inFlight: Promise<AdmitOutcome> | undefined): Promise<void> {
    const { store, logger, metrics } = this.options;
    const giveUpAt = Date.now() + this.holdForMs;
    let attempt = 0;
    let outcome: AdmitOutcome | undefined;
    let pending = inFlight;
    while (!outcome) {
      try {
        outcome = await (pending ?? store.admitEvent(input));
      } catch {
        pending = undefined;
        if (this.closed || Date.now() > giveUpAt) break;
        await new Promise((r) => setTimeout(r, Math.min(5000, backoffMs(++attempt))).unref());
      }
    }
    this.held.delete(input.eventKey);
    metrics.outboxHeld.set(this.held.size);
    if (!outcome) {
      metrics.outboxHeldLost.inc();
      logger.error({ event: 'outbox_admission_lost', eventKey: input.eventKey }, 'an acked event could not be written to the outbox');
    } else {
      logger.info({ event: 'outbox_admission_late', eventKey: input.eventKey, claimed: outcome.claimed }, 'an event held in memory reached the outbox');
    }
    this.options.onLateOutcome(input, outcome);
  }

  /**
   * At shutdown: one last try for what is held, within `ms`. Resolves with how many are still
   * held (lost when the process exits).
   */
  async close(ms: number): Promise<number> {
    const deadline = Date.now() + ms;
    while (this.held.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    this.closed = true;
    const left = this.held.size;
    if (left) {
      this.options.metrics.outboxHeldLost.inc(left);
      this.options.logger.error({ event: 'outbox_admissions_lost_at_shutdown', count: left }, 'acked events still held in memory at shutdown');
    }
    return left;
  }
}
