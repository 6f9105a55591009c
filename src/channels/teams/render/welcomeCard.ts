import type { AskData } from './actions';
import { VERB_ASK } from './actions';
import { adaptiveCard, cardAttachment, textBlock, type AdaptiveCardJson } from './adaptiveCard';

/** Example questions offered on the welcome card; each is one click away. */
export const WELCOME_EXAMPLES = ['who patches the OS on EC2 vs RDS vs Lambda?', 'is S3 encryption on me?', 'what am I responsible for with Lambda?'];

/** The card sent once when a user installs the bot in a personal chat. Pure function. */
export function renderTeamsWelcome(): { type: 'message'; summary: string; attachments: Array<{ contentType: string; content: AdaptiveCardJson }> } {
  const card = adaptiveCard(
    [
      textBlock('Who secures it: AWS or you?', { size: 'Large', weight: 'Bolder' }),
      textBlock(
        'Ask me about the AWS shared responsibility model, for example "who patches the OS on RDS?". Every answer says who is responsible, what each side does, and cites its sources.',
      ),
      textBlock('In a channel or group chat, mention me. Use **compare** for several services and **help** for more. Search answers from the compose box with the message extension.', {
        isSubtle: true,
      }),
    ],
    WELCOME_EXAMPLES.map((question) => {
      const data: AskData = { question };
      return { type: 'Action.Execute', verb: VERB_ASK, title: question, data };
    }),
    'Ask me who secures what on AWS, e.g. "who patches the OS on RDS?".',
  );
  return { type: 'message', summary: 'Who secures it: AWS or you?', attachments: [cardAttachment(card)] };
}
