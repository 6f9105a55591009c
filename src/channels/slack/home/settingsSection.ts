import type { types } from '@slack/bolt';
import type { ChannelCheck } from '../curatorChannels/channelCheck';
import { CURATOR_CHANNEL_KINDS, DEFAULT_SETTING, type CuratorChannel, type CuratorChannelKind } from '../curatorChannels/curatorChannels';
import { settingLine } from '../curatorChannels/renderSettings';
import { plainText, truncate } from '../mrkdwn';
import { SLACK_LIMITS } from '../slackLimits';

type KnownBlock = types.KnownBlock;

/** `home_setting_channel_digest`, `home_setting_off_escalation`, ...: one per kind and control. */
export const HOME_SETTING_ACTION = /^home_setting_(channel|off|default)_(escalation|digest)$/;
export const homeSettingAction = (control: 'channel' | 'off' | 'default', kind: CuratorChannelKind) => `home_setting_${control}_${kind}`;

export function parseHomeSettingAction(actionId: string): { control: 'channel' | 'off' | 'default'; kind: CuratorChannelKind } | undefined {
  const m = HOME_SETTING_ACTION.exec(actionId);
  return m ? { control: m[1] as 'channel' | 'off' | 'default', kind: m[2] as CuratorChannelKind } : undefined;
}

export interface HomeSettings {
  settings: CuratorChannel[];
  checks: Map<string, ChannelCheck>;
  /** The answer to the curator's last change on this tab (what renderChoice says), shown on top. */
  notice?: string;
}

const PLACEHOLDER: Record<CuratorChannelKind, string> = { escalation: 'Channel for the security team\u2019s questions', digest: 'Channel for the weekly digest' };

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText), verbatim: true } });
const button = (text: string, actionId: string, value: string) => ({
  type: 'button' as const,
  text: { type: 'plain_text' as const, text: plainText(text, SLACK_LIMITS.buttonText), emoji: false },
  action_id: actionId,
  value,
});

/**
 * The curators' settings on their Home tab: each kind with where it goes now, a channel picker
 * (Slack's own conversations_select, public and private channels, no DMs or shared channels),
 * and "Turn off" / "Use the default" where they change something. Each block id carries the value
 * in force, so a republished tab shows it even after a pick that was refused.
 */
export function renderHomeSettings(input: HomeSettings): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'divider' }, { type: 'header', text: { type: 'plain_text', text: 'Where curator messages go (curators)', emoji: false } }];
  if (input.notice) blocks.push(section(input.notice));
  for (const kind of CURATOR_CHANNEL_KINDS) {
    const setting = input.settings.find((s) => s.kind === kind);
    if (!setting) continue;
    blocks.push(section(settingLine(setting, setting.channel ? input.checks.get(setting.channel) : undefined)));
    const picker: types.ConversationsSelect = {
      type: 'conversations_select',
      action_id: homeSettingAction('channel', kind),
      placeholder: { type: 'plain_text', text: PLACEHOLDER[kind], emoji: false },
      filter: { include: ['public', 'private'], exclude_bot_users: true, exclude_external_shared_channels: true },
      ...(setting.channel ? { initial_conversation: setting.channel } : {}),
    };
    const elements: types.ActionsBlock['elements'] = [picker];
    if (setting.channel) elements.push(button('Turn off', homeSettingAction('off', kind), kind));
    if (setting.source === 'workspace') elements.push(button(`Use the default (${DEFAULT_SETTING[kind]})`, homeSettingAction('default', kind), kind));
    const state = setting.source === 'workspace' ? setting.channel ?? 'off' : 'default';
    blocks.push({ type: 'actions', block_id: `home_settings_${kind}_${state}`, elements });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: 'Only curators see this. The same from any channel: `/whosecures settings`. Invite me to the channel you choose: `/invite @whosecures`.', verbatim: true }],
  });
  return blocks;
}
