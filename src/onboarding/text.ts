import type { ProgressSummary } from './service';
import type { LessonView } from './views';

/**
 * The onboarding sentences every channel shows, each written once. A channel adds only how its
 * users type a command (`/whosecures onboard` in Slack, `onboard` in Teams) and its markup.
 */
export const ONBOARDING_STOPPED = 'Onboarding stopped: no more lessons will arrive.';
export const NOT_TAKING_COURSE = 'You are not taking the onboarding course.';

/** "Lesson 2 of 5: Who patches what". */
export function lessonHeading(view: Pick<LessonView, 'lessonNumber' | 'totalLessons' | 'title'>): string {
  return `Lesson ${view.lessonNumber} of ${view.totalLessons}: ${view.title}`;
}

/** Where someone is in the course and their quiz score, in one sentence. */
export function progressText(p: ProgressSummary): string {
  const state = p.completed ? 'finished' : p.optedOut ? 'stopped' : `on lesson ${p.lesson} of ${p.totalLessons}`;
  return `Onboarding course: ${state}. Quiz score: ${p.score} right out of ${p.answered} answered (${p.totalQuestions} questions in the course).`;
}
