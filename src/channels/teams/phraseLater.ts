import type { ConversationReference, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Assistant } from '../../conversation/assistant';
import type { Answer, Query } from '../../engine/types';
import { renderTeamsAnswer, type TeamsRenderOptions } from './render/answerCard';

/** Runs `logic` in a new turn on a stored conversation (CloudAdapter.continueConversationAsync with the bot's app id). */
export type ContinueConversation = (reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>) => Promise<void>;

/**
 * Answer first, phrasing after: the knowledge-base card has been sent and the request has
 * finished; this asks the LLM for its phrasing and, when there is one, replaces the sent
 * activity (same id) with the phrased, AI-labelled version (or with the answer to the reading an LLM picked, for a
 * low-confidence question). The turn that sent the card is over,
 * so the update runs in a turn of its own on the conversation reference.
 */
export async function replaceWithPhrasing(
  deps: { assistant: Assistant; continueConversation: ContinueConversation; logger: Logger },
  sent: { reference: Partial<ConversationReference>; activityId: string },
  answer: Answer,
  query: Query,
  workspace?: string,
  render: TeamsRenderOptions = {},
): Promise<boolean> {
  const phrased = await deps.assistant.phrase(answer, query, { workspace });
  if (!phrased) return false;
  await deps.continueConversation(sent.reference, async (context) => {
    await context.updateActivity({ ...renderTeamsAnswer(phrased, render), id: sent.activityId });
  });
  deps.logger.info({ event: 'teams_answer_phrased', answerId: answer.id }, 'answer replaced with its phrasing');
  return true;
}
