import type { CliIo } from '../cli/io';
import { UsageError, commandSpec, parseCommand } from '../cli/spec';
import { loadKnowledge } from '../knowledge/loader';
import type { KnowledgeBase } from '../knowledge/types';
import { collectGaps } from './gaps';
import { GAP_FORMATS, formatGaps, formatGapsTable, type GapFormat } from './gapsFormat';
import { MATRIX_FORMATS, matrixCsv, matrixMarkdown, type MatrixFormat } from './matrixExport';
import { renderMatrixHtml } from './matrixHtml';
import { matrixText } from './matrixText';
import { parseSince } from './since';
import { knowledgeStats } from './stats';
import { STATS_FORMATS, formatStats, type StatsFormat } from './statsFormat';
import { openStoreFromEnv, type Env } from './storeFromEnv';
import { loadTuningQuestions, type EvalQuestion } from '../eval/evaluate';
import { phraseReport } from './phraseReport';
import { PHRASE_FORMATS, formatPhraseReport, type PhraseFormat } from './phraseFormat';

export { UsageError };

type Values = Record<string, string | boolean | undefined>;
const str = (values: Values, name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, flag: string): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} takes one of: ${allowed.join(', ')}`);
}

function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || value.trim() === '') throw new UsageError(`${flag} takes a number`);
  return n;
}

/** `kb matrix [--format text|csv|md|html]`: the matrix for a terminal, a spreadsheet, a review document or a browser. */
export function kbMatrix(args: string[], io: CliIo, load: (dir?: string) => KnowledgeBase = loadKnowledge): number {
  const { values } = parseCommand(commandSpec('kb matrix'), args);
  const format: MatrixFormat = oneOf(str(values, 'format'), MATRIX_FORMATS, values.html ? 'html' : 'text', '--format');
  if (values.html && format !== 'html') throw new UsageError('--html and --format take one format: use one of them');
  const kb = load(str(values, 'dir'));
  if (format === 'csv') io.out(matrixCsv(kb).replace(/\n$/, '')); // io.out ends the last line
  else if (format === 'md') io.out(matrixMarkdown(kb).replace(/\n$/, ''));
  else io.out(format === 'html' ? renderMatrixHtml(kb) : matrixText(kb));
  return 0;
}

/** `kb gaps [--since 30d] [--format table|csv|json] [--limit N]`: where users found no good answer. */
export async function kbGaps(args: string[], io: CliIo, env: Env, load: (dir?: string) => KnowledgeBase = loadKnowledge): Promise<number> {
  const { values } = parseCommand(commandSpec('kb gaps'), args);
  const format: GapFormat = oneOf(str(values, 'format'), GAP_FORMATS, 'table', '--format');
  const since = parseSince(str(values, 'since') ?? '30d');
  if (!since) throw new UsageError('--since takes a duration such as 24h, 30d or 8w, or a date YYYY-MM-DD');
  const limit = positiveNumber(str(values, 'limit'), '--limit');
  const kb = load(str(values, 'dir'));
  let store;
  try {
    store = await openStoreFromEnv(env);
  } catch (err) {
    io.err(`cannot open the store: ${messageOf(err)}`);
    return 1;
  }
  try {
    const report = await collectGaps(store, kb, { since });
    if (limit !== undefined) report.gaps = report.gaps.slice(0, limit);
    io.out(format === 'table' ? formatGapsTable(report) : formatGaps(report, format));
    return 0;
  } catch (err) {
    io.err(`cannot read the question log: ${messageOf(err)}`);
    return 1;
  } finally {
    await store.close().catch(() => undefined);
  }
}

/** `kb stats [--stale 12] [--format table|json]`: coverage, stale cells, missing core areas. */
export function kbStats(args: string[], io: CliIo, load: (dir?: string) => KnowledgeBase = loadKnowledge, today: Date = new Date()): number {
  const { values } = parseCommand(commandSpec('kb stats'), args);
  const format: StatsFormat = oneOf(str(values, 'format'), STATS_FORMATS, 'table', '--format');
  const staleMonths = positiveNumber(str(values, 'stale'), '--stale') ?? 12;
  const kb = load(str(values, 'dir'));
  io.out(formatStats(knowledgeStats(kb, { staleMonths, today }), format));
  return 0;
}

/**
 * `kb phrases [--format text|json] [--limit N]`: the curated phrases whose removal changes no
 * answer on the tuning sets (test/eval, test/heldout*; never a blind set). A report: exit 0.
 */
export function kbPhrases(
  args: string[],
  io: CliIo,
  load: (dir?: string) => KnowledgeBase = loadKnowledge,
  tuning: () => { sets: string[]; questions: EvalQuestion[] } = loadTuningQuestions,
): number {
  const { values } = parseCommand(commandSpec('kb phrases'), args);
  const format: PhraseFormat = oneOf(str(values, 'format'), PHRASE_FORMATS, 'text', '--format');
  const limit = positiveNumber(str(values, 'limit'), '--limit');
  if (limit !== undefined && !Number.isInteger(limit)) throw new UsageError('--limit takes a whole number');
  const kb = load(str(values, 'dir'));
  const { sets, questions } = tuning();
  const report = phraseReport(kb, questions);
  io.out(formatPhraseReport(report, format, { limit, sets }));
  return 0;
}
