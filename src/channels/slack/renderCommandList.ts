import type { types } from '@slack/bolt';
import type { SlackMessage } from './renderAnswer';
import { SLACK_LIMITS } from './slackLimits';

/**
 * What `/whosecures` can do besides questions. Only the slash command's help shows it: the
 * engine's help answer is the same on every platform and knows nothing of Slack commands.
 */
export const COMMAND_LIST = [
  '*Commands*',
  '• `/whosecures <question>`: a private answer you can share in the channel',
  '• `/whosecures compare ec2 rds lambda patching`: one line per service',
  '• `/whosecures onboard` (or `onboard stop`), `/whosecures progress`: the onboarding course',
  '• `/whosecures gaps [7d]`: for curators, the top ten questions the knowledge base answered badly',
  '• `/whosecures settings`: for curators, where "Ask the security team" questions and the weekly digest go in this workspace',
].join('\n');

/** The help answer with the command list after its text, before its buttons; within the block limit. */
export function withCommandList(message: SlackMessage): SlackMessage {
  if (message.blocks.length >= SLACK_LIMITS.blocksPerMessage) return message;
  const block: types.KnownBlock = { type: 'section', text: { type: 'mrkdwn', text: COMMAND_LIST, verbatim: true } };
  const firstActions = message.blocks.findIndex((b) => b.type === 'actions');
  const at = firstActions === -1 ? message.blocks.length : firstActions;
  return { ...message, blocks: [...message.blocks.slice(0, at), block, ...message.blocks.slice(at)] };
}
