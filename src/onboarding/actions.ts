import { isQuizChoice, type QuizChoice } from './quiz';

/**
 * Action ids and button values shared by the Slack and Teams renderers. Values come back from
 * the platform on a click, so they are parsed strictly: anything unexpected is ignored.
 */
export const ONBOARDING_ACTIONS = {
  /** Show the quiz of a lesson. Value: the lesson number. */
  quiz: 'onboarding_quiz',
  /** Answer one question. Value: `<lesson>|<questionId>|<choice>`. */
  answer: 'onboarding_answer',
  /** Send the next lesson now. Value: the lesson the button was shown on. */
  next: 'onboarding_next',
  /** Stop the course and cancel what is scheduled. */
  stop: 'onboarding_stop',
} as const;
export type OnboardingActionId = (typeof ONBOARDING_ACTIONS)[keyof typeof ONBOARDING_ACTIONS];

export interface AnswerActionValue {
  lesson: number;
  questionId: string;
  choice: QuizChoice;
}

export function encodeAnswerValue(v: AnswerActionValue): string {
  return `${v.lesson}|${v.questionId}|${v.choice}`;
}

export function parseAnswerValue(value: unknown): AnswerActionValue | undefined {
  if (typeof value !== 'string' || value.length > 200) return undefined;
  const match = /^(\d{1,2})\|(q-[a-z0-9-]+\.[a-z0-9-]+)\|([a-z]+)$/.exec(value);
  if (!match || !isQuizChoice(match[3])) return undefined;
  return { lesson: Number(match[1]), questionId: match[2]!, choice: match[3] };
}

export function parseLessonValue(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,2}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 ? n : undefined;
}
