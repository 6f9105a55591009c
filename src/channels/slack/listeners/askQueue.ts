import type { Logger } from 'pino';
import type { Metrics } from '../../../metrics';
import type { EventIntake } from '../../../outbox/intake';
import type { OutboxWorker } from '../../../outbox/worker';
import { askedAdmission, type AskedInput } from '../outbox/askedJobs';
import type { ReplyLimits } from '../outbox/replyJobs';

export interface AskQueueDeps {
  intake: EventIntake;
  worker: OutboxWorker;
  logger: Logger;
  metrics: Metrics;
  limits: ReplyLimits;
}

export type AskOutcome = 'queued' | 'limited' | 'duplicate' | 'held' | 'refused';

/**
 * Writes an asked question (a Home tab click, a message shortcut) into the reply outbox, with
 * its claim, limits and notices, and wakes the worker: the same durable path as a mention.
 */
export async function queueAsked(deps: AskQueueDeps, input: AskedInput): Promise<AskOutcome> {
  const admission = askedAdmission(input, deps.limits);
  const result = await deps.intake.admit(admission);
  if (!result.durable) {
    deps.logger.warn({ event: 'slack_asked_not_durable', origin: input.origin, held: result.held }, 'asked question not yet in the outbox');
    return result.held ? 'held' : 'refused';
  }
  const outcome = result.outcome;
  if (!outcome.claimed) {
    deps.metrics.retriesDropped.inc({ platform: 'slack' });
    return 'duplicate';
  }
  deps.metrics.outboxAdmissions.inc({ outcome: outcome.queued });
  if (outcome.queued === 'flood' || outcome.queued === 'flood_silent') deps.metrics.rateLimited.inc({ platform: 'slack' });
  // A job leased in its admission is already running.
  if (!outcome.leased) deps.worker.wake();
  return outcome.queued === 'job' ? 'queued' : 'limited';
}
