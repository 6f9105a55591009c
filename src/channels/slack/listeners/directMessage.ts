import type { App } from '@slack/bolt';
import { answerIntoConversation } from '../reply/postAnswer';
import { withApology } from '../reply/apology';
import type { SlackDeps } from '../reply/slackDeps';
import { questionFromSlackText } from '../slackText';
import { isStopMessage } from '../onboarding';

/** Thread id for a DM's top level, so follow-ups without a mention keep the DM's context. */
export const DM_THREAD = 'dm';

/**
 * Top-level direct messages (message.im). Threaded DMs, including the assistant panel, are
 * taken by the Assistant listener first; edits and bot messages never get here.
 */
export function registerDirectMessage(app: App, deps: SlackDeps): void {
  app.event('message', async ({ event, client, context }) => {
    if (event.channel_type !== 'im' || ('subtype' in event && event.subtype && event.subtype !== 'file_share')) return;
    const message = event as { channel: string; user?: string; text?: string; thread_ts?: string };
    if (!message.thread_ts && isStopMessage(message.text)) return; // the onboarding opt-out (../onboarding)
    const target = { channel: message.channel, threadTs: message.thread_ts };
    await withApology(
      deps,
      'message.im',
      () =>
        answerIntoConversation(deps, client, {
          text: questionFromSlackText(message.text, context.botUserId) || 'help',
          platform: 'slack',
          userId: message.user ?? 'unknown',
          conversationId: message.channel,
          threadId: message.thread_ts ?? DM_THREAD,
        }, target),
      { client, target },
    );
  });
}
