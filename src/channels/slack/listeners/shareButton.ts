import type { App, BlockButtonAction } from '@slack/bolt';
import { ACTION } from '../actionIds';
import { recallAnswer } from '../reply/answerCache';
import { withApology } from '../reply/apology';
import { isNotInChannel } from '../reply/slackErrors';
import { postMessage } from '../reply/slackTransport';
import type { SlackDeps } from '../reply/slackDeps';
import { renderSlackAnswer } from '../renderAnswer';

/**
 * "Share in channel" on an ephemeral answer: posts the same answer publicly, credited to the
 * user who shared it, and removes the ephemeral copy. Where the bot is not a member, the
 * command's response_url posts it instead.
 */
export function registerShareButton(app: App, deps: SlackDeps): void {
  app.action<BlockButtonAction>(ACTION.share, async ({ ack, action, body, client, respond }) => {
    await ack();
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (!channel) return;
    await withApology(
      deps,
      'share',
      async () => {
        const answer = action.value ? await recallAnswer(deps.store, action.value) : undefined;
        if (!answer) {
          await respond({ response_type: 'ephemeral', replace_original: false, text: 'That answer has expired. Ask again with /whosecures and share the new one.' });
          return;
        }
        const message = renderSlackAnswer(answer, { sharedBy: body.user.id });
        try {
          await postMessage(client, { channel }, message, deps.pacer);
        } catch (err) {
          if (!isNotInChannel(err)) throw err;
          await respond({ response_type: 'in_channel', replace_original: false, text: message.text, blocks: message.blocks });
        }
        await respond({ delete_original: true }).catch(() => undefined);
      },
      { client, target: { channel }, user: body.user.id },
    );
  });
}
