import { z } from 'zod';

/**
 * The verbs of the card buttons (Action.Execute) and the data each one carries. The renderer
 * writes them and the bot reads them back, so both sides share this one definition.
 */
export const VERB_FEEDBACK = 'whosecures.feedback';
export const VERB_ASK = 'whosecures.ask';

export const feedbackDataSchema = z.object({
  answerId: z.string().min(1).max(100),
  helpful: z.boolean(),
  cells: z.array(z.string().max(200)).max(20),
});
export type FeedbackData = z.infer<typeof feedbackDataSchema>;

export const askDataSchema = z.object({ question: z.string().min(1).max(500) });
export type AskData = z.infer<typeof askDataSchema>;
