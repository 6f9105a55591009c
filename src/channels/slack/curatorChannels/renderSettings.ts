import type { types } from '@slack/bolt';
import { safeText, truncate } from '../mrkdwn';
import type { SlackMessage } from '../renderAnswer';
import { SLACK_LIMITS } from '../slackLimits';
import { isSlackUserId } from '../slackText';
import type { ChannelCheck } from './channelCheck';
import { DEFAULT_SETTING, type CuratorChannel, type CuratorChannelKind } from './curatorChannels';
import { SETTINGS_USAGE } from './settingsText';

type KnownBlock = types.KnownBlock;

export const KIND_LABEL: Record<CuratorChannelKind, string> = {
  escalation: '"Ask the security team" questions',
  digest: 'The weekly gaps digest',
};

const COMMAND: Record<CuratorChannelKind, string> = { escalation: '/whosecures settings escalation', digest: '/whosecures settings digest' };

/** Only ids that look like channels become links; everything else is never echoed. */
const channelLink = (channel: string) => (/^[CG][A-Z0-9]{2,20}$/.test(channel) ? `<#${channel}>` : 'that channel');
const userLink = (user: string | undefined) => (user && isSlackUserId(user) ? `<@${user}>` : 'a curator');
const day = (at: Date | undefined) => (at ? ` on ${at.toISOString().slice(0, 10)}` : '');

/** What the bot can do in the channel, and how to fix it when it cannot post. */
export function membershipNote(channel: string, check: ChannelCheck): string {
  const link = channelLink(channel);
  switch (check.state) {
    case 'member':
      return 'I am a member there, so I can post.';
    case 'not_member':
      return `I am not a member of ${link} yet, so nothing can be posted there: type \`/invite @whosecures\` in ${link}.`;
    case 'not_found':
      return `I cannot see ${link}: if it is a private channel, invite me first (type \`/invite @whosecures\` in it), then choose it again.`;
    case 'archived':
      return `${link} is archived: choose another channel.`;
    case 'not_a_channel':
      return 'That is a direct message, not a channel: choose a channel.';
    case 'unchecked':
      return `I could not check whether I can post in ${link} (Slack said: ${safeText(check.error)}); make sure I am a member: type \`/invite @whosecures\` in it.`;
  }
}

/** One line per kind: where it goes, who chose it, and whether the bot can post there. */
export function settingLine(setting: CuratorChannel, check?: ChannelCheck): string {
  const label = `*${KIND_LABEL[setting.kind]}*`;
  if (setting.source === 'workspace' && !setting.channel) return `${label}: off in this workspace, chosen by ${userLink(setting.setBy)}${day(setting.setAt)}.`;
  if (!setting.channel) return `${label}: not set. Choose a channel: \`${COMMAND[setting.kind]} #channel\`.`;
  const origin = setting.source === 'workspace' ? `chosen by ${userLink(setting.setBy)}${day(setting.setAt)}` : `the default (${DEFAULT_SETTING[setting.kind]})`;
  return `${label}: ${channelLink(setting.channel)}, ${origin}.${check ? ` ${membershipNote(setting.channel, check)}` : ''}`;
}

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText), verbatim: true } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText), verbatim: true }] });

const message = (lines: string[], footer?: string): SlackMessage => ({
  text: truncate(lines.join('\n'), SLACK_LIMITS.fallbackText),
  blocks: [...lines.map(section), ...(footer ? [context(footer)] : [])],
});

export const DIGEST_TIMING =
  'The digest goes out at the first hourly check of each ISO week (Monday 00:00 UTC on); a channel chosen during the week gets that week\u2019s digest at the next check.';
export const ESCALATION_TIMING = 'Questions already posted keep their Reply and Close buttons where they are; new ones go to the channel in force when they are asked.';

/** `/whosecures settings`: both settings of the workspace. */
export function renderSettings(settings: CuratorChannel[], checks: Map<string, ChannelCheck>): SlackMessage {
  const lines = ['*Curator settings for this workspace*', ...settings.map((s) => settingLine(s, s.channel ? checks.get(s.channel) : undefined))];
  return message(lines, SETTINGS_USAGE);
}

export type ChoiceOutcome =
  | { kept: true; setting: CuratorChannel; check?: ChannelCheck }
  | { kept: false; channel: string; check: ChannelCheck; current: CuratorChannel };

const NOW_GOES: Record<CuratorChannelKind, (link: string) => string> = {
  escalation: (link) => `Done: "Ask the security team" questions now go to ${link}.`,
  digest: (link) => `Done: the weekly gaps digest now goes to ${link}.`,
};
const NOW_OFF: Record<CuratorChannelKind, string> = {
  escalation: 'Done: "Ask the security team" is off in this workspace; answers no longer carry the button',
  digest: 'Done: the weekly gaps digest is off in this workspace',
};

/** The answer to a change: what is in force now, and what the curator still has to do. */
export function renderChoice(outcome: ChoiceOutcome): SlackMessage {
  if (!outcome.kept) return message([`Not changed: ${membershipNote(outcome.channel, outcome.check)}`, settingLine(outcome.current)]);
  const { setting, check } = outcome;
  const timing = setting.kind === 'digest' ? DIGEST_TIMING : ESCALATION_TIMING;
  if (setting.source === 'workspace' && !setting.channel) {
    return message([`${NOW_OFF[setting.kind]} (${DEFAULT_SETTING[setting.kind]} no longer applies here). \`${COMMAND[setting.kind]} default\` brings the default back.`]);
  }
  if (setting.source === 'default') return message(['Done: back to the default.', settingLine(setting, check)], setting.channel ? timing : undefined);
  return message([NOW_GOES[setting.kind](channelLink(setting.channel!)), ...(check ? [membershipNote(setting.channel!, check)] : [])], timing);
}

/** A short private notice (refusals, usage). */
export function renderSettingsNotice(text: string): SlackMessage {
  return { text: truncate(text, SLACK_LIMITS.fallbackText), blocks: [section(safeText(text))] };
}
