import type { Condition } from '../knowledge/types';

export const VERDICTS = ['aws', 'customer', 'shared', 'depends', 'unknown', 'out_of_scope'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const INTENTS = [
  'lookup',
  'compare',
  'overview',
  'concept',
  'clarify',
  'help',
  'greeting',
  'out_of_scope',
  'not_found',
  'invalid_input',
] as const;
export type IntentName = (typeof INTENTS)[number];

/** What each kind of answer is, for the code that treats kinds differently. */
export interface IntentTraits {
  /** An LLM may phrase its explanation (it rests on knowledge-base cells). */
  phrasable: boolean;
  /** It answers from the knowledge base, so a low confidence makes it a gap for the curators. */
  answers: boolean;
  /** Someone might take it to the security team ("Ask the security team"): not help, greetings or unusable input. */
  escalates: boolean;
}

export const INTENT_TRAITS: Record<IntentName, IntentTraits> = {
  lookup: { phrasable: true, answers: true, escalates: true },
  compare: { phrasable: true, answers: true, escalates: true },
  overview: { phrasable: true, answers: true, escalates: true },
  clarify: { phrasable: true, answers: true, escalates: true },
  concept: { phrasable: false, answers: true, escalates: true },
  help: { phrasable: false, answers: false, escalates: false },
  greeting: { phrasable: false, answers: false, escalates: false },
  out_of_scope: { phrasable: false, answers: false, escalates: true },
  not_found: { phrasable: false, answers: false, escalates: true },
  invalid_input: { phrasable: false, answers: false, escalates: false },
};

/** The traits of a logged intent name, which may come from an older version of the bot. */
export function intentTraits(name: string): IntentTraits | undefined {
  return (INTENT_TRAITS as Record<string, IntentTraits>)[name];
}

/** The router's table entries (engine/router.ts INTENTS), each of which yields answers of one or more IntentNames. */
export type RouteName = 'out_of_scope' | 'greeting' | 'help' | 'trivia' | 'uncovered' | 'compare' | 'lookup' | 'concept' | 'overview' | 'general' | 'search';

import type { Platform } from '../platform';
export type { Platform };

/** What the previous answer in this thread was about, so "and for RDS?" can be understood. */
export interface ThreadContext {
  service?: string;
  area?: string;
}

/** A condition as answers show it: when, who, and a note. */
export type AnswerCondition = Pick<Condition, 'when' | 'owner' | 'note'>;

/** One question, whatever the channel it came from. */
export interface Query {
  text: string;
  platform: Platform;
  userId: string;
  conversationId: string;
  threadId?: string;
  context?: ThreadContext;
}

export interface ResolvedCitation {
  /** 1-based number shown as [1], [2] in answers. */
  n: number;
  id: string;
  title: string;
  url: string;
  publisher: string;
  locator?: string;
  quote?: string;
}

/** One row of a comparison (compare intent) or of a service overview. */
export interface AnswerRow {
  cellId: string;
  label: string;
  owner: 'aws' | 'customer' | 'shared' | 'depends';
  summary: string;
  /** Numbers of the citations (in Answer.citations) backing this row. */
  citationNumbers: number[];
}

/** The neutral answer every renderer (CLI, Slack, Teams) turns into its own format. */
export interface Answer {
  id: string;
  intent: IntentName;
  verdict: Verdict | null;
  topic: { id: string; title: string } | null;
  headline: string;
  /** The template explanation in plain text (what the CLI prints). */
  text: string;
  aws: string[];
  customer: string[];
  /** When the owner changes; curation data (the phrases that state a situation) stays in the knowledge base. */
  conditions: AnswerCondition[];
  rows: AnswerRow[];
  citations: ResolvedCitation[];
  suggestions: string[];
  confidence: number;
  cells: string[];
  /** Date the main cell was last verified. */
  verified?: string;
  /** What this answer was about, for follow-ups in the same thread. */
  context: ThreadContext;
  /** Set when an LLM phrased the explanation (never the verdict). */
  phrased?: { text: string; model: string };
  /**
   * Low-confidence lookups only: the cells the question may have meant, this answer's first.
   * A chooser may pick one (Router.routeReading answers it); the verdict is still that cell's.
   */
  readings?: Reading[];
  /** Set when the reading was picked among `readings` by a chooser, not by the router alone. */
  readingChosen?: boolean;
}

/** One cell a question may have meant, as a chooser is shown it. */
export interface Reading {
  cell: string;
  label: string;
  summary: string;
}
