import { answerFromCell } from '../engine/build';
import { CitationList } from '../engine/citations';
import type { Answer, ResolvedCitation } from '../engine/types';
import { GENERAL, type Cell, type KnowledgeBase } from '../knowledge/types';
import { QUESTION_TEMPLATES } from './questionTemplates';

/** The three answers a quiz question offers. "depends" cells are never asked. */
export const QUIZ_CHOICES = ['aws', 'customer', 'shared'] as const;
export type QuizChoice = (typeof QUIZ_CHOICES)[number];

export const CHOICE_LABELS: Record<QuizChoice, string> = { aws: 'AWS', customer: 'You', shared: 'Both' };

export interface QuizQuestion {
  /** Stable across releases: derived from the cell id only. */
  id: string;
  cellId: string;
  prompt: string;
  /** The answer key: the cell's owner. */
  answer: QuizChoice;
}

export interface QuizGrade {
  questionId: string;
  cellId: string;
  choice: QuizChoice;
  correct: boolean;
  /** The right answer and how to say it. */
  verdict: QuizChoice;
  verdictLabel: string;
  /** One line saying why: the cell's summary. */
  why: string;
  citation: ResolvedCitation;
  /** For wrong answers only: the cell's full answer, as the bot would give it when asked. */
  fullAnswer?: Answer;
}

const QUESTION_PREFIX = 'q-';

export function questionIdFor(cellId: string): string {
  return `${QUESTION_PREFIX}${cellId}`;
}

export function cellIdOfQuestion(questionId: string): string | undefined {
  return questionId.startsWith(QUESTION_PREFIX) ? questionId.slice(QUESTION_PREFIX.length) : undefined;
}

export function isQuizChoice(value: unknown): value is QuizChoice {
  return typeof value === 'string' && (QUIZ_CHOICES as readonly string[]).includes(value);
}

/** Why a cell cannot be a quiz question, or undefined when it can. */
export function unquizzableReason(kb: KnowledgeBase, cell: Cell): string | undefined {
  if (!isQuizChoice(cell.owner)) return `its owner is "${cell.owner}", which has no single right answer`;
  if (!QUESTION_TEMPLATES[cell.area]) return `area "${cell.area}" has no question template`;
  if (cell.service !== GENERAL && !kb.services.has(cell.service)) return `service "${cell.service}" does not exist`;
  return undefined;
}

export function questionForCell(kb: KnowledgeBase, cell: Cell): QuizQuestion | undefined {
  if (unquizzableReason(kb, cell) || !isQuizChoice(cell.owner)) return undefined;
  const subject = cell.service === GENERAL ? 'AWS' : (kb.services.get(cell.service)?.name ?? cell.service);
  return { id: questionIdFor(cell.id), cellId: cell.id, prompt: QUESTION_TEMPLATES[cell.area]!.replace('{service}', subject), answer: cell.owner };
}

export function questionById(kb: KnowledgeBase, questionId: string): QuizQuestion | undefined {
  const cellId = cellIdOfQuestion(questionId);
  const cell = cellId ? kb.cells.get(cellId) : undefined;
  return cell ? questionForCell(kb, cell) : undefined;
}

/** Every question the matrix can ask, in the knowledge base's order. */
export function generateQuiz(kb: KnowledgeBase): QuizQuestion[] {
  const out: QuizQuestion[] = [];
  for (const cell of kb.cells.values()) {
    const question = questionForCell(kb, cell);
    if (question) out.push(question);
  }
  return out;
}

/** Grades one answer against the matrix. Undefined when the question id is not a quiz question. */
export function gradeAnswer(kb: KnowledgeBase, questionId: string, choice: QuizChoice): QuizGrade | undefined {
  const question = questionById(kb, questionId);
  const cell = question ? kb.cells.get(question.cellId) : undefined;
  if (!question || !cell) return undefined;
  // The citation shown is the one the curator listed first for this cell (the schema requires one).
  const citations = new CitationList(kb);
  citations.add([cell.citations[0]!]);
  const correct = choice === question.answer;
  const grade: QuizGrade = {
    questionId,
    cellId: cell.id,
    choice,
    correct,
    verdict: question.answer,
    verdictLabel: CHOICE_LABELS[question.answer],
    why: cell.summary.replace(/\s+/g, ' ').trim(),
    citation: citations.items[0]!,
  };
  if (!correct) grade.fullAnswer = answerFromCell(kb, cell, { confidence: 1 });
  return grade;
}
