import MiniSearch from 'minisearch';
import { normalizeText } from '../text/normalize';
import type { KnowledgeBase } from '../knowledge/types';
import { cellTitle } from './build';

export interface SearchHit {
  kind: 'cell' | 'concept';
  id: string;
  title: string;
  score: number;
}

interface Doc {
  id: string;
  kind: 'cell' | 'concept';
  title: string;
  keywords: string;
  body: string;
}

const STOP_WORDS = new Set(
  'a an the is are am be to of in on for and or with who whos what whats which how do does did i me my we our us you your it its this that there their by as at from about can could should would will shall need needs have has if so any all than then them they he she his her was were been being into via vs versus'.split(' '),
);

/**
 * Ranked full-text search over cells and concepts (MiniSearch: BM25 with prefix and fuzzy
 * matching). The router uses it when detection alone does not settle a question, and for
 * did-you-mean suggestions.
 */
export class SearchIndex {
  private built?: MiniSearch<Doc>;
  private readonly docs: Doc[];

  /**
   * `lazy` builds the index on the first search instead of now: for routers built by the
   * hundred over variants of one knowledge base (`kb phrases`), most of which never search.
   */
  constructor(kb: KnowledgeBase, options: { lazy?: boolean } = {}) {
    const docs: Doc[] = [];
    for (const cell of kb.cells.values()) {
      const service = kb.services.get(cell.service);
      const area = kb.areas.get(cell.area);
      docs.push({
        id: `cell:${cell.id}`,
        kind: 'cell',
        title: cellTitle(kb, cell),
        keywords: [...cell.keywords, ...(service ? [service.name, ...service.aliases.slice(0, 4)] : []), ...(area?.keywords.slice(0, 4) ?? [])].join(' '),
        body: [cell.summary, ...cell.aws, ...cell.customer].join(' '),
      });
    }
    for (const concept of kb.concepts.values()) {
      docs.push({ id: `concept:${concept.id}`, kind: 'concept', title: concept.title, keywords: concept.keywords.join(' '), body: concept.summary });
    }
    this.docs = docs;
    if (!options.lazy) this.built = this.build();
  }

  private get index(): MiniSearch<Doc> {
    this.built ??= this.build();
    return this.built;
  }

  private build(): MiniSearch<Doc> {
    const index = new MiniSearch<Doc>({
      fields: ['title', 'keywords', 'body'],
      storeFields: ['kind', 'title'],
      // Called for every term of every document: keep it cheap (the full normalisation runs on queries only).
      processTerm: (term) => {
        const t = term.toLowerCase().replace(/[^a-z0-9]/g, '');
        return t && !STOP_WORDS.has(t) ? t : null;
      },
      searchOptions: { boost: { title: 3, keywords: 2 }, prefix: (t) => t.length > 3, fuzzy: (t) => (t.length > 4 ? 0.2 : false) },
    });
    index.addAll(this.docs);
    return index;
  }

  /** The best cell of one service for a question that named the service but no area. */
  bestCellOf(text: string, serviceId: string): SearchHit | undefined {
    return this.cellsOf(text, serviceId, 1)[0];
  }

  /** The service's cells ranked for a question, best first. */
  cellsOf(text: string, serviceId: string, limit: number): SearchHit[] {
    return this.index
      .search(normalizeText(text), { filter: (r) => String(r.id).startsWith(`cell:${serviceId}.`) })
      .slice(0, limit)
      .map((r) => ({ kind: 'cell' as const, id: String(r.id).slice(5), title: r.title as string, score: r.score }));
  }

  search(text: string, limit = 5): SearchHit[] {
    return this.index.search(normalizeText(text)).slice(0, limit).map((r) => ({
      kind: r.kind as 'cell' | 'concept',
      id: String(r.id).replace(/^(cell|concept):/, ''),
      title: r.title as string,
      score: r.score,
    }));
  }
}
