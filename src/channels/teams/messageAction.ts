import type { MessagingExtensionAction, MessagingExtensionActionResponse, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Assistant } from '../../conversation/assistant';
import type { Query } from '../../engine/types';
import type { Metrics } from '../../metrics';
import type { Store } from '../../store/types';
import { stripMarkup } from '../../text/normalize';
import { adaptiveCard, cardAttachment, textBlock, type AdaptiveCardJson } from './render/adaptiveCard';
import { renderAnswerCard, renderTeamsAnswer } from './render/answerCard';
import { teamsWorkspace } from './tenant';
import { escapeCardText, escapeMessageText, plainText } from './text';

/** The message action's command id (appPackage/manifest.json: composeExtensions[0].commands). */
export const ASK_MESSAGE_COMMAND = 'askAboutMessage';

/** The longest question read from a message, as for a typed one in Slack. */
const MAX_QUESTION_CHARS = 2000;
const CLAIM_TTL_SECONDS = 24 * 3600;

export const NO_TEXT_NOTE = 'That message has no text I can read (only its text is used, not files or cards), so there is nothing to answer.';
/** The dialog's question, also its fallback text. */
const DIALOG_QUESTION = 'Answer this message in the conversation?';
export const NOT_A_MEMBER_NOTE =
  'I am not a member of this conversation, so only you see this answer. To let me answer there, add the whosecures app to this team or chat (Apps, whosecures, Add to a team or chat).';

export interface MessageActionDeps {
  assistant: Assistant;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  /** "Ask the security team" on the answer (TEAMS_ESCALATION_CHANNEL set). */
  escalations?: { enabled: boolean };
}

/** The chosen message's text only: Teams sends it as HTML; mentions (`<at>`) are names, not the question. */
export function messageQuestion(action: MessagingExtensionAction): string {
  const content = action.messagePayload?.body?.content ?? '';
  const text = stripMarkup(
    content
      .replace(/<at[^>]*>[\s\S]*?<\/at>/gi, ' ')
      // Inline formatting joins its words ("<b>EC2</b>?"); every other tag separates them.
      .replace(/<\/?(b|i|u|em|strong|s|strike|span|code|a)\b[^>]*>/gi, ''),
  )
    .replace(/\s+/g, ' ')
    .trim();
  return text.slice(0, MAX_QUESTION_CHARS);
}

function dialog(title: string, card: AdaptiveCardJson): MessagingExtensionActionResponse {
  return { task: { type: 'continue', value: { title, height: 'medium', width: 'medium', card: cardAttachment(card) } } } as MessagingExtensionActionResponse;
}

/**
 * fetchTask: a small dialog showing the text that will be answered, so the asker sees what the
 * bot reads before it posts in the conversation.
 */
export function messageActionTask(action: MessagingExtensionAction): MessagingExtensionActionResponse {
  const question = messageQuestion(action);
  if (!question) return dialog('Ask whosecures', adaptiveCard([textBlock(escapeCardText(NO_TEXT_NOTE))], [], NO_TEXT_NOTE));
  const card = adaptiveCard(
    [
      textBlock(DIALOG_QUESTION, { weight: 'Bolder' }),
      textBlock(escapeCardText(plainText(question, 500)), { isSubtle: true }),
      textBlock('Only the message text is read. Everyone in the conversation sees the answer and that you asked for it.', { size: 'Small', isSubtle: true }),
    ],
    [{ type: 'Action.Submit', title: 'Answer in the conversation', data: { ask: 'message' } }],
    DIALOG_QUESTION,
  );
  return dialog('Ask whosecures', card);
}

function isNotAMember(err: unknown): boolean {
  const status = (err as { statusCode?: number; status?: number })?.statusCode ?? (err as { status?: number })?.status;
  return status === 403 || status === 404;
}

/**
 * submitAction: answers the message's text with the same assistant call as a question, posts
 * the answer card in the conversation under "<asker> asked me about this message" (a mention
 * built from the activity's sender), and closes the dialog. Where the bot cannot post (not
 * installed in that team or chat), the answer is shown to the asker alone, in the dialog.
 */
export async function submitMessageAction(context: TurnContext, action: MessagingExtensionAction, deps: MessageActionDeps): Promise<MessagingExtensionActionResponse> {
  const { activity } = context;
  const question = messageQuestion(action);
  if (!question) return dialog('Ask whosecures', adaptiveCard([textBlock(escapeCardText(NO_TEXT_NOTE))], [], NO_TEXT_NOTE));
  if (activity.id && !(await deps.store.claimEvent(`teams:activity:${activity.conversation?.id ?? ''}:${activity.id}`, CLAIM_TTL_SECONDS))) {
    deps.metrics.retriesDropped.inc({ platform: 'teams' });
    return {};
  }
  const conversationId = activity.conversation?.id ?? '';
  const query: Query = {
    text: question,
    platform: 'teams',
    userId: activity.from?.aadObjectId ?? activity.from?.id ?? 'unknown',
    conversationId: conversationId.split(';')[0],
    threadId: conversationId,
  };
  const workspace = teamsWorkspace(activity);
  const answer = await deps.assistant.answer(query, workspace ? { workspace } : {});
  const reply = renderTeamsAnswer(answer, deps.escalations?.enabled ? { escalate: { question } } : {});
  const name = escapeMessageText(plainText(activity.from?.name || 'Someone', 100));
  const mention = `<at>${name}</at>`;
  const message = {
    ...reply,
    text: `${mention} asked me about this message`,
    entities: [...(reply.entities ?? []), ...(activity.from?.id ? [{ type: 'mention', text: mention, mentioned: { id: activity.from.id, name } }] : [])],
  };
  try {
    await context.sendActivity(message);
    deps.logger.info({ event: 'teams_message_action', answerId: answer.id }, 'message action answered in the conversation');
    return {};
  } catch (err) {
    if (!isNotAMember(err)) throw err;
    deps.logger.info({ event: 'teams_message_action_private', answerId: answer.id }, 'could not post in the conversation: answered the asker privately');
    const card = renderAnswerCard(answer);
    return dialog('Ask whosecures', { ...card, body: [textBlock(escapeCardText(NOT_A_MEMBER_NOTE), { isSubtle: true, size: 'Small' }), ...card.body] });
  }
}
