import type { webApi } from '@slack/bolt';
import { errorSummary } from './slackErrors';
import type { ConversationTarget } from './slackTransport';
import type { SlackDeps } from './slackDeps';

export const APOLOGY = 'Sorry, something went wrong while answering that. Please try again in a moment.';

/**
 * The one top-level handler of each Slack listener: logs the failure with its context, counts
 * it, and tells the user with a short apology (which may itself fail if Slack is unreachable).
 */
export async function withApology(
  deps: Pick<SlackDeps, 'logger' | 'metrics' | 'pacer'>,
  what: string,
  work: () => Promise<unknown>,
  apologise?: { client: webApi.WebClient; target: ConversationTarget; user?: string },
): Promise<void> {
  try {
    await work();
  } catch (err) {
    deps.metrics.errors.inc({ component: 'slack' });
    deps.logger.error({ err: errorSummary(err), event: 'slack_handler_failed', handler: what }, 'Slack handler failed');
    if (!apologise) return;
    const { client, target, user } = apologise;
    const sent = user
      ? client.chat.postEphemeral({ channel: target.channel, user, text: APOLOGY, ...(target.threadTs ? { thread_ts: target.threadTs } : {}) })
      : deps.pacer.run(target.channel, () => client.chat.postMessage({ channel: target.channel, text: APOLOGY, unfurl_links: false, unfurl_media: false, ...(target.threadTs ? { thread_ts: target.threadTs } : {}) }));
    await sent.catch((e: unknown) => deps.logger.warn({ err: errorSummary(e), event: 'slack_apology_failed' }, 'could not send the apology'));
  }
}
