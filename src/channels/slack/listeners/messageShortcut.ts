import type { App, MessageShortcut } from '@slack/bolt';
import { withApology } from '../reply/apology';
import type { SlackDeps } from '../reply/slackDeps';
import { isSlackUserId } from '../slackText';
import { queueAsked, type AskQueueDeps } from './askQueue';

/** The callback id of the "Ask whosecures" message shortcut (manifest.json: features.shortcuts). */
export const ASK_SHORTCUT = 'ask_whosecures';

/**
 * "Ask whosecures" on a message: only that message's text is read, and the answer goes into its
 * thread through the reply outbox, with the same limits, escaping, question log and phrasing as
 * a mention, and a line saying who asked. The shortcut is acked once the question is in the
 * outbox (within the ack bound); Slack gives three seconds.
 */
export function registerMessageShortcut(app: App, deps: SlackDeps & AskQueueDeps, botUserId: () => string | undefined): void {
  app.shortcut<MessageShortcut>({ callback_id: ASK_SHORTCUT, type: 'message_action' }, async ({ ack, shortcut, context }) => {
    let acked = false;
    const ackOnce = async () => {
      if (acked) return;
      acked = true;
      await ack();
    };
    await withApology(deps, 'message_shortcut', async () => {
      const channel = shortcut.channel?.id;
      const message = shortcut.message as { ts?: string; thread_ts?: string; text?: string };
      if (!channel || !message?.ts || !isSlackUserId(shortcut.user.id)) return;
      const teamId = shortcut.team?.id ?? context.teamId;
      const enterpriseId = shortcut.enterprise?.id ?? context.enterpriseId;
      const threadTs = message.thread_ts ?? message.ts;
      const bot = botUserId() ?? context.botUserId;
      const outcome = await queueAsked(deps, {
        target: { ...(teamId ? { teamId } : {}), ...(enterpriseId ? { enterpriseId } : {}), isEnterpriseInstall: shortcut.is_enterprise_install === true, channel, threadTs },
        user: shortcut.user.id,
        text: message.text ?? '',
        origin: 'shortcut',
        ...(bot ? { botUserId: bot } : {}),
        contextThread: threadTs,
        interactionId: shortcut.action_ts ?? shortcut.trigger_id,
      });
      await ackOnce();
      deps.logger.info({ event: 'slack_message_shortcut', outcome }, 'Ask whosecures on a message');
    });
    // Acked whatever happened above, so Slack does not show the user a timeout on top of an apology.
    await ackOnce();
  });
}
