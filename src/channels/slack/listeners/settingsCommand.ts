import type { App } from '@slack/bolt';
import { applyChoice, checkAll, type Choice } from '../curatorChannels/choose';
import { CURATOR_CHANNEL_KINDS, workspaceKey, type SlackCuratorChannels } from '../curatorChannels/curatorChannels';
import { renderChoice, renderSettings, renderSettingsNotice } from '../curatorChannels/renderSettings';
import { isSettingsCommand, NAME_ONLY_NOTE, NOT_A_CHANNEL_NOTE, parseSettingsCommand, SETTINGS_REFUSAL, SETTINGS_USAGE } from '../curatorChannels/settingsText';
import type { SlackCurators } from '../curators';
import { withApology } from '../reply/apology';
import type { SlackDeps } from '../reply/slackDeps';
import { slackWorkspace } from '../workspace';
import { sendEphemeral, SLASH_COMMAND } from './slashCommand';

export interface SettingsCommandDeps {
  /** Who may see and change the settings (SLACK_CURATORS, else ONBOARDING_ADMINS). */
  curators: SlackCurators;
  channels: SlackCuratorChannels;
}

/**
 * `/whosecures settings [escalation|digest #channel|here|off|default]`: a workspace's curators
 * see and choose where "Ask the security team" questions and the weekly digest go, privately.
 * Everyone else gets a polite refusal, and nothing is read or changed for them.
 */
export function registerSettingsCommand(app: App, deps: SlackDeps, settings: SettingsCommandDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, client, respond }) => {
    if (!isSettingsCommand(command.text)) return;
    await ack();
    const to = { channel: command.channel_id, user: command.user_id };
    await withApology(
      deps,
      'settings_command',
      async () => {
        const ref = { teamId: command.team_id, enterpriseId: command.enterprise_id, isEnterpriseInstall: command.is_enterprise_install === 'true' };
        const workspace = workspaceKey(ref);
        if (!workspace || !(await settings.curators.isCurator(command.user_id, client, slackWorkspace(ref)))) {
          deps.logger.info({ event: 'slack_settings_refused' }, '/whosecures settings from someone who is not a curator');
          return sendEphemeral(client, respond, to, renderSettingsNotice(SETTINGS_REFUSAL));
        }
        const request = parseSettingsCommand(command.text, command.channel_id);
        if (request.action === 'show') {
          const all = await settings.channels.all(workspace);
          const shown = CURATOR_CHANNEL_KINDS.map((k) => all[k]);
          return sendEphemeral(client, respond, to, renderSettings(shown, await checkAll(client, shown)));
        }
        if (request.action === 'usage') return sendEphemeral(client, respond, to, renderSettingsNotice(SETTINGS_USAGE));
        if (request.action === 'name_only') return sendEphemeral(client, respond, to, renderSettingsNotice(NAME_ONLY_NOTE));
        if (request.action === 'not_a_channel') return sendEphemeral(client, respond, to, renderSettingsNotice(NOT_A_CHANNEL_NOTE));
        const choice: Choice = request.action === 'choose' ? { channel: request.channel } : request.action;
        const outcome = await applyChoice(settings.channels, client, workspace, request.kind, choice, command.user_id);
        deps.logger.info(
          { event: outcome.kept ? 'slack_curator_channel_set' : 'slack_curator_channel_refused', kind: request.kind, workspace, choice: request.action, ...(outcome.check ? { check: outcome.check.state } : {}) },
          outcome.kept ? 'a curator changed where curator messages go' : 'a curator chose a channel the bot cannot post in; nothing changed',
        );
        await sendEphemeral(client, respond, to, renderChoice(outcome));
      },
      { client, target: { channel: command.channel_id }, user: command.user_id },
    );
  });
}
