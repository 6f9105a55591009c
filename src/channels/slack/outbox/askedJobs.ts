import type { AdmitInput, OutboxJobInput } from '../../../store/types';
import { EVENT_CLAIM_TTL_SECONDS } from '../middleware/claimEvent';
import { floodText, overflowText, SLACK_NOTICE, type ReplyLimits, type SlackJobTarget, type SlackNoticePayload } from './replyJobs';

/**
 * A question someone asked the bot to answer without writing to it: a suggested question
 * clicked on the Home tab (answered in their DM), or the "Ask whosecures" shortcut on a message
 * (answered in that message's thread, saying who asked).
 */
export const SLACK_ASKED = 'slack.asked';

export type AskedOrigin = 'home' | 'shortcut';

export interface SlackAskedPayload extends SlackJobTarget {
  /** Who asked: the user who clicked the button or picked the shortcut. */
  user: string;
  /** The question's text as Slack sent it (a message's mrkdwn, or a suggested question). */
  text: string;
  origin: AskedOrigin;
  botUserId?: string;
  /** Thread id for the conversation context; follow-ups in that thread keep it. */
  contextThread: string;
  /** Unique per click or shortcut use (action_ts or trigger): the claim that makes two replicas answer it once. */
  interactionId: string;
}

/** What a listener hands over: the payload's fields, with the target kept apart. */
export type AskedInput = { target: SlackJobTarget } & Omit<SlackAskedPayload, keyof SlackJobTarget>;

/**
 * The outbox admission for an asked question: the same lane (the channel), per-user limit,
 * channel depth and private notices as a mention, so a shortcut cannot jump a busy channel's
 * queue or get around the rate limit.
 */
export function askedAdmission(input: AskedInput, limits: ReplyLimits): AdmitInput {
  const { target, user } = input;
  const lane = `slack:${target.enterpriseId ?? ''}:${target.teamId ?? ''}:${target.channel}`;
  const userKey = `slack:${target.teamId ?? target.enterpriseId ?? ''}:${user}`;
  const payload: SlackAskedPayload = {
    ...target,
    user,
    text: input.text,
    origin: input.origin,
    ...(input.botUserId ? { botUserId: input.botUserId } : {}),
    contextThread: input.contextThread,
    interactionId: input.interactionId,
  };
  const job: OutboxJobInput = { kind: SLACK_ASKED, lane, userKey, payload: payload as unknown as Record<string, unknown> };
  const notice = (reason: SlackNoticePayload['reason'], text: string): OutboxJobInput => ({
    kind: SLACK_NOTICE,
    lane: `${lane}:notice`,
    userKey,
    payload: { ...target, user, text, reason } satisfies SlackNoticePayload as unknown as Record<string, unknown>,
  });
  return {
    eventKey: `slack:${input.origin}:${target.teamId ?? target.enterpriseId ?? ''}:${user}:${input.interactionId}`,
    claimTtlSeconds: EVENT_CLAIM_TTL_SECONDS,
    job,
    limits: { maxLaneDepth: limits.maxChannelDepth, perUserPerMinute: limits.perUserPerMinute },
    floodNotice: notice('flood', floodText(limits.perUserPerMinute)),
    overflowNotice: notice('overflow', overflowText(limits.maxChannelDepth)),
  };
}
