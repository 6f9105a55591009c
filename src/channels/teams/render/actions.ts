import { z } from 'zod';
import { CURATOR_ANSWER_MAX, ESCALATION_QUESTION_MAX, ESCALATION_SUMMARY_MAX } from '../../../curator/escalations';
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

/** "Ask the security team" on an answer: the request src/curator/escalations.ts defines. */
export const VERB_ESCALATE = 'whosecures.escalate';
export const escalateDataSchema = z.object({
  answerId: z.string().min(1).max(100),
  question: z.string().min(1).max(ESCALATION_QUESTION_MAX),
  verdict: z.string().max(40).optional(),
  summary: z.string().max(ESCALATION_SUMMARY_MAX).optional(),
  cell: z.string().max(100).optional(),
});
export type EscalateData = z.infer<typeof escalateDataSchema>;

/** "Close" on the curators' card (Action.Execute; the response is the updated card). */
export const VERB_ESCALATION_CLOSE = 'whosecures.escalation.close';
/**
 * "Answer" on the curators' card is an Action.Submit with `msteams: { type: 'task/fetch' }`: it
 * opens the answer dialog (task/fetch); the dialog's Send comes back as task/submit with the
 * text box's value under `answer`.
 */
export const escalationRefSchema = z.object({ escalation: z.number().int().positive() });
export const curatorAnswerSchema = escalationRefSchema.extend({ answer: z.string().max(CURATOR_ANSWER_MAX * 2).optional() });

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
