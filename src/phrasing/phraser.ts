import type { Answer, Query } from '../engine/types';

/**
 * Rephrases an answer's explanation. Implementations must never change the verdict, the cells
 * or the citations: they return a copy of the answer with `phrased` set, or undefined.
 */
export interface Phraser {
  phrase(answer: Answer, query: Query, options?: PhraseOptions): Promise<Answer | undefined>;
}

export interface PhraseOptions {
  /**
   * Whose budget the call counts against: `slack:<team or enterprise id>` or
   * `teams:<tenant id>`. Absent (the CLI, or a path that does not know it): the global budget only.
   */
  workspace?: string;
}
