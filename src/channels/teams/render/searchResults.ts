import type { Answer } from '../../../engine/types';
import { OWNER_LABEL } from '../../../engine/answerText';
import { plainText } from '../text';
import { cardAttachment } from './adaptiveCard';
import { renderAnswerCard } from './answerCard';

/**
 * The search message extension's result: one entry per answer, a compact preview in the list
 * and the full answer card inserted into the conversation when picked. Pure function.
 */
export function renderSearchResults(answers: Answer[]) {
  return {
    composeExtension: {
      type: 'result' as const,
      attachmentLayout: 'list' as const,
      attachments: answers.map((answer) => ({
        ...cardAttachment(renderAnswerCard(answer)),
        preview: {
          contentType: 'application/vnd.microsoft.card.thumbnail',
          content: {
            // Thumbnail cards render plain text here; the titles come from the knowledge base.
            title: plainText(answer.topic?.title ?? answer.headline, 80),
            text: plainText(`${answer.verdict && answer.verdict in OWNER_LABEL ? `${OWNER_LABEL[answer.verdict as keyof typeof OWNER_LABEL]}: ` : ''}${answer.text}`, 160),
          },
        },
      })),
    },
  };
}

/** What the extension shows before anything is typed, or when nothing matched. */
export function renderSearchMessage(text: string) {
  return { composeExtension: { type: 'message' as const, text } };
}
