import { ESCALATION_QUESTION_MAX as QUESTION_MAX, ESCALATION_SUMMARY_MAX as SUMMARY_MAX, escalationRequest, type EscalationRequest } from '../../../curator/escalations';
import type { Answer } from '../../../engine/types';
import { SLACK_LIMITS } from '../slackLimits';

/**
 * What the "Ask the security team" button carries (src/curator/escalations.ts), packed into
 * Slack's 2,000-character button value: enough to open the escalation without the answer
 * itself, which is gone once an ephemeral answer is dismissed. Slack signs the click, so the
 * value is what this bot rendered; it is still parsed defensively.
 */
export type EscalateValue = EscalationRequest;

export function encodeEscalateValue(answer: Answer, question: string): string {
  const request = escalationRequest(answer, question);
  let q = request.question;
  const make = () =>
    JSON.stringify({
      a: request.answerId,
      q,
      ...(request.verdict ? { v: request.verdict } : {}),
      s: request.summary,
      ...(request.cell ? { c: request.cell } : {}),
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
