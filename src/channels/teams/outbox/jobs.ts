import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { AdmitInput, OutboxJobInput } from '../../../store/types';
import { tenantOf, teamsWorkspace } from '../tenant';

/** A question from a message (or an Ask button): answered when the job is sent. */
export const TEAMS_ANSWER = 'teams.answer';
/** An onboarding card (welcome, lesson, quiz, grade, course notice), rendered when it was decided. */
export const TEAMS_ONBOARDING = 'teams.onboarding';
/** A short note to one user: over the rate limit, a full conversation, a question that waited too long. */
export const TEAMS_NOTICE = 'teams.notice';

/** Teams may redeliver an activity when our response was slow; a claim outlives any redelivery. */
export const TEAMS_CLAIM_TTL_SECONDS = 24 * 3600;

/** Where a Teams job is sent: the conversation reference of an authenticated turn (or of the Emulator, to loopback). */
export interface TeamsJobTarget {
  reference: Partial<ConversationReference>;
}

export interface TeamsAnswerPayload extends TeamsJobTarget {
  question: string;
  userId: string;
  conversationId: string;
  threadId: string;
  workspace?: string;
  activityId?: string;
}

export interface TeamsMessagePayload extends TeamsJobTarget {
  activity: Partial<Activity>;
}

export interface TeamsNoticePayload extends TeamsJobTarget {
  text: string;
  reason: 'flood' | 'overflow' | 'expired';
  /** Only sent where only the asker can read it: a personal chat, else the asker's stored personal chat. */
  personal: boolean;
  userReferenceKey: string;
}

export interface TeamsReplyLimits {
  maxConversationDepth: number;
  perUserPerMinute: number;
}

/** One lane per conversation (channel threads share their channel's lane: Teams throttles per conversation). */
export function teamsLane(reference: Partial<ConversationReference>): string {
  return `teams:${(reference.conversation?.id ?? '').split(';')[0]}`;
}

export function activityClaimKey(activity: Partial<Activity>): string {
  return `teams:activity:${activity.conversation?.id ?? ''}:${activity.id ?? ''}`;
}

export function teamsUserId(activity: Partial<Activity>): string {
  return activity.from?.aadObjectId ?? activity.from?.id ?? 'unknown';
}

export function floodText(perMinute: number): string {
  return `You have asked ${perMinute} questions in the last minute, so I am not answering this one. Try again in a minute.`;
}

export function overflowText(depth: number): string {
  return `This conversation already has ${depth} questions waiting for my answer, so I did not queue yours. Please ask again in a few minutes, or ask me in a personal chat.`;
}

export const EXPIRED_TEXT = 'Sorry: your question waited too long for an answer (I was busy or restarting), so I did not answer it late. Please ask again.';

/** The claim of an activity and the job answering its question, written in one transaction. */
export function questionAdmission(context: TurnContext, question: string, limits: TeamsReplyLimits): AdmitInput {
  const { activity } = context;
  const reference = TurnContext.getConversationReference(activity);
  const conversationId = activity.conversation?.id ?? '';
  const userId = teamsUserId(activity);
  const workspace = teamsWorkspace(activity);
  const payload: TeamsAnswerPayload = {
    reference,
    question,
    userId,
    conversationId: conversationId.split(';')[0],
    // Channel thread replies carry ";messageid=<root>"; a chat is one thread.
    threadId: conversationId,
    ...(workspace ? { workspace } : {}),
    ...(activity.id ? { activityId: activity.id } : {}),
  };
  const lane = teamsLane(reference);
  const userKey = `teams:${tenantOf(activity) ?? ''}:${userId}`;
  const stamp = activity.timestamp ? new Date(activity.timestamp) : undefined;
  const eventAt = stamp && Number.isFinite(stamp.getTime()) && stamp.getTime() <= Date.now() ? stamp : new Date();
  const job: OutboxJobInput = { kind: TEAMS_ANSWER, lane, userKey, payload: payload as unknown as Record<string, unknown>, eventAt };
  const personal = activity.conversation?.conversationType === 'personal';
  // Notices have their own lane: they never wait behind the conversation's answers.
  const notice = (reason: TeamsNoticePayload['reason'], text: string): OutboxJobInput => ({
    kind: TEAMS_NOTICE,
    lane: `${lane}:notice`,
    userKey,
    payload: { reference, text, reason, personal, userReferenceKey: `teams:user:${tenantOf(activity) ?? 'none'}:${userId}` } satisfies TeamsNoticePayload as unknown as Record<string, unknown>,
    eventAt,
  });
  return {
    eventKey: activityClaimKey(activity),
    claimTtlSeconds: TEAMS_CLAIM_TTL_SECONDS,
    job,
    limits: { maxLaneDepth: limits.maxConversationDepth, perUserPerMinute: limits.perUserPerMinute },
    floodNotice: notice('flood', floodText(limits.perUserPerMinute)),
    overflowNotice: notice('overflow', overflowText(limits.maxConversationDepth)),
  };
}

/** A message to send into a conversation, as a job. */
export function messageJob(reference: Partial<ConversationReference>, activity: Partial<Activity>, userKey?: string): OutboxJobInput {
  return {
    kind: TEAMS_ONBOARDING,
    lane: teamsLane(reference),
    ...(userKey ? { userKey } : {}),
    payload: { reference, activity } satisfies TeamsMessagePayload as unknown as Record<string, unknown>,
  };
}

/** A card for the turn's conversation, counted for the user whose turn it is. */
export function turnMessageJob(context: TurnContext, activity: Partial<Activity>): OutboxJobInput {
  const userKey = `teams:${context.activity.conversation?.tenantId ?? ''}:${teamsUserId(context.activity)}`;
  return messageJob(TurnContext.getConversationReference(context.activity), activity, userKey);
}
