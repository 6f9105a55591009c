import type { PhraseReport, PhraseResult } from './phraseReport';

export const PHRASE_FORMATS = ['text', 'json'] as const;
export type PhraseFormat = (typeof PHRASE_FORMATS)[number];

export interface PhraseFormatOptions {
  /** Show at most this many phrases of each list (all when absent). */
  limit?: number;
  /** The question sets read, e.g. `test/eval`. */
  sets?: string[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Where in the file a phrase is written: `keywords` of a cell or an area, or one condition's `phrases`. */
function listLabel(r: PhraseResult): string {
  return r.condition ? `condition ${r.condition.index + 1} (${r.condition.when}): phrases` : 'keywords';
}

/** Phrases grouped by file, then by cell or area, then by list, in the order given. */
function grouped(results: PhraseResult[], withCounts: boolean): string[] {
  const lines: string[] = [];
  let file: string | undefined;
  let owner: string | undefined;
  let list: string | undefined;
  let items: string[] = [];
  const flush = () => {
    if (items.length) lines.push(`    ${list}: ${items.join(', ')}`);
    items = [];
  };
  for (const r of results) {
    const label = listLabel(r);
    if (r.file !== file) {
      flush();
      lines.push(r.file);
      file = r.file;
      owner = undefined;
    }
    if (r.owner !== owner) {
      flush();
      lines.push(`  ${r.owner}`);
      owner = r.owner;
      list = undefined;
    }
    if (label !== list) {
      flush();
      list = label;
    }
    const notes = [...(withCounts ? [plural(r.questions, 'question')] : []), ...(r.sameAs !== undefined ? [`same as "${r.sameAs}"`] : [])];
    items.push(`"${r.phrase}"${notes.length ? ` (${notes.join(', ')})` : ''}`);
  }
  flush();
  return lines;
}

function shown(list: PhraseResult[], limit: number | undefined): PhraseResult[] {
  return limit === undefined ? list : list.slice(0, limit);
}

export function formatPhraseReportText(report: PhraseReport, options: PhraseFormatOptions = {}): string {
  const total = report.checked.condition + report.checked['cell-keyword'] + report.checked['area-keyword'];
  const quiet = report.noChange.length + report.unmatched.length;
  const noChange = shown(report.noChange, options.limit);
  const unmatched = shown(report.unmatched, options.limit);
  return [
    `phrases checked: ${total} (${report.checked.condition} condition phrases, ${report.checked['cell-keyword']} cell keywords, ${report.checked['area-keyword']} area keywords)`,
    `tuning questions: ${report.questions}${options.sets?.length ? ` (${options.sets.join(', ')})` : ''}`,
    `change an answer: ${report.deciding}`,
    `change no answer: ${quiet}`,
    `  matched by tuning questions, no verdict or first cell changes without them: ${report.noChange.length}`,
    `  matched by no tuning question: ${report.unmatched.length}`,
    `${plural(report.routers, 'router')} built, ${plural(report.reroutes, 'question')} answered again, ${report.seconds.toFixed(1)} s`,
    '',
    `phrases matched by tuning questions that change no answer (${noChange.length < report.noChange.length ? `showing ${noChange.length} of ${report.noChange.length}` : report.noChange.length}):`,
    ...grouped(noChange, true),
    '',
    `phrases matched by no tuning question (${unmatched.length < report.unmatched.length ? `showing ${unmatched.length} of ${report.unmatched.length}` : report.unmatched.length}):`,
    ...grouped(unmatched, false),
  ].join('\n');
}

export function formatPhraseReportJson(report: PhraseReport, options: PhraseFormatOptions = {}): string {
  const strip = ({ kind, file, owner, condition, index, phrase, questions, sameAs }: PhraseResult) => ({
    kind,
    file,
    owner,
    ...(condition ? { condition } : {}),
    index,
    phrase,
    questions,
    ...(sameAs !== undefined ? { sameAs } : {}),
  });
  return JSON.stringify(
    {
      questions: report.questions,
      sets: options.sets ?? [],
      checked: report.checked,
      deciding: report.deciding,
      noChange: { count: report.noChange.length, phrases: shown(report.noChange, options.limit).map(strip) },
      unmatched: { count: report.unmatched.length, phrases: shown(report.unmatched, options.limit).map(strip) },
      routers: report.routers,
      reroutes: report.reroutes,
      seconds: report.seconds,
    },
    null,
    2,
  );
}

export function formatPhraseReport(report: PhraseReport, format: PhraseFormat, options: PhraseFormatOptions = {}): string {
  return format === 'json' ? formatPhraseReportJson(report, options) : formatPhraseReportText(report, options);
}
