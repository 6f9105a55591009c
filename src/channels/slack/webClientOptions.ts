import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Metrics } from '../../metrics';

export interface WebClientSettings {
  slackApiUrl?: string;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Options for every Web API client Bolt creates. The SDK already waits for `Retry-After` on
 * 429 and then retries; the default budget (10 retries over about 30 minutes) would keep an
 * answer pending for half an hour, so it is bounded to a few tries within seconds. The fetch
 * wrapper only observes: it counts and logs 429s so throttling shows up in metrics.
 */
export function webClientOptions(settings: WebClientSettings): webApi.WebClientOptions {
  const { logger, metrics } = settings;
  const observedFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 429) {
      const method = String(input instanceof Request ? input.url : input).split('/').pop();
      metrics.errors.inc({ component: 'slack_api_rate_limited' });
      logger.warn({ event: 'slack_api_rate_limited', method, retryAfter: response.headers.get('retry-after') }, 'Slack Web API rate limit; retrying after Retry-After');
    }
    return response;
  };
  return {
    ...(settings.slackApiUrl ? { slackApiUrl: withTrailingSlash(settings.slackApiUrl) } : {}),
    retryConfig: { retries: 3, factor: 2, minTimeout: 100, maxTimeout: 2000 },
    timeout: 10_000,
    fetch: observedFetch,
  };
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
