import type { KnowledgeBase, UncoveredService } from '../../knowledge/types';
import type { Detection } from '../detect';
import type { GuardReason } from '../guards';
import type { Decline } from '../scope';
import type { QuestionForm } from '../form';
import type { SearchIndex } from '../search';
import type { UnitIndex } from '../units';
import type { Answer, Query, RouteName } from '../types';

/** Everything an intent may look at; computed once per question by the router. */
export interface RouteContext {
  kb: KnowledgeBase;
  search: SearchIndex;
  /** The duty lines of every cell, ranked against a question. */
  units: UnitIndex;
  query: Query;
  /** The question with markup and control characters removed. */
  clean: string;
  detection: Detection;
  /** Services after follow-up resolution (may come from the thread's context). */
  services: string[];
  /** Best area after follow-up resolution. */
  area?: string;
  /** Second area when the question clearly asks about two. */
  secondArea?: string;
  /** Two questions in one ("who patches X and who sets Y?"). */
  twoQuestions: boolean;
  asked?: 'aws' | 'customer';
  /** Positions of detection.tokens inside a negation's scope ("not Custom", "unless we..."). */
  negated: ReadonlySet<number>;
  /** What kind of answer is wanted, apart from the topic. */
  form: QuestionForm;
  guard?: GuardReason;
  /** A task, a sum, advice, facility details or a promise: declined or out of scope. */
  decline?: Decline;
  /** Chit-chat topics or on-premises words (knowledge/scope.yaml): out of scope unless AWS is named. */
  unrelatedTopic: boolean;
  onPremises: boolean;
  /** The message has a word of the domain even where it names nothing in the knowledge base. */
  mentionsDomain: boolean;
  /** An AWS service the matrix does not cover, named as the subject. */
  uncovered?: UncoveredService;
  compareCue: boolean;
}

export interface Intent {
  name: RouteName;
  matches(ctx: RouteContext): boolean;
  handle(ctx: RouteContext): Answer;
}
