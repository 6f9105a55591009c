import type { Answer, Query } from '../engine/types';

/**
 * Rephrases an answer's explanation. Implementations must never change the verdict, the cells
 * or the citations: they return a copy of the answer with `phrased` set, or undefined.
 */
export interface Phraser {
  phrase(answer: Answer, query: Query): Promise<Answer | undefined>;
}
