import { checkCitation, type CheckProblem } from '../knowledge/check';
import type { KnowledgeBase } from '../knowledge/types';
import { COURSE_FILE, type Course } from './course';

/** What `whosecures kb check` verifies in the course: the same citation rules as cells. */
export function checkCourse(kb: KnowledgeBase, course: Course): CheckProblem[] {
  const problems: CheckProblem[] = [];
  for (const lesson of course.lessons) {
    for (const citation of lesson.citations) checkCitation(kb, citation, COURSE_FILE, `lesson ${lesson.id}`, problems);
  }
  return problems;
}
