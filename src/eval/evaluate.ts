import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load, CORE_SCHEMA } from 'js-yaml';
import { z } from 'zod';
import { defaultKnowledgeDir } from '../knowledge/loader';
import type { Router } from '../engine/router';
import { VERDICTS, type Answer } from '../engine/types';

/** The kinds of question a blind set tags, so accuracy can be read per kind. */
export const QUESTION_KINDS = ['plain', 'action', 'situation', 'split', 'wording', 'misconception', 'scope', 'refusal', 'uncovered'] as const;

const questionSchema = z
  .object({
    q: z.string(),
    verdict: z.enum([...VERDICTS, 'none']),
    cell: z.string().optional(),
    intent: z.string().optional(),
    context: z.object({ service: z.string().optional(), area: z.string().optional() }).strict().optional(),
    /** Held-out questions name the service and area they are about instead of a cell id. */
    service: z.string().optional(),
    area: z.string().optional(),
    /** Blind sets: what kind of question this is (see test/blind/README.md), for per-kind accuracy. */
    kind: z.enum(QUESTION_KINDS).optional(),
    /** Blind sets: the AWS page that decides the verdict ("none" for out-of-scope questions). */
    source: z.string().optional(),
  })
  .strict();
export type EvalQuestion = z.infer<typeof questionSchema> & { file: string };

export function defaultEvalDir(): string {
  return join(resolve(defaultKnowledgeDir(), '..'), 'test', 'eval');
}

export function loadEvalQuestions(dir = defaultEvalDir()): EvalQuestion[] {
  if (!existsSync(dir)) return [];
  const out: EvalQuestion[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const raw = load(readFileSync(join(dir, file), 'utf8'), { schema: CORE_SCHEMA }) as { questions?: unknown[] };
    for (const [i, q] of (raw.questions ?? []).entries()) {
      const parsed = questionSchema.safeParse(q);
      if (!parsed.success) throw new Error(`${file}: question ${i + 1}: ${parsed.error.issues.map((e) => `${e.path.join('.')}: ${e.message}`).join('; ')}`);
      out.push({ ...parsed.data, file });
    }
  }
  return out;
}

/**
 * The tuning sets: test/eval and every test/heldout* folder beside it (blind sets are never
 * tuned or fitted on). `testDir` is the folder holding them (default: the shipped test/).
 */
export function loadTuningQuestions(testDir = resolve(defaultEvalDir(), '..')): { sets: string[]; questions: EvalQuestion[] } {
  const sets = ['eval', ...(existsSync(testDir) ? readdirSync(testDir).filter((d) => /^heldout\d*$/.test(d)).sort() : [])];
  return { sets: sets.map((s) => `test/${s}`), questions: sets.flatMap((s) => loadEvalQuestions(join(testDir, s))) };
}

export interface EvalResult {
  question: EvalQuestion;
  answer: Answer;
  verdictOk: boolean;
  cellOk: boolean | undefined;
  intentOk: boolean | undefined;
}

export interface EvalReport {
  total: number;
  verdictAccuracy: number;
  cellAccuracy: number;
  cellTotal: number;
  byIntent: Record<string, { total: number; correct: number }>;
  byVerdict: Record<string, { total: number; correct: number }>;
  /** Per question kind, for sets that tag kinds (blind sets). */
  byKind: Record<string, { total: number; correct: number }>;
  /** confusion[expected][actual] = count */
  confusion: Record<string, Record<string, number>>;
  failures: EvalResult[];
  results: EvalResult[];
}

const verdictName = (v: string | null) => (v === null ? 'none' : v);

export interface EvaluateOptions {
  /**
   * Blind sets label a question "shared" when both sides do part of it; "it depends", which
   * shows both owners with the condition that separates them, is then also a right answer.
   */
  sharedAcceptsDepends?: boolean;
}

export function evaluate(router: Router, questions: EvalQuestion[], options: EvaluateOptions = {}): EvalReport {
  const results: EvalResult[] = questions.map((question) => {
    const answer = router.route({ text: question.q, platform: 'cli', userId: 'eval', conversationId: 'eval', context: question.context });
    const got = verdictName(answer.verdict);
    const verdictOk = got === question.verdict || (options.sharedAcceptsDepends === true && question.verdict === 'shared' && got === 'depends');
    const cellOk = question.cell ? answer.cells[0] === question.cell : undefined;
    const intentOk = question.intent ? answer.intent === question.intent : undefined;
    return { question, answer, verdictOk, cellOk, intentOk };
  });
  const byIntent: EvalReport['byIntent'] = {};
  const byVerdict: EvalReport['byVerdict'] = {};
  const byKind: EvalReport['byKind'] = {};
  const confusion: EvalReport['confusion'] = {};
  for (const r of results) {
    const intent = r.question.intent ?? r.answer.intent;
    (byIntent[intent] ??= { total: 0, correct: 0 }).total++;
    if (r.verdictOk) byIntent[intent].correct++;
    (byVerdict[r.question.verdict] ??= { total: 0, correct: 0 }).total++;
    if (r.verdictOk) byVerdict[r.question.verdict].correct++;
    if (r.question.kind) {
      (byKind[r.question.kind] ??= { total: 0, correct: 0 }).total++;
      if (r.verdictOk) byKind[r.question.kind].correct++;
    }
    const row = (confusion[r.question.verdict] ??= {});
    const actual = verdictName(r.answer.verdict);
    row[actual] = (row[actual] ?? 0) + 1;
  }
  const withCell = results.filter((r) => r.cellOk !== undefined);
  return {
    total: results.length,
    verdictAccuracy: results.filter((r) => r.verdictOk).length / Math.max(1, results.length),
    cellAccuracy: withCell.filter((r) => r.cellOk).length / Math.max(1, withCell.length),
    cellTotal: withCell.length,
    byIntent,
    byVerdict,
    byKind,
    confusion,
    failures: results.filter((r) => !r.verdictOk || r.cellOk === false),
    results,
  };
}

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const tally = (table: Record<string, { total: number; correct: number }>) =>
  Object.entries(table).sort().map(([k, v]) => `  ${k.padEnd(14)} ${String(v.correct).padStart(4)}/${String(v.total).padEnd(4)} ${pct(v.correct / v.total)}`);

/**
 * A blind set's figures and nothing else: no question, no miss, no confusion between cells, so
 * that scoring it leaves it blind.
 */
export function formatBlindReport(report: EvalReport): string {
  return [
    `questions: ${report.total}`,
    `verdict accuracy: ${pct(report.verdictAccuracy)} ("depends" counts as right where the label is "shared")`,
    '',
    'accuracy by kind:',
    ...tally(report.byKind),
    '',
    'accuracy by expected verdict:',
    ...tally(report.byVerdict),
  ].join('\n');
}

export function formatReport(report: EvalReport, showFailures = 20): string {
  const lines = [
    `questions: ${report.total}`,
    `verdict accuracy: ${pct(report.verdictAccuracy)}`,
    ...(report.cellTotal ? [`cell accuracy: ${pct(report.cellAccuracy)} (of ${report.cellTotal} questions with an expected cell)`] : []),
    '',
    'accuracy by intent:',
    ...tally(report.byIntent),
    '',
    'accuracy by expected verdict:',
    ...tally(report.byVerdict),
    ...(Object.keys(report.byKind).length ? ['', 'accuracy by kind:', ...tally(report.byKind)] : []),
    '',
    'confusion matrix (rows: expected, columns: answered):',
  ];
  const labels = [...VERDICTS, 'none'];
  lines.push(`  ${''.padEnd(13)}${labels.map((l) => l.slice(0, 8).padStart(9)).join('')}`);
  for (const expected of labels) {
    const row = report.confusion[expected];
    if (!row) continue;
    lines.push(`  ${expected.padEnd(13)}${labels.map((l) => String(row[l] ?? 0).padStart(9)).join('')}`);
  }
  if (report.failures.length && showFailures > 0) {
    lines.push('', `misses (${report.failures.length}, showing ${Math.min(showFailures, report.failures.length)}):`);
    for (const f of report.failures.slice(0, showFailures)) {
      lines.push(`  [${f.question.file}] "${f.question.q}" expected ${f.question.verdict}${f.question.cell ? ` ${f.question.cell}` : ''}, got ${verdictName(f.answer.verdict)} ${f.answer.cells[0] ?? ''} (${f.answer.intent})`);
    }
  }
  return lines.join('\n');
}
