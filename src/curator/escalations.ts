import { INTENT_TRAITS, type Answer } from '../engine/types';
import { VERDICT_LABEL } from '../engine/answerText';
import type { Verdict } from '../engine/types';
import type { Escalation, OutboxJobInput, Store } from '../store/types';
import { escalationProposal } from './escalationProposal';

/**
 * "Ask the security team", the parts every channel shares: what an answer's button carries,
 * which answers get one, and the curator's answer kept (with its proposed knowledge change)
 * once per escalation. The channels render, post and read their own buttons and forms.
 */

/** What the button on an answer carries: enough to open the escalation without the answer itself. */
export interface EscalationRequest {
  answerId: string;
  question: string;
  verdict?: string;
  /** The answer's headline: the short answer the curators see. */
  summary?: string;
  cell?: string;
}

/** The words every channel's escalation messages use, each written once (the channels add their markup). */
export const ESCALATION_TEXT = {
  /** The label of the button on an answer. */
  button: 'Ask the security team',
  /** The heading of the message in the curators' channel. */
  title: 'Question for the security team',
  /** Under the curator's answer form. */
  keptAsProposal: 'It is also kept as a proposed knowledge change for review into the knowledge base.',
  unknown: 'This escalation is no longer in the store.',
} as const;

export const ESCALATION_QUESTION_MAX = 1200;
export const ESCALATION_SUMMARY_MAX = 300;
/** The longest curator answer a form takes (Slack's modal, the Teams dialog). */
export const CURATOR_ANSWER_MAX = 2500;

/** Help, greetings and unusable input are not answers anyone would take to the security team (INTENT_TRAITS). */
export function isEscalatable(answer: Answer, question: string | undefined): boolean {
  return Boolean(question?.trim()) && INTENT_TRAITS[answer.intent].escalates;
}

/** The request an answer's button carries (bounded; the channel may shorten the question further to fit). */
export function escalationRequest(answer: Answer, question: string): EscalationRequest {
  return {
    answerId: answer.id,
    question: question.trim().slice(0, ESCALATION_QUESTION_MAX),
    ...(answer.verdict ? { verdict: answer.verdict } : {}),
    summary: answer.headline.slice(0, ESCALATION_SUMMARY_MAX),
    ...(answer.cells[0] ? { cell: answer.cells[0].slice(0, 100) } : {}),
  };
}

export function verdictLabel(verdict: string | undefined): string {
  return verdict && verdict in VERDICT_LABEL ? VERDICT_LABEL[verdict as Verdict] : 'No verdict';
}

export type CuratorAnswerOutcome =
  | { saved: true; escalation: Escalation }
  | { saved: false; reason: 'unknown' }
  | { saved: false; reason: 'not_open'; escalation: Escalation };

/**
 * Keeps a curator's answer once: the proposal is made from the stored escalation, and the
 * answer, the proposal and `job` (the reply to the asker) are written in one transaction,
 * conditional on the escalation still being open, so two curators (or two replicas) keep one.
 */
export async function saveCuratorAnswer(
  store: Pick<Store, 'getEscalation' | 'answerEscalation'>,
  input: { id: number; curator: string; answer: string; at?: Date },
  job: (e: Escalation) => OutboxJobInput,
): Promise<CuratorAnswerOutcome> {
  const e = await store.getEscalation(input.id);
  if (!e) return { saved: false, reason: 'unknown' };
  if (e.state !== 'open') return { saved: false, reason: 'not_open', escalation: e };
  const answer = input.answer.trim();
  const proposal = escalationProposal({ escalation: e, curator: input.curator, answer, at: input.at ?? new Date() });
  const saved = await store.answerEscalation({ id: input.id, curator: input.curator, answer, proposal }, job);
  if (saved) return { saved: true, escalation: saved };
  const now = await store.getEscalation(input.id);
  return now ? { saved: false, reason: 'not_open', escalation: now } : { saved: false, reason: 'unknown' };
}
