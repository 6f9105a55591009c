import { z } from 'zod';
import { ONBOARDING_ACTIONS, type OnboardingActionId } from '../../../onboarding/actions';

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

/**
 * Onboarding buttons carry the neutral action id and value of the course views
 * (src/onboarding/actions.ts), whether they come back as Action.Execute data or as the value of
 * an Action.Submit message; the service parses the value strictly.
 */
export const VERB_ONBOARDING = 'whosecures.onboarding';

export const onboardingDataSchema = z.object({
  onboarding: z.enum(Object.values(ONBOARDING_ACTIONS) as [OnboardingActionId, ...OnboardingActionId[]]),
  value: z.string().min(1).max(200),
});
export type OnboardingData = z.infer<typeof onboardingDataSchema>;
