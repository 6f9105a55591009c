import type { Citation } from './schema';
import type { KnowledgeBase } from './types';
import { normalizeText } from '../text/normalize';

export interface CheckProblem {
  file: string;
  entry: string;
  message: string;
}

export interface CheckOptions {
  /** Report cells last verified more than this many months before `today`. */
  staleMonths?: number;
  today?: Date;
}

/** Quotes are compared with whitespace folded, so line wrapping in YAML does not matter. */
const fold = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Checks one citation: known source, and for quotes a shipped file, a paragraph locator and verbatim text. */
export function checkCitation(kb: KnowledgeBase, citation: Citation, file: string, entry: string, out: CheckProblem[]): void {
  const source = kb.sources.get(citation.source);
  if (!source) {
    out.push({ file, entry, message: `cites unknown source "${citation.source}"` });
    return;
  }
  const paragraphs = kb.sourceParagraphs.get(source.id);
  if (!citation.quote) return;
  if (!paragraphs) {
    out.push({ file, entry, message: `quotes "${citation.source}", which is not a shipped document: quotes only come from files in knowledge/sources/` });
    return;
  }
  const match = /^paragraph (\d+)$/.exec(citation.locator ?? '');
  if (!match) {
    out.push({ file, entry, message: `a quote from ${source.id} needs a locator "paragraph N"` });
    return;
  }
  const paragraph = paragraphs[Number(match[1]) - 1];
  if (paragraph === undefined) {
    out.push({ file, entry, message: `${source.id} has no paragraph ${match[1]} (it has ${paragraphs.length})` });
  } else if (!fold(paragraph).includes(fold(citation.quote))) {
    out.push({ file, entry, message: `quote not found verbatim in ${source.id} paragraph ${match[1]}: "${citation.quote}"` });
  }
}

function monthsBetween(from: Date, to: Date): number {
  return (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
}

/** The age past which `kb check` warns about a cell, unless `--stale` sets one that fails. */
export const STALE_WARNING_MONTHS = 12;

/** Cells last verified more than `months` months before `today`, oldest first. */
export function staleCells(kb: KnowledgeBase, months: number, today: Date = new Date()): CheckProblem[] {
  return [...kb.cells.values()]
    .map((cell) => ({ cell, age: monthsBetween(new Date(`${cell.verified}T00:00:00Z`), today) }))
    .filter(({ age }) => age > months)
    .sort((a, b) => b.age - a.age || a.cell.id.localeCompare(b.cell.id))
    .map(({ cell, age }) => ({ file: cell.file, entry: `cell ${cell.id}`, message: `last verified ${cell.verified}, ${age} months ago (more than ${months})` }));
}

/** Everything `whosecures kb check` verifies beyond the schema. An empty list means the KB is sound. */
export function checkKnowledge(kb: KnowledgeBase, options: CheckOptions = {}): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const citedSources = new Set<string>();

  for (const cell of kb.cells.values()) {
    const entry = `cell ${cell.id}`;
    if (!kb.areas.has(cell.area)) problems.push({ file: cell.file, entry, message: `area "${cell.area}" is not in areas.yaml (orphaned cell)` });
    if (!kb.services.has(cell.service)) problems.push({ file: cell.file, entry, message: `service "${cell.service}" is not declared (orphaned cell)` });
    for (const citation of cell.citations) {
      citedSources.add(citation.source);
      checkCitation(kb, citation, cell.file, entry, problems);
    }
    // A phrase that states two situations with different owners decides nothing.
    const phraseOwner = new Map<string, string>();
    for (const condition of cell.conditions) {
      for (const phrase of condition.phrases.map((p) => normalizeText(p))) {
        const seen = phraseOwner.get(phrase);
        if (seen && seen !== condition.owner) problems.push({ file: cell.file, entry, message: `condition phrase "${phrase}" states situations with different owners` });
        phraseOwner.set(phrase, condition.owner);
      }
    }
    // A service left on its defaults is in one situation.
    if (cell.conditions.filter((c) => c.default === true).length > 1) problems.push({ file: cell.file, entry, message: 'more than one condition is marked default: true' });
    if (cell.decided_by && !cell.citations.some((c) => c.source === cell.decided_by)) {
      problems.push({ file: cell.file, entry, message: `decided_by "${cell.decided_by}" is not one of the cell's citations` });
    }
  }
  if (options.staleMonths !== undefined) problems.push(...staleCells(kb, options.staleMonths, options.today));

  for (const concept of kb.concepts.values()) {
    for (const citation of concept.citations) {
      citedSources.add(citation.source);
      checkCitation(kb, citation, 'concepts.yaml', `concept ${concept.id}`, problems);
    }
  }

  // Aliases decide which service a question is about: one phrase must mean one service.
  const aliasOwner = new Map<string, string>();
  for (const service of kb.services.values()) {
    if (service.id !== 'general' && kb.cellsOf(service.id).length === 0) {
      problems.push({ file: service.file, entry: `service ${service.id}`, message: 'has no cells' });
    }
    for (const related of service.related) {
      if (!kb.services.has(related)) problems.push({ file: service.file, entry: `service ${service.id}`, message: `related service "${related}" does not exist` });
    }
    const names = new Set([service.id, service.name, ...service.aliases].map((a) => normalizeText(a)).filter(Boolean));
    for (const alias of names) {
      const owner = aliasOwner.get(alias);
      if (owner && owner !== service.id) {
        problems.push({ file: service.file, entry: `service ${service.id}`, message: `alias "${alias}" also belongs to ${owner}` });
      } else {
        aliasOwner.set(alias, service.id);
      }
    }
  }

  // The lexicon names services and areas by id: each must exist.
  const lex = kb.lexicon;
  const serviceIds = [...Object.keys(lex.tools), ...lex.implied.map((i) => i.service), ...lex.examples];
  for (const sid of serviceIds) if (!kb.services.has(sid)) problems.push({ file: 'lexicon.yaml', entry: sid, message: 'is not a service id' });
  const areaIds = [...Object.values(lex.tools), ...lex['broad-areas'], ...lex['area-fallbacks'].flatMap((f) => [f.from, f.to]), lex['engine-area'], lex['os-area'], lex['facility-area'], ...lex['compare-areas'], ...lex['overview-order']].filter((a): a is string => a !== undefined);
  for (const aid of areaIds) if (!kb.areas.has(aid)) problems.push({ file: 'lexicon.yaml', entry: aid, message: 'is not an area id' });

  // A service listed as not covered must not also be a covered one.
  for (const entry of kb.uncovered) {
    for (const alias of [entry.name, ...entry.aliases].map((a) => normalizeText(a)).filter(Boolean)) {
      const owner = aliasOwner.get(alias);
      if (owner) problems.push({ file: 'catalogue.yaml', entry: entry.name, message: `"${alias}" names the covered service ${owner}` });
    }
  }

  for (const source of kb.sources.values()) {
    if (!citedSources.has(source.id)) problems.push({ file: 'sources', entry: `source ${source.id}`, message: 'is never cited' });
    const host = sourceHostProblem(source.url);
    if (host) problems.push({ file: 'sources', entry: `source ${source.id}`, message: host });
  }
  return problems;
}

/**
 * Citations are links users click: each goes to AWS's own site over https, never to a copy seen
 * through a proxy or mirror (which is where some search results come from).
 */
const SOURCE_HOSTS = /(^|\.)(amazon\.com|awsstatic\.com|amazonaws\.cn|aws\.github\.io|skillbuilder\.aws)$/;

export function sourceHostProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `has an address that is not a URL: ${url}`;
  }
  if (parsed.protocol !== 'https:') return `links over ${parsed.protocol.replace(':', '')}, not https: ${url}`;
  if (!SOURCE_HOSTS.test(parsed.hostname) || parsed.hostname.includes('rproxy')) return `links to ${parsed.hostname}, not an AWS site: cite the page on docs.aws.amazon.com (or aws.amazon.com)`;
  return undefined;
}
