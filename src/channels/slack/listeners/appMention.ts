import type { App } from '@slack/bolt';
import { answerIntoConversation } from '../reply/postAnswer';
import { withApology } from '../reply/apology';
import type { SlackDeps } from '../reply/slackDeps';
import { questionFromSlackText } from '../slackText';

/**
 * @whosecures in a channel: the answer goes into the mention's thread, and follow-up mentions
 * in that thread share its context ("and for RDS?"), keyed by the thread's root ts.
 */
export function registerAppMention(app: App, deps: SlackDeps): void {
  app.event('app_mention', async ({ event, client, context }) => {
    const threadTs = event.thread_ts ?? event.ts;
    const target = { channel: event.channel, threadTs };
    await withApology(
      deps,
      'app_mention',
      () =>
        answerIntoConversation(deps, client, {
          text: questionFromSlackText(event.text, context.botUserId) || 'help',
          platform: 'slack',
          userId: event.user ?? 'unknown',
          conversationId: event.channel,
          threadId: threadTs,
        }, target),
      { client, target },
    );
  });
}
