import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KnowledgeError } from '../knowledge/errors';
import { readKnowledgeFile } from '../knowledge/loader';
import type { KnowledgeBase } from '../knowledge/types';
import { questionForCell, unquizzableReason, type QuizQuestion } from './quiz';
import { courseFileSchema, type Lesson } from './schema';

export const COURSE_FILE = 'onboarding.yaml';

export interface CourseLesson extends Lesson {
  /** 1-based position in the course. */
  number: number;
  questions: QuizQuestion[];
}

export interface CourseQuestion extends QuizQuestion {
  /** Lesson whose quiz asks it. */
  lesson: number;
}

export interface Course {
  title: string;
  intro: string;
  lessons: CourseLesson[];
  /** Every quiz question of the course, by question id. */
  questions: Map<string, CourseQuestion>;
}

/**
 * Reads and validates knowledge/onboarding.yaml against the knowledge base it quizzes on.
 * Returns undefined when the knowledge folder has no course (a custom KNOWLEDGE_DIR may omit it);
 * throws KnowledgeError naming the lesson when the file is invalid, so the process refuses to
 * start rather than sending a broken course. Quotes are checked by `kb check` (checkCourse).
 */
export function loadCourse(kb: KnowledgeBase, dir: string = resolve(kb.dir)): Course | undefined {
  const path = join(dir, COURSE_FILE);
  if (!existsSync(path)) return undefined;
  const parsed = { data: readKnowledgeFile(dir, COURSE_FILE, courseFileSchema) };

  const problems: string[] = [];
  const lessonIds = new Set<string>();
  const questions = new Map<string, CourseQuestion>();
  const lessons: CourseLesson[] = parsed.data.lessons.map((lesson, index) => {
    const number = index + 1;
    if (lessonIds.has(lesson.id)) problems.push(`lesson ${lesson.id} is declared twice`);
    lessonIds.add(lesson.id);
    const lessonQuestions: QuizQuestion[] = [];
    for (const cellId of lesson.quiz) {
      const cell = kb.cells.get(cellId);
      const reason = cell ? unquizzableReason(kb, cell) : `cell ${cellId} does not exist`;
      const question = cell && !reason ? questionForCell(kb, cell) : undefined;
      if (!question) {
        problems.push(`lesson ${lesson.id}: quiz ${cellId} cannot be asked: ${reason ?? 'unknown reason'}`);
        continue;
      }
      const earlier = questions.get(question.id);
      if (earlier) {
        problems.push(`lesson ${lesson.id}: quiz ${cellId} is already asked in lesson ${earlier.lesson} (an answer counts once)`);
        continue;
      }
      questions.set(question.id, { ...question, lesson: number });
      lessonQuestions.push(question);
    }
    return { ...lesson, number, questions: lessonQuestions };
  });
  if (problems.length) throw new KnowledgeError(COURSE_FILE, problems);
  return { title: parsed.data.course.title, intro: parsed.data.course.intro, lessons, questions };
}
