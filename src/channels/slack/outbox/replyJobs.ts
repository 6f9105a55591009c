import type { AdmitInput, OutboxJobInput } from '../../../store/types';
import { EVENT_CLAIM_TTL_SECONDS, eventClaimKey } from '../middleware/claimEvent';
import { isStopMessage } from '../onboarding';

export const SLACK_ANSWER = 'slack.answer';
export const SLACK_NOTICE = 'slack.notice';
/** An onboarding message (a lesson, the course's notices) for a DM, rendered when the course decided it. */
export const SLACK_ONBOARDING = 'slack.onboarding';
/** An onboarding message only its user sees (`chat.postEphemeral`): a quiz grade, the course-complete card after it. */
export const SLACK_ONBOARDING_EPHEMERAL = 'slack.onboarding.ephemeral';

/** Where a reply goes and whose token posts it. */
export interface SlackJobTarget {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
  channel: string;
  /** Reply in this thread; top level when absent (DMs). */
  threadTs?: string;
}

/** The question behind a `slack.answer` job: enough to answer it in a later process. */
export interface SlackAnswerPayload extends SlackJobTarget {
  user: string;
  text: string;
  botUserId?: string;
  /** Thread id for the conversation context (a DM's top level is one thread). */
  contextThread?: string;
  /**
   * The mention starts its thread (it was not posted in one): the thread has no earlier answer,
   * so there is no context to read. Absent on jobs written before this field existed.
   */
  newThread?: true;
  eventId: string;
}

/** A private note to one user (`chat.postEphemeral`): rate limits, a full channel, a late answer. */
export interface SlackNoticePayload extends SlackJobTarget {
  user: string;
  text: string;
  reason: 'flood' | 'overflow' | 'expired';
}

/** A `slack.onboarding` job: the message as rendered, and where it goes. */
export interface SlackMessagePayload extends SlackJobTarget {
  text: string;
  blocks?: unknown[];
}

/** The lane of a Slack channel: answers and onboarding messages to one DM share its pacing. */
export function slackLane(target: Pick<SlackJobTarget, 'teamId' | 'enterpriseId' | 'channel'>): string {
  return `slack:${target.enterpriseId ?? ''}:${target.teamId ?? ''}:${target.channel}`;
}

export function onboardingJob(target: SlackJobTarget, message: { text: string; blocks?: unknown[] }): OutboxJobInput {
  const payload: SlackMessagePayload = { ...target, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) };
  return { kind: SLACK_ONBOARDING, lane: slackLane(target), payload: payload as unknown as Record<string, unknown> };
}

/** A `slack.onboarding.ephemeral` job: the message as rendered, and who sees it where. */
export interface SlackEphemeralPayload extends SlackMessagePayload {
  user: string;
}

/**
 * A private onboarding message for `user` in `target.channel`. Its lane is the user's own in
 * that channel: a grade never waits behind the channel's posts, and a grade and the
 * course-complete card after it arrive in order.
 */
export function onboardingEphemeralJob(target: SlackJobTarget, user: string, message: { text: string; blocks?: unknown[] }): OutboxJobInput {
  const payload: SlackEphemeralPayload = { ...target, user, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) };
  return { kind: SLACK_ONBOARDING_EPHEMERAL, lane: `${slackLane(target)}:ephemeral:${user}`, payload: payload as unknown as Record<string, unknown> };
}

export interface ReplyLimits {
  maxChannelDepth: number;
  perUserPerMinute: number;
}

interface EventBody {
  event_id: string;
  event_time?: number;
  team_id?: string;
  enterprise_id?: string;
  is_enterprise_install?: boolean;
  authorizations?: Array<{ user_id?: string; team_id?: string; enterprise_id?: string; is_enterprise_install?: boolean }>;
  event: Record<string, unknown>;
}

/** Thread id for a DM's top level, so follow-ups without a mention keep the DM's context. */
export const DM_THREAD = 'dm';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export function floodText(perMinute: number): string {
  return `You have asked ${perMinute} questions in the last minute, so I am not answering this one. Try again in a minute. (Only you can see this.)`;
}

export function overflowText(depth: number): string {
  return `This channel already has ${depth} questions waiting for my answer, so I did not queue yours. Please ask again in a few minutes, or ask me in a direct message. (Only you can see this.)`;
}

export const EXPIRED_TEXT = 'Sorry: your question waited too long for an answer (I was busy or restarting), so I did not answer it late in the channel. Please ask again. (Only you can see this.)';

/**
 * The outbox admission for one Slack event: the claim for every event, plus a reply job for
 * the events the bot answers itself (a mention, a top-level DM). Everything else (assistant
 * threads, onboarding stop, joins, uninstalls) is only claimed, then handed to Bolt.
 */
export function admissionFor(body: EventBody, limits: ReplyLimits, botUserId?: string): AdmitInput {
  const base: AdmitInput = { eventKey: eventClaimKey(body.event_id), claimTtlSeconds: EVENT_CLAIM_TTL_SECONDS };
  const event = body.event;
  const auth = body.authorizations?.[0];
  const channel = str(event.channel);
  const user = str(event.user);
  if (!channel || !user) return base;
  const isMention = event.type === 'app_mention';
  const isTopLevelDm = event.type === 'message' && event.channel_type === 'im' && !event.thread_ts && !isStopMessage(str(event.text));
  if (!isMention && !isTopLevelDm) return base;

  const teamId = str(body.team_id) ?? str(auth?.team_id);
  const enterpriseId = str(body.enterprise_id) ?? str(auth?.enterprise_id);
  const target: SlackJobTarget = {
    ...(teamId ? { teamId } : {}),
    ...(enterpriseId ? { enterpriseId } : {}),
    isEnterpriseInstall: body.is_enterprise_install === true || auth?.is_enterprise_install === true,
    channel,
  };
  const threadTs = isMention ? (str(event.thread_ts) ?? str(event.ts)) : undefined;
  const bot = str(auth?.user_id) ?? botUserId;
  const payload: SlackAnswerPayload = {
    ...target,
    ...(threadTs ? { threadTs } : {}),
    user,
    text: str(event.text) ?? '',
    ...(bot ? { botUserId: bot } : {}),
    contextThread: threadTs ?? DM_THREAD,
    ...(isMention && !str(event.thread_ts) ? { newThread: true as const } : {}),
    eventId: body.event_id,
  };
  const lane = slackLane({ teamId, enterpriseId, channel });
  const userKey = `slack:${teamId ?? enterpriseId ?? ''}:${user}`;
  const eventAt = typeof body.event_time === 'number' ? new Date(body.event_time * 1000) : new Date();
  const job: OutboxJobInput = { kind: SLACK_ANSWER, lane, userKey, payload: payload as unknown as Record<string, unknown>, eventAt };
  // Notices have a lane of their own: they never wait behind the channel's answers.
  const notice = (reason: SlackNoticePayload['reason'], text: string): OutboxJobInput => ({
    kind: SLACK_NOTICE,
    lane: `${lane}:notice`,
    userKey,
    payload: { ...target, ...(threadTs ? { threadTs } : {}), user, text, reason } satisfies SlackNoticePayload as unknown as Record<string, unknown>,
    eventAt,
  });
  return {
    ...base,
    job,
    limits: { maxLaneDepth: limits.maxChannelDepth, perUserPerMinute: limits.perUserPerMinute },
    floodNotice: notice('flood', floodText(limits.perUserPerMinute)),
    overflowNotice: notice('overflow', overflowText(limits.maxChannelDepth)),
  };
}
