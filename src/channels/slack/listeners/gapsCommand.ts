import type { App } from '@slack/bolt';
import { collectGaps, parseSince } from '../../../curator';
import type { KnowledgeBase } from '../../../knowledge/types';
import { withApology } from '../reply/apology';
import type { SlackDeps } from '../reply/slackDeps';
import { DEFAULT_GAPS_SINCE, GAPS_REFUSAL, GAPS_USAGE, isGapsCommand } from '../gapsText';
import { renderSlackCuratorNotice, renderSlackGaps } from '../renderGaps';
import type { SlackCurators } from '../curators';
import { slackWorkspace } from '../workspace';
import { sendEphemeral, SLASH_COMMAND } from './slashCommand';

export interface CuratorSettings {
  kb: KnowledgeBase;
  /** Who may see the gaps (SLACK_CURATORS, else ONBOARDING_ADMINS). */
  curators: SlackCurators;
  /** The distributed app: a curator sees their own workspace's gaps only. */
  perWorkspace: boolean;
}

/**
 * `/whosecures gaps [period]`: the top ten places where users found no good answer (not in the
 * knowledge base, low confidence, marked not helpful), privately to a curator. Everyone else
 * gets a polite refusal, and the store is not read for them.
 */
export function registerGapsCommand(app: App, deps: SlackDeps, curator: CuratorSettings): void {
  app.command(SLASH_COMMAND, async ({ command, ack, client, respond }) => {
    if (!isGapsCommand(command.text)) return;
    await ack();
    const to = { channel: command.channel_id, user: command.user_id };
    await withApology(
      deps,
      'gaps_command',
      async () => {
        const workspace = slackWorkspace({ teamId: command.team_id, enterpriseId: command.enterprise_id, isEnterpriseInstall: command.is_enterprise_install === 'true' });
        if (!(await curator.curators.isCurator(command.user_id, client, workspace))) {
          deps.logger.info({ event: 'slack_gaps_refused' }, '/whosecures gaps from someone who is not a curator');
          return sendEphemeral(client, respond, to, renderSlackCuratorNotice(GAPS_REFUSAL));
        }
        const period = command.text.trim().split(/\s+/)[1] ?? DEFAULT_GAPS_SINCE;
        const since = parseSince(period);
        if (!since) return sendEphemeral(client, respond, to, renderSlackCuratorNotice(GAPS_USAGE));
        const report = await collectGaps(deps.store, curator.kb, { since, ...(curator.perWorkspace && workspace ? { workspace } : {}) });
        deps.logger.info({ event: 'slack_gaps_shown', gaps: report.gaps.length, questions: report.scanned.questions, feedback: report.scanned.feedback }, 'gaps shown to a curator');
        await sendEphemeral(client, respond, to, renderSlackGaps(report, period));
      },
      { client, target: { channel: command.channel_id }, user: command.user_id },
    );
  });
}
