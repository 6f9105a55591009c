import type { Citation, KnowledgeBase } from '../knowledge/types';
import type { ResolvedCitation } from './types';

/**
 * Collects citations from several cells into one numbered list (a source cited twice with the
 * same locator gets one number) and returns the numbers each input list maps to.
 */
export class CitationList {
  readonly items: ResolvedCitation[] = [];

  constructor(private readonly kb: KnowledgeBase) {}

  add(citations: Citation[]): number[] {
    const numbers: number[] = [];
    for (const citation of citations) {
      const source = this.kb.sources.get(citation.source);
      if (!source) continue; // kb check guarantees this does not happen; never render a dangling link
      const existing = this.items.find((c) => c.id === source.id && c.locator === citation.locator && c.quote === citation.quote);
      if (existing) {
        numbers.push(existing.n);
        continue;
      }
      const n = this.items.length + 1;
      this.items.push({
        n,
        id: source.id,
        title: source.title,
        url: source.url,
        publisher: source.publisher,
        ...(citation.locator ? { locator: citation.locator } : {}),
        ...(citation.quote ? { quote: citation.quote } : {}),
      });
      numbers.push(n);
    }
    return numbers;
  }
}
