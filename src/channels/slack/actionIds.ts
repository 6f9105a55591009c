import { SLACK_LIMITS } from './slackLimits';

/** The action ids of every button the renderer emits, matched by the interactivity listeners. */
export const ACTION = {
  helpful: 'feedback_helpful',
  notHelpful: 'feedback_not_helpful',
  share: 'share_answer',
  /** "Ask the security team" on an answer (ESCALATION_CHANNEL set). */
  escalate: 'escalate_answer',
  /** The curators' "Reply" and "Close" on an escalation in their channel. */
  escalationReply: 'escalation_reply',
  escalationClose: 'escalation_close',
  /** Follow-up buttons are `followup_0`, `followup_1`, …: action ids must be unique per message. */
  followUpPrefix: 'followup_',
} as const;

/** The callback id of the curator's answer modal. */
export const ESCALATION_MODAL = 'escalation_answer';

export const FEEDBACK_ACTION = /^feedback_(helpful|not_helpful)$/;
export const FOLLOW_UP_ACTION = /^followup_\d+$/;

export interface FeedbackValue {
  answerId: string;
  cells: string[];
}

/** The feedback button's value: the answer id and its cells, trimmed to Slack's value limit. */
export function encodeFeedbackValue(answerId: string, cells: string[]): string {
  const kept = [...cells];
  let value = JSON.stringify({ a: answerId, c: kept });
  while (value.length > SLACK_LIMITS.buttonValue && kept.length) {
    kept.pop();
    value = JSON.stringify({ a: answerId, c: kept });
  }
  return value;
}

/** Button values come back from Slack signed, but are still parsed defensively. */
export function decodeFeedbackValue(value: string | undefined): FeedbackValue | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as { a?: unknown; c?: unknown };
    if (typeof parsed.a !== 'string' || !parsed.a) return undefined;
    const cells = Array.isArray(parsed.c) ? parsed.c.filter((c): c is string => typeof c === 'string') : [];
    return { answerId: parsed.a.slice(0, 100), cells };
  } catch {
    return undefined;
  }
}
