import type { App, BlockButtonAction } from '@slack/bolt';
import { decodeFeedbackValue, FEEDBACK_ACTION, ACTION } from '../actionIds';
import { withApology } from '../reply/apology';
import type { SlackDeps } from '../reply/slackDeps';
import { slackWorkspace } from '../workspace';

const workspaceOf = (workspace: string | undefined) => (workspace ? { workspace } : {});

/** "Helpful" / "Not helpful": one vote per user and answer (a second click replaces the first). */
export function registerFeedbackButtons(app: App, deps: SlackDeps): void {
  app.action<BlockButtonAction>(FEEDBACK_ACTION, async ({ ack, action, body, respond }) => {
    await ack();
    await withApology(deps, 'feedback', async () => {
      const value = decodeFeedbackValue(action.value);
      if (!value) {
        deps.logger.warn({ event: 'slack_feedback_malformed' }, 'feedback button without a readable value');
        return;
      }
      const helpful = action.action_id === ACTION.helpful;
      await deps.store.recordFeedback({
        answerId: value.answerId,
        platform: 'slack',
        userHash: deps.store.hashUserId('slack', body.user.id),
        helpful,
        cells: value.cells,
        ...workspaceOf(slackWorkspace({ teamId: body.team?.id, enterpriseId: body.enterprise?.id, isEnterpriseInstall: body.is_enterprise_install })),
        at: new Date(),
      });
      deps.logger.info({ event: 'feedback_recorded', answerId: value.answerId, helpful, platform: 'slack' }, 'feedback recorded');
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: helpful ? 'Thanks! Glad it helped.' : 'Thanks for telling us. The curators review answers marked not helpful.',
      });
    });
  });
}
