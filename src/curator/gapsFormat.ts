import { csvLine } from './csv';
import { formatCuratorAnswersText } from './curatorAnswers';
import type { GapGroup, GapReport } from './gaps';
import { textTable } from './textTable';

export const GAP_FORMATS = ['table', 'csv', 'json'] as const;
export type GapFormat = (typeof GAP_FORMATS)[number];

/** What a gap was about, in words: "Amazon EC2 / Backups and recovery", "words: spectrum, redshift". */
export function gapLabel(gap: GapGroup): string {
  if (gap.service && gap.area) return `${gap.service.name} / ${gap.area.title}`;
  if (gap.service) return `${gap.service.name} (no area recognised)`;
  if (gap.area) return `${gap.area.title} (no service recognised)`;
  return gap.words && gap.words.length ? `words: ${gap.words.join(', ')}` : '(no words)';
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}\u2026` : text);

function reasonsText(gap: GapGroup): string {
  const parts: string[] = [];
  if (gap.reasons.not_found) parts.push(`${gap.reasons.not_found} not found`);
  if (gap.reasons.low_confidence) parts.push(`${gap.reasons.low_confidence} low confidence`);
  if (gap.reasons.not_helpful) parts.push(`${gap.reasons.not_helpful} not helpful`);
  return parts.join(', ');
}

/** The "Answered by curators" part of a report, after a blank line; empty when there is none. */
function curatorPart(report: GapReport, limit?: number): string {
  const text = formatCuratorAnswersText(report.answeredByCurators ?? [], limit);
  return text ? `\n\n${text}` : '';
}

export function formatGapsTable(report: GapReport, limit?: number): string {
  return gapsTable(report, limit) + curatorPart(report, Number.MAX_SAFE_INTEGER);
}

function gapsTable(report: GapReport, limit?: number): string {
  const summary = `${report.gaps.length} gap(s) since ${day(report.since)} from ${report.scanned.questions} logged question(s) and ${report.scanned.feedback} feedback vote(s)`;
  if (report.gaps.length === 0) return `no gaps: ${summary}`;
  const shown = limit === undefined ? report.gaps : report.gaps.slice(0, limit);
  const rows = shown.map((g, i) => [i + 1, clip(gapLabel(g), 60), g.count, g.reasons.not_found, g.reasons.low_confidence, g.reasons.not_helpful, g.users, day(g.lastAt), clip(g.examples[0] ?? '', 70)]);
  return `${textTable(['#', 'topic', 'total', 'not found', 'low conf', 'not helpful', 'users', 'last', 'example'], rows)}\n\n${summary}`;
}

export function formatGapsCsv(report: GapReport): string {
  const header = ['key', 'service', 'area', 'words', 'total', 'not_found', 'low_confidence', 'not_helpful', 'users', 'last_at', 'examples'];
  const lines = report.gaps.map((g) =>
    csvLine([g.key, g.service?.id ?? '', g.area?.id ?? '', (g.words ?? []).join(' '), g.count, g.reasons.not_found, g.reasons.low_confidence, g.reasons.not_helpful, g.users, g.lastAt.toISOString(), g.examples.join(' | ')]),
  );
  return [csvLine(header), ...lines].join('\n');
}

export function formatGapsJson(report: GapReport): string {
  return JSON.stringify(
    {
      since: report.since.toISOString(),
      scanned: report.scanned,
      gaps: report.gaps.map((g) => ({ ...g, label: gapLabel(g), lastAt: g.lastAt.toISOString() })),
      answeredByCurators: (report.answeredByCurators ?? []).map((a) => ({ ...a, answeredAt: a.answeredAt.toISOString() })),
    },
    null,
    2,
  );
}

export function formatGaps(report: GapReport, format: GapFormat): string {
  if (format === 'csv') return formatGapsCsv(report);
  if (format === 'json') return formatGapsJson(report);
  return formatGapsTable(report);
}

/**
 * The top gaps as plain text lines for a chat reply (Slack's `/whosecures gaps`). Plain text
 * only: the channel escapes it for its own markup, since the examples are users' own words.
 */
export function formatGapsText(report: GapReport, limit = 10): string {
  return gapsText(report, limit) + curatorPart(report);
}

function gapsText(report: GapReport, limit: number): string {
  if (report.gaps.length === 0) return `No gaps since ${day(report.since)}: every logged question got a confident answer and no answer was marked not helpful.`;
  const lines = [`Top ${Math.min(limit, report.gaps.length)} of ${report.gaps.length} gap(s) since ${day(report.since)}:`];
  report.gaps.slice(0, limit).forEach((g, i) => {
    lines.push(`${i + 1}. ${gapLabel(g)}: ${g.count} (${reasonsText(g)}; ${g.users} user${g.users === 1 ? '' : 's'})`);
    if (g.examples.length) lines.push(`   e.g. ${g.examples.slice(0, 2).map((e) => `"${clip(e, 100)}"`).join('; ')}`);
  });
  return lines.join('\n');
}
