import type { App, BlockButtonAction } from '@slack/bolt';
import { FOLLOW_UP_ACTION } from '../actionIds';
import { withApology } from '../reply/apology';
import { slackTransport } from '../reply/slackTransport';
import { renderSlackAnswer } from '../renderAnswer';
import { escalateFor } from '../reply/escalateFor';
import type { SlackDeps } from '../reply/slackDeps';
import { questionFromSlackText } from '../slackText';
import { DM_THREAD } from '../outbox/replyJobs';
import { slackWorkspace } from '../workspace';
import { sendEphemeralAnswer } from './slashCommand';

/**
 * A follow-up button asks its question as the user who clicked it: in the answer's thread
 * (keeping the thread's context), or ephemerally again when the answer was ephemeral.
 */
export function registerFollowUpButtons(app: App, deps: SlackDeps): void {
  app.action<BlockButtonAction>(FOLLOW_UP_ACTION, async ({ ack, action, body, client, respond }) => {
    await ack();
    const channel = body.channel?.id ?? body.container?.channel_id;
    const question = questionFromSlackText(action.value);
    if (!channel || !question) return;
    const user = body.user.id;
    const workspace = slackWorkspace({ teamId: body.team?.id, enterpriseId: body.enterprise?.id, isEnterpriseInstall: body.is_enterprise_install });
    if (body.container?.is_ephemeral || !body.message) {
      await withApology(deps, 'follow_up', async () => {
        const answer = await deps.assistant.answer({ text: question, platform: 'slack', userId: user, conversationId: channel }, workspace ? { workspace } : {});
        await sendEphemeralAnswer(deps, client, respond, { channel, user, workspace }, answer, /^compare\b/i.test(question), false, question);
      }, { client, target: { channel }, user });
      return;
    }
    const message = body.message as { ts: string; thread_ts?: string };
    const isDm = channel.startsWith('D');
    const threadTs = message.thread_ts ?? (isDm ? undefined : message.ts);
    const target = { channel, threadTs };
    const escalate = escalateFor(deps.escalates, workspace, question);
    await withApology(
      deps,
      'follow_up',
      () =>
        deps.replies.now({
          query: { text: question, platform: 'slack', userId: user, conversationId: channel, threadId: threadTs ?? DM_THREAD },
          workspace,
          transport: slackTransport(client, target, async (answer) => renderSlackAnswer(answer, await escalate), { pacer: deps.pacer }),
        }),
      { client, target },
    );
  });
}
