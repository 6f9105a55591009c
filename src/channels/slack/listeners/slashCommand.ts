import type { App, RespondFn, webApi } from '@slack/bolt';
import type { Answer } from '../../../engine/types';
import { rememberAnswer } from '../reply/answerCache';
import { withApology } from '../reply/apology';
import { errorSummary, isNotInChannel } from '../reply/slackErrors';
import type { SlackDeps } from '../reply/slackDeps';
import { escalateOption, renderSlackAnswer, type SlackMessage } from '../renderAnswer';
import { questionFromSlackText } from '../slackText';
import { slackWorkspace } from '../workspace';
import { isOnboardingCommand } from '../onboarding';
import { isGapsCommand } from '../gapsText';
import { isSettingsCommand } from '../curatorChannels/settingsText';
import { withCommandList } from '../renderCommandList';

export const SLASH_COMMAND = '/whosecures';

/**
 * `/whosecures <question>`: acked at once, answered ephemerally with a "Share in channel"
 * button. Empty text and `help` give the help answer; `compare …` a one-line-per-row table.
 */
export function registerSlashCommand(app: App, deps: SlackDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, client, respond }) => {
    // Acked and handled by their own listeners: ../onboarding, ./gapsCommand and ./settingsCommand.
    if (isOnboardingCommand(command.text) || isGapsCommand(command.text) || isSettingsCommand(command.text)) return;
    await ack();
    const typed = questionFromSlackText(command.text);
    const question = typed === '' ? 'help' : typed;
    const target = { channel: command.channel_id };
    await withApology(
      deps,
      'slash_command',
      async () => {
        const workspace = slackWorkspace({ teamId: command.team_id, enterpriseId: command.enterprise_id, isEnterpriseInstall: command.is_enterprise_install === 'true' });
        const answer = await deps.assistant.answer({ text: question, platform: 'slack', userId: command.user_id, conversationId: command.channel_id }, workspace ? { workspace } : {});
        await sendEphemeralAnswer(deps, client, respond, { channel: command.channel_id, user: command.user_id, workspace }, answer, /^compare\b/i.test(question), answer.intent === 'help', question);
      },
      { client, target, user: command.user_id },
    );
  });
}

/** Ephemeral answer, kept for "Share in channel"; the help answer lists the slash commands too. */
export async function sendEphemeralAnswer(
  deps: SlackDeps,
  client: webApi.WebClient,
  respond: RespondFn | undefined,
  to: { channel: string; user: string; threadTs?: string; workspace?: string | undefined },
  answer: Answer,
  compact = false,
  listCommands = false,
  /** The question answered: "Ask the security team" sends it to the curators. */
  question?: string,
): Promise<void> {
  await rememberAnswer(deps.store, answer).catch((err: unknown) => deps.logger.warn({ err: errorSummary(err), event: 'slack_answer_cache_failed' }, 'could not keep the answer for sharing'));
  const escalates = question ? await deps.escalates?.(to.workspace) : false;
  const message = renderSlackAnswer(answer, { share: true, compact, ...(question ? escalateOption(escalates, question) : {}) });
  await sendEphemeral(client, respond, to, listCommands ? withCommandList(message) : message);
}

/**
 * chat.postEphemeral needs the bot in the channel; in private channels and DMs between people
 * it is not, and the command's response_url (valid for 30 minutes) is used instead.
 */
export async function sendEphemeral(
  client: webApi.WebClient,
  respond: RespondFn | undefined,
  to: { channel: string; user: string; threadTs?: string },
  message: SlackMessage,
): Promise<void> {
  try {
    await client.chat.postEphemeral({ channel: to.channel, user: to.user, text: message.text, blocks: message.blocks, ...(to.threadTs ? { thread_ts: to.threadTs } : {}) });
  } catch (err) {
    if (!respond || !isNotInChannel(err)) throw err;
    await respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks });
  }
}
