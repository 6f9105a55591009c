import type { Middleware, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Metrics } from '../../metrics';
import { DEFAULT_RETRY, withRetry, type RetryOptions } from './retry';
import { isAllowedServiceUrl, type ServiceUrlPolicy } from './serviceUrls';

/** Marks a turn run by the reply outbox (src/channels/teams/outbox/handlers.ts). */
export const OUTBOX_TURN = Symbol('whosecures.teams.outboxTurn');

export class ServiceUrlRefusedError extends Error {
  readonly code = 'TEAMS_SERVICE_URL_REFUSED';
  constructor(readonly host: string) {
    super(`refusing to call a service URL whose host is not allowed: ${host}`);
    this.name = 'ServiceUrlRefusedError';
  }
}

function hostOf(url: string | undefined): string {
  try {
    return url ? new URL(url).host : '(none)';
  } catch {
    return '(invalid)';
  }
}

/**
 * Every send and update in a turn (replies, typing, proactive messages) passes here: refused
 * unless the conversation's service URL is allowed, retried with backoff on throttling.
 * Invoke responses travel in the HTTP response, not to the connector, so they always pass.
 */
export function outboundMiddleware(deps: { policy: ServiceUrlPolicy; logger: Logger; metrics: Metrics; retry?: RetryOptions }): Middleware {
  const retry = deps.retry ?? DEFAULT_RETRY;
  const guard = (context: TurnContext) => {
    const serviceUrl = context.activity.serviceUrl;
    if (!isAllowedServiceUrl(serviceUrl, deps.policy)) {
      deps.metrics.errors.inc({ component: 'teams_service_url' });
      deps.logger.error({ event: 'teams_service_url_refused', host: hostOf(serviceUrl) }, 'refused to send to a service URL that is not on the allowlist (TEAMS_SERVICE_URL_ALLOWLIST)');
      throw new ServiceUrlRefusedError(hostOf(serviceUrl));
    }
  };
  const options: RetryOptions = {
    ...retry,
    onRetry: (info) => {
      retry.onRetry?.(info);
      deps.logger.warn({ event: 'teams_send_retry', ...info }, 'connector call failed; retrying');
    },
  };
  return {
    async onTurn(context, next) {
      context.onSendActivities(async (ctx, activities, send) => {
        if (activities.every((a) => a.type === 'invokeResponse')) return send();
        guard(ctx);
        // The outbox's own turns: a 429 goes back to the outbox, which holds the whole
        // conversation for its Retry-After instead of sleeping here with the lease.
        if (ctx.turnState.get(OUTBOX_TURN)) return send();
        return withRetry(send, options);
      });
      context.onUpdateActivity(async (ctx, _activity, send) => {
        guard(ctx);
        return withRetry(send, options);
      });
      await next();
    },
  };
}
