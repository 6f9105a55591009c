import type { OnboardingProgress } from '../store/types';

/** The admin report: who started, who finished, and the average score. */

export interface ReportRow {
  platform: string;
  userId: string;
  startedAt: Date;
  lesson: number;
  finishedAt?: Date;
  optedOut: boolean;
  score: number;
  answered: number;
}

export interface OnboardingReport {
  rows: ReportRow[];
  started: number;
  finished: number;
  optedOut: number;
  /** Mean over users who answered anything of their share of right answers, 0-100; null if none. */
  averageScorePercent: number | null;
}

export function buildReport(progress: OnboardingProgress[]): OnboardingReport {
  const rows: ReportRow[] = progress.map((p) => ({
    platform: String(p.platform),
    userId: p.userId,
    startedAt: p.startedAt,
    lesson: p.currentLesson,
    ...(p.completedAt ? { finishedAt: p.completedAt } : {}),
    optedOut: p.optedOut,
    score: p.score,
    answered: p.answered,
  }));
  const scored = rows.filter((r) => r.answered > 0);
  const average = scored.length ? scored.reduce((sum, r) => sum + (100 * r.score) / r.answered, 0) / scored.length : null;
  return {
    rows,
    started: rows.length,
    finished: rows.filter((r) => r.finishedAt).length,
    optedOut: rows.filter((r) => r.optedOut).length,
    averageScorePercent: average === null ? null : Math.round(average * 10) / 10,
  };
}

const HEADER = ['platform', 'user', 'started', 'lesson', 'finished', 'opted_out', 'score', 'answered'];

function cells(r: ReportRow, totalLessons: number): string[] {
  return [
    r.platform,
    r.userId,
    r.startedAt.toISOString(),
    `${r.lesson}/${totalLessons}`,
    r.finishedAt ? r.finishedAt.toISOString() : '',
    r.optedOut ? 'yes' : 'no',
    String(r.score),
    String(r.answered),
  ];
}

/**
 * One CSV field. Quotes fields with separators or quotes, and defuses values a spreadsheet would
 * run as a formula (ids come from the platform, but the report is opened in spreadsheets).
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function reportCsv(report: OnboardingReport, totalLessons: number): string[] {
  return [HEADER.join(','), ...report.rows.map((r) => cells(r, totalLessons).map(csvField).join(','))];
}

function summaryLine(report: OnboardingReport): string {
  const average = report.averageScorePercent === null ? 'n/a' : `${report.averageScorePercent}%`;
  return `started: ${report.started}, finished: ${report.finished}, opted out: ${report.optedOut}, average score: ${average}`;
}

/** A plain-text table; control characters in ids are replaced so they cannot move the cursor. */
export function reportTable(report: OnboardingReport, totalLessons: number): string[] {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, '?');
  const table = [HEADER, ...report.rows.map((r) => cells(r, totalLessons).map((c) => clean(c) || '-'))];
  const widths = HEADER.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const lines = table.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  return [...lines, '', summaryLine(report)];
}
