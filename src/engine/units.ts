import type { Cell, KnowledgeBase } from '../knowledge/types';
import { normalizeText } from '../text/normalize';
import type { Vocabulary } from './vocabulary';
import { PhraseIndex } from './phrases';
import { stemToken } from '../text/normalize';

/**
 * Answer units: every duty line of a cell ("AWS: provides a 24x7 response team") is a
 * candidate with an id (conditions are chosen by the situations they state, in conditions.ts). A question that names one action inside a shared area is
 * answered by the unit that performs it, not by the area's "shared".
 *
 * Units are read in the vocabulary's canonical terms and scored by the inverse document
 * frequency of the terms they share with the question (a term found in few units says more
 * than one found in many), so no phrase list per duty is needed.
 */

export type UnitSide = 'aws' | 'customer';

export interface Unit {
  /** `<cell id>#aws.0`, `<cell id>#customer.1` */
  id: string;
  cellId: string;
  kind: 'duty';
  side: UnitSide;
  text: string;
  terms: Set<string>;
}

/** A question as the units read it (UnitIndex.read). */
export interface AskedQuestion {
  tokens: string[];
  terms: Set<string>;
}

export interface RankedUnit {
  unit: Unit;
  score: number;
}

export interface UnitChoice {
  unit: Unit;
  score: number;
  /** The best score of a unit on another side, for the margin. */
  runnerUp: number;
}

/** A unit must share at least this much evidence with the question to decide it. */
export const MIN_UNIT_SCORE = 8;
/** ...and beat every unit of another side by this factor. */
export const UNIT_MARGIN = 3;

export class UnitIndex {
  private readonly byCell = new Map<string, Unit[]>();
  private readonly idf = new Map<string, number>();
  private readonly serviceWords = new Map<string, Set<string>>();

  private readonly awsManaged = new PhraseIndex<true>();
  private readonly providerActions: string[];

  constructor(kb: KnowledgeBase, private readonly vocabulary: Vocabulary) {
    for (const marker of kb.lexicon['aws-managed-markers']) this.awsManaged.add(normalizeText(marker), true);
    this.providerActions = kb.lexicon['provider-actions'].map((a) => vocabulary.terms(a)[0]).filter((a): a is string => a !== undefined);
    for (const service of kb.services.values()) {
      // The service's own names say nothing about which of its duties is meant.
      const names = [service.id, service.name, ...service.aliases];
      this.serviceWords.set(service.id, new Set(names.flatMap((n) => normalizeText(n).split(' ')).filter((w) => w && w !== 'aws' && w !== 'amazon').map(stemToken)));
    }
    const df = new Map<string, number>();
    let n = 0;
    for (const cell of kb.cells.values()) {
      const skip = this.serviceWords.get(cell.service);
      const units: Unit[] = [];
      const add = (kind: Unit['kind'], side: UnitSide, key: string, text: string) => {
        const terms = new Set(vocabulary.terms(text, skip));
        units.push({ id: `${cell.id}#${key}`, cellId: cell.id, kind, side, text, terms });
        for (const t of terms) df.set(t, (df.get(t) ?? 0) + 1);
        n++;
      };
      cell.aws.forEach((line, i) => add('duty', 'aws', `aws.${i}`, line));
      cell.customer.forEach((line, i) => add('duty', 'customer', `customer.${i}`, line));
      // Conditions are chosen by the situations they state (conditions.ts); their notes often
      // describe both sides, so they are not duty units.
      this.byCell.set(cell.id, units);
    }
    for (const [term, count] of df) this.idf.set(term, Math.log(1 + n / count));
  }

  /**
   * "Who updates the AWS managed rule groups?": the thing asked about is marked as AWS's own and
   * the action is one of maintaining it.
   */
  asksAboutAwsManaged(question: AskedQuestion): boolean {
    return this.providerActions.some((a) => question.terms.has(a)) && this.awsManaged.match(question.tokens).length > 0;
  }

  units(cellId: string): Unit[] {
    return this.byCell.get(cellId) ?? [];
  }

  /**
   * A question read once for one cell: its terms without its negated words and the cell's own
   * service name. `tokens` are the question's normalised words, `negated` their negated positions.
   */
  read(tokens: string[], negated: ReadonlySet<number>, cell: Cell): AskedQuestion {
    const kept = tokens.filter((_, i) => !negated.has(i));
    return { tokens, terms: new Set(this.vocabulary.termsOfTokens(kept, this.serviceWords.get(cell.service))) };
  }

  rank(question: AskedQuestion, cell: Cell): RankedUnit[] {
    const asked = question.terms;
    return this.units(cell.id)
      .map((unit) => {
        let score = 0;
        for (const t of unit.terms) if (asked.has(t)) score += this.idf.get(t) ?? 0;
        return { unit, score };
      })
      .filter((r) => r.score > 0)
      .sort((a, b) => b.score - a.score);
  }

  /**
   * The unit a question about one action in a shared or "depends" cell is about: the best unit,
   * if it has enough evidence and clearly beats every unit whose owner differs.
   */
  choose(question: AskedQuestion, cell: Cell): UnitChoice | undefined {
    const ranked = this.rank(question, cell);
    const best = ranked[0];
    if (!best || best.score < MIN_UNIT_SCORE) return undefined;
    const runnerUp = ranked.find((r) => r.unit.side !== best.unit.side)?.score ?? 0;
    if (best.score < runnerUp * UNIT_MARGIN) return undefined;
    return { unit: best.unit, score: best.score, runnerUp };
  }
}
