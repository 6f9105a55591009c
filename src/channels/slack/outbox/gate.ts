import type { App, ReceiverEvent } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Metrics } from '../../../metrics';
import type { EventIntake } from '../../../outbox/intake';
import type { OutboxWorker } from '../../../outbox/worker';
import type { AdmitInput, AdmitOutcome } from '../../../store/types';
import { isIgnoredEvent } from '../middleware/ignoreBots';
import { admissionFor, type ReplyLimits } from './replyJobs';

/** Refused before the ack (too much held in memory): the receiver answers 500, Slack redelivers. */
export class OutboxRefusedError extends Error {
  constructor() {
    super('the reply outbox is not accepting events (store unavailable and the memory bound reached)');
    this.name = 'OutboxRefusedError';
  }
}

export interface GateDeps {
  intake: EventIntake;
  worker: OutboxWorker;
  logger: Logger;
  metrics: Metrics;
  limits: ReplyLimits;
  botUserId: () => string | undefined;
}

interface EventBody {
  type?: string;
  event_id?: unknown;
  event?: Record<string, unknown>;
}

/**
 * Runs in front of Bolt for every Events API delivery, over HTTP and Socket Mode alike (both
 * receivers call `app.processEvent`): the event's claim and its reply job are written in one
 * store transaction *before* the ack (Bolt itself acks events before any middleware runs).
 * Reply jobs are posted by the outbox worker; events without one are handed to Bolt once claimed.
 */
export function installOutboxGate(app: App, deps: GateDeps): { onLateOutcome: (input: AdmitInput, outcome: AdmitOutcome | undefined) => void } {
  const dispatch = app.processEvent.bind(app);
  const waitingForClaim = new Map<string, ReceiverEvent>();

  const settle = (input: AdmitInput, outcome: AdmitOutcome, event: ReceiverEvent | undefined): Promise<void> | void => {
    const { logger, metrics, worker } = deps;
    if (!outcome.claimed) {
      metrics.retriesDropped.inc({ platform: 'slack' });
      metrics.outboxAdmissions.inc({ outcome: 'duplicate' });
      const body = event?.body as EventBody | undefined;
      logger.info({ event: 'slack_event_duplicate', eventId: body?.event_id ?? input.eventKey, retryNum: event?.retryNum, retryReason: event?.retryReason }, 'Slack event already claimed; not answering twice');
      return;
    }
    metrics.outboxAdmissions.inc({ outcome: outcome.queued });
    if (outcome.queued === 'flood' || outcome.queued === 'flood_silent') metrics.rateLimited.inc({ platform: 'slack' });
    if (outcome.queued !== 'none') {
      if (outcome.queued !== 'job') logger.info({ event: 'slack_event_limited', reason: outcome.queued, eventKey: input.eventKey }, 'question not queued: over a limit');
      // A job leased in its admission is already running.
      if (!outcome.leased) worker.wake();
      return;
    }
    if (!event) return;
    // Claimed, nothing to post: Bolt's listeners (assistant threads, onboarding, uninstall) run it.
    return dispatch({ ...event, ack: async () => undefined, customProperties: { ...(event.customProperties ?? {}), eventClaimed: true } });
  };

  app.processEvent = async (event: ReceiverEvent): Promise<void> => {
    const body = event.body as EventBody;
    if (body.type !== 'event_callback' || typeof body.event_id !== 'string' || !body.event) return dispatch(event);
    if (isIgnoredEvent(body.event, deps.botUserId() ?? botFromBody(body))) {
      await event.ack();
      return;
    }
    const input = admissionFor(body as Parameters<typeof admissionFor>[0], deps.limits, deps.botUserId());
    const result = await deps.intake.admit(input);
    if (!result.durable && !result.held) throw new OutboxRefusedError();
    await event.ack();
    if (result.durable) return settle(input, result.outcome, event);
    if (!input.job) waitingForClaim.set(input.eventKey, event);
  };

  return {
    onLateOutcome(input, outcome) {
      const event = waitingForClaim.get(input.eventKey);
      waitingForClaim.delete(input.eventKey);
      if (outcome) void Promise.resolve(settle(input, outcome, event)).catch((err: unknown) => deps.logger.error({ err, event: 'slack_late_dispatch_failed' }, 'late Slack event failed'));
    },
  };
}

function botFromBody(body: EventBody): string | undefined {
  const auth = (body as { authorizations?: Array<{ user_id?: string }> }).authorizations?.[0];
  return typeof auth?.user_id === 'string' ? auth.user_id : undefined;
}
