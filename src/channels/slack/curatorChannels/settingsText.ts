import type { CuratorChannelKind } from './curatorChannels';

/**
 * The words of `/whosecures settings`, apart from its listener so the question command can tell
 * it apart without importing the listener.
 */

export type SettingsRequest =
  | { action: 'show' }
  | { action: 'choose'; kind: CuratorChannelKind; channel: string }
  | { action: 'off'; kind: CuratorChannelKind }
  | { action: 'default'; kind: CuratorChannelKind }
  /** `#name` as plain text: Slack sent the channel's name, not its id. */
  | { action: 'name_only'; kind: CuratorChannelKind }
  /** `here` in a direct message: no channel to choose. */
  | { action: 'not_a_channel'; kind: CuratorChannelKind }
  | { action: 'usage' };

export const SETTINGS_USAGE = [
  'Usage:',
  '`/whosecures settings`: where the security team\u2019s questions and the weekly digest go in this workspace',
  '`/whosecures settings escalation #channel`: send "Ask the security team" questions to #channel',
  '`/whosecures settings digest #channel`: post the weekly gaps digest in #channel',
  'Instead of `#channel`: `here` (this channel), `off` (nowhere in this workspace) or `default` (what the bot\u2019s operator set).',
].join('\n');

export const SETTINGS_REFUSAL =
  'Sorry, /whosecures settings is for the knowledge-base curators (SLACK_CURATORS). If you should be one, ask whoever runs whosecures to add you or your user group.';

export const NAME_ONLY_NOTE =
  'Slack sent me that channel\u2019s name, not the channel itself, so I cannot tell which one it is. Pick the channel from the list Slack offers as you type `#`, or run the command in that channel with `here`.';

export const NOT_A_CHANNEL_NOTE = 'This is a direct message, not a channel: run the command in the channel you mean, or name it with `#`.';

/** `/whosecures settings …` is the curators' command, not a question. */
export function isSettingsCommand(text: string | undefined): boolean {
  return /^\s*settings\b/i.test(text ?? '');
}

const KINDS: Record<string, CuratorChannelKind> = { escalation: 'escalation', escalations: 'escalation', digest: 'digest' };
/** A channel as Slack escapes it (`<#C…|name>`, `<#C…>`), or its bare id. Never a DM (`D…`). */
const CHANNEL_REF = /^(?:<#([CG][A-Z0-9]{2,20})(?:\|[^>]*)?>|([CG][A-Z0-9]{2,20}))$/;

/** Reads `settings [kind value]`; `here` is the channel the command was typed in. */
export function parseSettingsCommand(text: string, here: string): SettingsRequest {
  const words = text.trim().split(/\s+/).slice(1);
  if (words.length === 0) return { action: 'show' };
  const kind = KINDS[words[0]!.toLowerCase()];
  if (!kind || words.length !== 2) return { action: 'usage' };
  const value = words[1]!;
  const lower = value.toLowerCase();
  if (lower === 'off' || lower === 'none') return { action: 'off', kind };
  if (lower === 'default' || lower === 'reset') return { action: 'default', kind };
  if (lower === 'here') return /^[CG][A-Z0-9]{2,20}$/.test(here) ? { action: 'choose', kind, channel: here } : { action: 'not_a_channel', kind };
  const ref = CHANNEL_REF.exec(value);
  if (ref) return { action: 'choose', kind, channel: (ref[1] ?? ref[2])! };
  if (value.startsWith('#')) return { action: 'name_only', kind };
  return { action: 'usage' };
}
