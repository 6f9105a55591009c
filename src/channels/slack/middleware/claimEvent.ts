import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Metrics } from '../../../metrics';
import type { Store } from '../../../store/types';

/** Slack retries for about an hour; claims live a day, well past the retry horizon. */
export const EVENT_CLAIM_TTL_SECONDS = 24 * 3600;

export function eventClaimKey(eventId: string): string {
  return `slack:event:${eventId}`;
}

/**
 * "First one wins" on Slack's globally unique event_id, in the shared store, before any side
 * effect: retries (X-Slack-Retry-Num, Socket Mode retry_attempt) and other replicas that got
 * the same event stop here. A retry whose first delivery never reached any replica wins its
 * claim and is answered.
 */
export function claimEvents(store: Store, metrics: Metrics, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }) => {
    const b = body as { type?: string; event_id?: unknown };
    if (b.type !== 'event_callback' || typeof b.event_id !== 'string') return next();
    // Claimed already, together with its outbox job, before the ack (../outbox/gate.ts).
    if (context.eventClaimed === true) return next();
    const won = await store.claimEvent(eventClaimKey(b.event_id), EVENT_CLAIM_TTL_SECONDS);
    if (!won) {
      metrics.retriesDropped.inc({ platform: 'slack' });
      logger.info({ event: 'slack_event_duplicate', eventId: b.event_id, retryNum: context.retryNum, retryReason: context.retryReason }, 'Slack event already claimed; not answering twice');
      return;
    }
    await next();
  };
}
