import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Metrics } from '../../metrics';

export const APOLOGY = 'Sorry, something went wrong while answering. Please try again in a moment.';

/**
 * The adapter's one top-level error handler: logs the failure with its context, counts it and
 * sends a short apology. It never throws, so a failed turn cannot become an unhandled rejection.
 */
export function teamsTurnErrorHandler(deps: { logger: Logger; metrics: Metrics }) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    const { logger, metrics } = deps;
    metrics.errors.inc({ component: 'teams' });
    logger.error(
      {
        err: error,
        event: 'teams_turn_failed',
        activityId: context.activity?.id,
        type: context.activity?.type,
        name: context.activity?.name,
        conversationType: context.activity?.conversation?.conversationType,
      },
      'Teams turn failed',
    );
    // Invokes get their error in the HTTP response; an apology message would be noise there.
    if (context.activity?.type === 'invoke') return;
    await context.sendActivity(APOLOGY).catch((err: unknown) => logger.warn({ err, event: 'teams_apology_failed' }, 'could not send the apology'));
  };
}
