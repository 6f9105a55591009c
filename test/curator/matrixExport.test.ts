import { parse } from 'csv-parse';
import { kbCommand } from '../../src/cli/kb';
import { CSV_HEADER, matrixCsv, matrixMarkdown } from '../../src/curator/matrixExport';
import type { Cell, KnowledgeBase } from '../../src/knowledge/types';
import { startTestApp } from '../helpers/app';
import { hostileKb, modifiedKb, shippedKb } from './helpers/fixtureKb';
import { capture } from '../helpers/cliIo';

const VERDICT: Record<string, string> = { aws: 'AWS', customer: 'You', shared: 'Shared', depends: 'Depends' };

/** Parsed by csv-parse, a CSV reader that follows RFC 4180, into one object per record. */
function parseCsv(text: string): Promise<Array<Record<string, string>>> {
  return new Promise((resolve, reject) => {
    parse(text, { columns: true, relax_column_count: false }, (err, records: Array<Record<string, string>>) => (err ? reject(err) : resolve(records)));
  });
}

/** What a spreadsheet shows once the formula guard's apostrophe is taken off again. */
const unguard = (field: string) => (/^'[=+\-@\t\r]/.test(field) ? field.slice(1) : field);
/** A list field: the guard is on the field's start only (that is where a spreadsheet reads a formula). */
const lines = (field: string) => (field === '' ? [] : unguard(field).split('\n'));

/** The http(s) URLs of a cell's citations, in order, read from the knowledge base itself. */
function citationUrls(kb: KnowledgeBase, cell: Cell): string[] {
  return cell.citations.flatMap((c) => {
    const url = kb.sources.get(c.source)?.url;
    return url && /^https?:\/\//.test(url) ? [new URL(url).href] : [];
  });
}

/** Checks one exported record against the cell it names, field by field. */
function expectRecordMatchesCell(kb: KnowledgeBase, record: Record<string, string>): void {
  const cell = kb.cells.get(record.cell);
  expect(cell).toBeDefined();
  if (!cell) return;
  expect(record.service_id).toBe(cell.service);
  expect(record.service).toBe(kb.services.get(cell.service)?.name);
  expect(record.area_id).toBe(cell.area);
  expect(record.area).toBe(kb.areas.get(cell.area)?.title);
  expect(record.verdict).toBe(VERDICT[cell.owner]);
  expect(unguard(record.summary)).toBe(cell.summary);
  expect(lines(record.aws_does)).toEqual(cell.aws);
  expect(lines(record.you_do)).toEqual(cell.customer);
  const conditions = lines(record.conditions);
  expect(conditions).toHaveLength(cell.conditions.length);
  cell.conditions.forEach((c, i) => expect(conditions[i]).toContain(c.when));
  const citations = lines(record.citations);
  expect(citations).toHaveLength(cell.citations.length);
  cell.citations.forEach((c, i) => expect(citations[i]).toContain(`[${i + 1}] ${kb.sources.get(c.source)?.title}`));
  expect(lines(record.citation_urls)).toEqual(citationUrls(kb, cell));
  expect(record.verified).toBe(cell.verified);
}

/** The tables of the Markdown export, read back: cells split on unescaped pipes, escapes undone. */
function parseMarkdownTables(md: string): Array<{ service: string; cells: string[][] }> {
  const sections: Array<{ service: string; cells: string[][] }> = [];
  for (const line of md.split('\n')) {
    const heading = /^## .* \(`([^`]+)`\)$/.exec(line);
    if (heading) sections.push({ service: heading[1], cells: [] });
    else if (line.startsWith('| `')) {
      const fields = line.slice(2, -2).split(/ (?<!\\)\| /);
      sections[sections.length - 1].cells.push(fields.map((f) => f.replace(/^`|`$/g, '')));
    }
  }
  return sections;
}
const mdLines = (field: string) => (field === '' ? [] : field.split(/(?<!\\)<br>/).map((l) => l.replace(/\\(.)/g, '$1')));

/** Curated text a spreadsheet would run, plus quotes, commas and line breaks. */
const trickyKb = () =>
  modifiedKb(({ cells }) => {
    const base = cells.get('ec2.os-patching')!;
    cells.set('ec2.os-patching', {
      ...base,
      summary: '=HYPERLINK("https://evil.example","click"), then "quote", comma',
      aws: ['+1 the hypervisor', '-2 the hosts', '@SUM(A1:A9)', 'plain line | with a pipe'],
      customer: ['line one\nstill line one?'],
    });
  });

describe('kb matrix exports', () => {
  it('CSV: one record per cell, every field parsed back equal to the knowledge base', async () => {
    const kb = shippedKb();
    const text = matrixCsv(kb);
    expect(text.split('\n')[0]).toBe(CSV_HEADER.join(','));
    const records = await parseCsv(text);
    expect(records).toHaveLength(kb.cells.size);
    expect(new Set(records.map((r) => r.cell))).toEqual(new Set(kb.cells.keys()));
    for (const record of records) expectRecordMatchesCell(kb, record);
    // The general rules come first, as on the page.
    expect(records[0].service_id).toBe('general');
  });

  it('CSV: quotes, commas, pipes and line breaks survive, and formulas are defused', async () => {
    const kb = trickyKb();
    const records = await parseCsv(matrixCsv(kb));
    const ec2 = records.find((r) => r.cell === 'ec2.os-patching')!;
    expect(ec2.summary.startsWith("'=HYPERLINK(")).toBe(true);
    expect(ec2.aws_does.split('\n')).toEqual(["'+1 the hypervisor", '-2 the hosts', '@SUM(A1:A9)', 'plain line | with a pipe']);
    // No field a spreadsheet reads (the field's start) can begin a formula.
    for (const record of records) for (const field of Object.values(record)) expect(field).not.toMatch(/^[=+\-@]/);
    expect(records).toHaveLength(kb.cells.size);
    for (const record of records.filter((r) => r.cell !== 'ec2.os-patching')) expectRecordMatchesCell(kb, record);
  });

  it('Markdown: a table per service with every cell, read back equal to the knowledge base', () => {
    const kb = shippedKb();
    const sections = parseMarkdownTables(matrixMarkdown(kb, new Date('2026-12-01T00:00:00Z')));
    const rows = sections.flatMap((s) => s.cells.map((c) => ({ service: s.service, c })));
    expect(rows).toHaveLength(kb.cells.size);
    for (const { service, c } of rows) {
      expect(c).toHaveLength(9);
      const [id, area, verdict, summary, aws, customer, conditions, citations, verified] = c;
      const cell = kb.cells.get(id)!;
      expect(cell.service).toBe(service);
      expect(mdLines(area)).toEqual([kb.areas.get(cell.area)!.title]);
      expect(verdict).toBe(VERDICT[cell.owner]);
      expect(mdLines(summary)).toEqual([cell.summary.replace(/\s+/g, ' ')]);
      expect(mdLines(aws)).toEqual(cell.aws.map((l) => l.replace(/\s+/g, ' ')));
      expect(mdLines(customer)).toEqual(cell.customer.map((l) => l.replace(/\s+/g, ' ')));
      expect(mdLines(conditions)).toHaveLength(cell.conditions.length);
      const cited = citations.split('<br>');
      expect(cited).toHaveLength(cell.citations.length);
      expect(cited.flatMap((l) => /<(https?:\/\/[^>]+)>$/.exec(l)?.[1] ?? [])).toEqual(citationUrls(kb, cell));
      expect(verified).toBe(cell.verified);
    }
  });

  it('Markdown: knowledge-base text never becomes markup, and a pipe never splits a cell', () => {
    const md = matrixMarkdown(hostileKb());
    expect(md).not.toMatch(/(?<!\\)<(b|i|u|em|s|img|script|a)\b/i);
    expect(md).not.toMatch(/\]\(javascript:|<javascript:/); // escaped text, never a link
    const tricky = parseMarkdownTables(matrixMarkdown(trickyKb())).flatMap((s) => s.cells);
    const ec2 = tricky.find((c) => c[0] === 'ec2.os-patching')!;
    expect(ec2).toHaveLength(9);
    expect(mdLines(ec2[4])).toContain('plain line | with a pipe');
  });

  it('the CLI prints each format; html is the page, and a wrong format is a usage error', async () => {
    const kb = shippedKb();
    const csv = capture();
    expect(await kbCommand(['matrix', '--format', 'csv'], csv, {})).toBe(0);
    const records = await parseCsv(`${csv.stdout.join('\n')}\n`);
    expect(records).toHaveLength(kb.cells.size);
    for (const record of records) expectRecordMatchesCell(kb, record);
    const md = capture();
    expect(await kbCommand(['matrix', '--format', 'md'], md, {})).toBe(0);
    expect(parseMarkdownTables(md.stdout.join('\n')).flatMap((s) => s.cells)).toHaveLength(kb.cells.size);
    const html = capture();
    expect(await kbCommand(['matrix', '--format', 'html'], html, {})).toBe(0);
    expect(html.stdout.join('\n').match(/data-cell="/g)).toHaveLength(kb.cells.size);
    expect(html.stdout.join('\n')).not.toContain('Download CSV'); // a saved file has no CSV beside it
    const bad = capture();
    expect(await kbCommand(['matrix', '--format', 'xlsx'], bad, {})).toBe(2);
    expect(bad.stderr.join('\n')).toMatch(/--format takes one of: text, csv, md, html/);
  });
});

describe('GET /matrix.csv', () => {
  it('downloads the CSV the CLI prints, linked from the page', async () => {
    const t = await startTestApp();
    try {
      const page = await (await fetch(`${t.baseUrl}/matrix`)).text();
      const link = /<a class="download" href="([^"]+)" download="whosecures-matrix.csv">/.exec(page);
      expect(link?.[1]).toBe('matrix.csv');
      const res = await fetch(new URL(link![1], `${t.baseUrl}/matrix`));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="whosecures-matrix.csv"');
      const body = await res.text();
      expect(body).toBe(matrixCsv(t.app.kb));
      expect(await parseCsv(body)).toHaveLength(t.app.kb.cells.size);
    } finally {
      await t.close();
    }
  });

  it('is absent with the page (MATRIX_PAGE_ENABLED=false)', async () => {
    const t = await startTestApp({ MATRIX_PAGE_ENABLED: 'false' });
    try {
      expect((await fetch(`${t.baseUrl}/matrix.csv`)).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});
