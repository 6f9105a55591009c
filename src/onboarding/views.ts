import { CitationList } from '../engine/citations';
import type { Answer, ResolvedCitation } from '../engine/types';
import type { KnowledgeBase } from '../knowledge/types';
import { ONBOARDING_ACTIONS, encodeAnswerValue } from './actions';
import type { Course, CourseLesson } from './course';
import { CHOICE_LABELS, QUIZ_CHOICES, type QuizChoice, type QuizGrade } from './quiz';

/**
 * Channel-neutral views of the course. Every string is plain text written by curators or taken
 * from the knowledge base; Slack and Teams renderers escape it for their markup. Links only come
 * from citations (knowledge-base sources).
 */

export interface ActionView {
  actionId: string;
  label: string;
  value: string;
}

export interface LessonView {
  kind: 'lesson';
  courseTitle: string;
  lessonNumber: number;
  totalLessons: number;
  lessonId: string;
  title: string;
  paragraphs: string[];
  citations: ResolvedCitation[];
  /** "Take the quiz". */
  quizAction: ActionView;
  /** "Next lesson", absent on the last lesson. */
  nextAction?: ActionView;
  stopAction: ActionView;
}

export interface ChoiceView extends ActionView {
  choice: QuizChoice;
}

export interface QuestionView {
  questionId: string;
  prompt: string;
  choices: ChoiceView[];
}

export interface QuizView {
  kind: 'quiz';
  lessonNumber: number;
  title: string;
  questions: QuestionView[];
  nextAction?: ActionView;
}

export interface GradeView {
  kind: 'grade';
  questionId: string;
  correct: boolean;
  /** "Right: AWS." or "Not quite: the answer is You." */
  headline: string;
  why: string;
  citation: ResolvedCitation;
  /** Wrong answers: the cell's full answer, for the renderer's usual answer layout. */
  fullAnswer?: Answer;
  /** False when this question was already answered in this run of the course (not counted). */
  counted: boolean;
}

export interface DoneView {
  kind: 'done';
  title: string;
  text: string;
}

export function lessonView(kb: KnowledgeBase, course: Course, lesson: CourseLesson): LessonView {
  const citations = new CitationList(kb);
  citations.add(lesson.citations);
  const total = course.lessons.length;
  const view: LessonView = {
    kind: 'lesson',
    courseTitle: course.title,
    lessonNumber: lesson.number,
    totalLessons: total,
    lessonId: lesson.id,
    title: lesson.title,
    paragraphs: lesson.body,
    citations: citations.items,
    quizAction: { actionId: ONBOARDING_ACTIONS.quiz, label: 'Take the quiz', value: String(lesson.number) },
    stopAction: { actionId: ONBOARDING_ACTIONS.stop, label: 'Stop the course', value: String(lesson.number) },
  };
  if (lesson.number < total) view.nextAction = { actionId: ONBOARDING_ACTIONS.next, label: 'Next lesson', value: String(lesson.number) };
  return view;
}

export function quizView(course: Course, lesson: CourseLesson): QuizView {
  const view: QuizView = {
    kind: 'quiz',
    lessonNumber: lesson.number,
    title: `Quiz: ${lesson.title}`,
    questions: lesson.questions.map((q) => ({
      questionId: q.id,
      prompt: q.prompt,
      choices: QUIZ_CHOICES.map((choice) => ({
        choice,
        actionId: ONBOARDING_ACTIONS.answer,
        label: CHOICE_LABELS[choice],
        value: encodeAnswerValue({ lesson: lesson.number, questionId: q.id, choice }),
      })),
    })),
  };
  if (lesson.number < course.lessons.length) view.nextAction = { actionId: ONBOARDING_ACTIONS.next, label: 'Next lesson', value: String(lesson.number) };
  return view;
}

export function gradeView(grade: QuizGrade, counted: boolean): GradeView {
  const view: GradeView = {
    kind: 'grade',
    questionId: grade.questionId,
    correct: grade.correct,
    headline: grade.correct ? `Right: ${grade.verdictLabel}.` : `Not quite: the answer is ${grade.verdictLabel}.`,
    why: grade.why,
    citation: grade.citation,
    counted,
  };
  if (grade.fullAnswer) view.fullAnswer = grade.fullAnswer;
  return view;
}

export function doneView(course: Course, score: number, answered: number, totalQuestions: number): DoneView {
  return {
    kind: 'done',
    title: 'Course complete',
    text: `You finished "${course.title}". Quiz score: ${score} right out of ${answered} answered (${totalQuestions} questions in the course). Ask "who secures X?" any time.`,
  };
}
