import { OWNER_LABEL } from '../engine/answerText';
import type { KnowledgeBase } from '../knowledge/types';
import { csvLine } from './csv';
import { buildMatrixModel, cellDetails } from './matrixModel';

/** Verdicts in words, the same as the page's legend. */

const CONDITION_OWNER: Record<string, string> = { aws: 'AWS', customer: 'you', shared: 'shared' };

/** One cell of the matrix, flattened for a reviewer's file: everything the page's panel shows. */
export interface ExportRow {
  cell: string;
  serviceId: string;
  service: string;
  areaId: string;
  area: string;
  verdict: string;
  summary: string;
  aws: string[];
  customer: string[];
  conditions: string[];
  citations: Array<{ n: number; text: string; url?: string }>;
  verified: string;
}

/** "When X: AWS (note)", one line per condition. */
export function conditionLine(c: { when: string; owner: string; note?: string }): string {
  return `When ${c.when}: ${CONDITION_OWNER[c.owner] ?? c.owner}${c.note ? `. ${c.note}` : ''}`;
}

/**
 * Every cell in the page's order: the general rules first, then services by model and name,
 * areas as in areas.yaml. Services' own cells only: a general rule is its own row (`general`).
 */
export function matrixExportRows(kb: KnowledgeBase): ExportRow[] {
  const details = cellDetails(kb);
  const model = buildMatrixModel(kb);
  const rows: ExportRow[] = [];
  for (const group of model.groups) {
    for (const row of group.rows) {
      row.positions.forEach((position, i) => {
        if (position.kind !== 'own') return;
        const cell = position.cell;
        const d = details[cell.id];
        const area = model.areas[i];
        rows.push({
          cell: cell.id,
          serviceId: row.service.id,
          service: row.service.name,
          areaId: area.id,
          area: area.title,
          verdict: OWNER_LABEL[cell.owner],
          summary: cell.summary,
          aws: d.aws,
          customer: d.customer,
          conditions: d.conditions.map(conditionLine),
          citations: d.citations.map((c) => ({
            n: c.n,
            text: `[${c.n}] ${c.title} (${c.publisher})${c.locator ? `, ${c.locator}` : ''}`,
            ...(c.url ? { url: c.url } : {}),
          })),
          verified: cell.verified,
        });
      });
    }
  }
  return rows;
}

export const MATRIX_FORMATS = ['text', 'csv', 'md', 'html'] as const;
export type MatrixFormat = (typeof MATRIX_FORMATS)[number];

export const CSV_HEADER = ['cell', 'service_id', 'service', 'area_id', 'area', 'verdict', 'summary', 'aws_does', 'you_do', 'conditions', 'citations', 'citation_urls', 'verified'];

/**
 * RFC 4180 quoting: a header, one record per cell; lists are one item per line inside a quoted
 * field. Records end with a line feed, as the gaps CSV's do (spreadsheets and CSV libraries read
 * both endings). Fields a spreadsheet would run as a formula get a leading apostrophe.
 */
export function matrixCsv(kb: KnowledgeBase): string {
  const lines = matrixExportRows(kb).map((r) =>
    csvLine([
      r.cell,
      r.serviceId,
      r.service,
      r.areaId,
      r.area,
      r.verdict,
      r.summary,
      r.aws.join('\n'),
      r.customer.join('\n'),
      r.conditions.join('\n'),
      r.citations.map((c) => c.text).join('\n'),
      r.citations.flatMap((c) => (c.url ? [c.url] : [])).join('\n'),
      r.verified,
    ]),
  );
  return `${[csvLine(CSV_HEADER), ...lines].join('\n')}\n`;
}

/**
 * Text for a GitHub-flavoured Markdown table cell: every character Markdown or HTML could read
 * as markup is backslash-escaped (so knowledge-base text never becomes a link, emphasis or a
 * tag), and lines are joined with `<br>`, the only markup we add.
 */
export function markdownCell(lines: string | string[]): string {
  const list = typeof lines === 'string' ? [lines] : lines;
  return list.map((line) => line.replace(/\s+/g, ' ').replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`)).join('<br>');
}

/** Only http(s) URLs from the knowledge base become links (cellDetails has already dropped others). */
function markdownCitation(c: ExportRow['citations'][number]): string {
  const text = markdownCell(c.text);
  return c.url ? `${text} <${c.url.replace(/[<>\s]/g, encodeURIComponent)}>` : text;
}

/** One section per service (general rules first), one table row per cell. */
export function matrixMarkdown(kb: KnowledgeBase, generatedAt: Date = new Date()): string {
  const rows = matrixExportRows(kb);
  const out = [
    '# Who secures what on AWS: the shared responsibility matrix',
    '',
    `Generated ${generatedAt.toISOString().slice(0, 10)} from the whosecures knowledge base: ${rows.length} cells. Verdicts: AWS, You (the customer), Shared, Depends (see the conditions).`,
  ];
  const byService = new Map<string, ExportRow[]>();
  for (const r of rows) byService.set(r.serviceId, [...(byService.get(r.serviceId) ?? []), r]);
  for (const [serviceId, cells] of byService) {
    out.push('', `## ${markdownCell(cells[0].service)} (\`${serviceId}\`)`, '');
    out.push('| Cell | Area | Verdict | Summary | AWS does | You do | Conditions | Citations | Verified |');
    out.push('|---|---|---|---|---|---|---|---|---|');
    for (const r of cells) {
      out.push(
        `| \`${r.cell}\` | ${markdownCell(r.area)} | ${r.verdict} | ${markdownCell(r.summary)} | ${markdownCell(r.aws)} | ${markdownCell(r.customer)} | ${markdownCell(r.conditions)} | ${r.citations.map(markdownCitation).join('<br>')} | ${r.verified} |`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}
