import type { Answer } from '../../../engine/types';
import { SLACK_LIMITS } from '../slackLimits';

/**
 * What the "Ask the security team" button carries: enough to open the escalation without the
 * answer itself, which is gone once an ephemeral answer is dismissed. Slack signs the click,
 * so the value is what this bot rendered; it is still parsed defensively.
 */
export interface EscalateValue {
  answerId: string;
  question: string;
  verdict?: string;
  /** The answer's headline: the short answer the curators see. */
  summary?: string;
  cell?: string;
}

const QUESTION_MAX = 1200;
const SUMMARY_MAX = 300;

export function encodeEscalateValue(answer: Answer, question: string): string {
  let q = question.slice(0, QUESTION_MAX);
  const make = () =>
    JSON.stringify({
      a: answer.id,
      q,
      ...(answer.verdict ? { v: answer.verdict } : {}),
      s: answer.headline.slice(0, SUMMARY_MAX),
      ...(answer.cells[0] ? { c: answer.cells[0].slice(0, 100) } : {}),
    });
  let value = make();
  // JSON escaping can make a question longer than its characters: shorten until it fits.
  while (value.length > SLACK_LIMITS.buttonValue && q.length) {
    q = q.slice(0, Math.floor(q.length * 0.8));
    value = make();
  }
  return value;
}

const str = (v: unknown, max: number): string | undefined => (typeof v === 'string' && v ? v.slice(0, max) : undefined);

export function decodeEscalateValue(value: string | undefined): EscalateValue | undefined {
  if (!value) return undefined;
  try {
    const p = JSON.parse(value) as Record<string, unknown>;
    const answerId = str(p.a, 100);
    const question = str(p.q, QUESTION_MAX);
    if (!answerId || !question) return undefined;
    const verdict = str(p.v, 40);
    const summary = str(p.s, SUMMARY_MAX);
    const cell = str(p.c, 100);
    return { answerId, question, ...(verdict ? { verdict } : {}), ...(summary ? { summary } : {}), ...(cell ? { cell } : {}) };
  } catch {
    return undefined;
  }
}
