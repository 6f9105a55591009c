import type { Area, CatalogueFile, Lexicon, ScopeWords, CellInput, Concept, ServiceInput, Source, UncoveredService } from './schema';

export type { Lexicon, ScopeWords, Area, Concept, Source, Citation, Condition, Owner, UncoveredService } from './schema';

/** The pseudo-service whose cells hold for any service ("general rule"). */
export const GENERAL = 'general';

export interface Service extends ServiceInput {
  /** File the service was read from, relative to the knowledge folder. */
  file: string;
}

export interface Cell extends CellInput {
  /** `<service>.<area>`, stable: citations, feedback and logs refer to it. */
  id: string;
  service: string;
  file: string;
}

export interface KnowledgeBase {
  dir: string;
  services: Map<string, Service>;
  areas: Map<string, Area>;
  cells: Map<string, Cell>;
  concepts: Map<string, Concept>;
  sources: Map<string, Source>;
  /** Raw answer scores -> the share right on the tuning sets (knowledge/calibration.json), when fitted. */
  calibration?: CalibrationData;
  /** The domain's vocabulary (knowledge/lexicon.yaml). */
  lexicon: Lexicon;
  /** What the bot declines or leaves to others (knowledge/scope.yaml). */
  scope: ScopeWords;
  /** AWS services the matrix does not cover yet (knowledge/catalogue.yaml). */
  uncovered: UncoveredService[];
  uncoveredSource: CatalogueFile['source'];
  /** Paragraphs of shipped source files, by source id (paragraph 1 is index 0). */
  sourceParagraphs: Map<string, string[]>;
  /** The general cell for an area, if any. */
  generalCell(areaId: string): Cell | undefined;
  cell(serviceId: string, areaId: string): Cell | undefined;
  cellsOf(serviceId: string): Cell[];
}

/** The fitted confidence model (knowledge/calibration.json), read by the engine's calibration. */
export interface CalibrationData {
  fittedOn: { questions: number; sets: string[] };
  bias: number;
  weights: Record<string, number>;
  /**
   * The tuning sets are answered far better than questions nobody has seen, so a model fitted on
   * them alone is too sure of itself. `shift` moves every prediction by what sets scored the
   * first time they were seen say (their answers recorded then, in first-score.json).
   */
  novelty?: { shift: number; fittedOn: Array<{ set: string; commit: string; questions: number; accuracy: number }> };
}
