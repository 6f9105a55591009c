import type { ConversationReference } from 'botbuilder';
import type { DigestPayload } from '../../../curator/weeklyDigest';
import type { OutboxJobInput } from '../../../store/types';
import { teamsLane } from './jobs';

/** Posts an escalation to the curators' channel, then tells the asker privately. */
export const TEAMS_ESCALATION = 'teams.escalation';
/** Sends a curator's answer to the asker's conversation and marks the curators' card answered. */
export const TEAMS_ESCALATION_ANSWER = 'teams.escalation.answer';
/** The curators' weekly gaps digest, to TEAMS_DIGEST_CHANNEL. */
export const TEAMS_DIGEST = 'teams.digest';

export interface TeamsEscalationPayload {
  escalationId: number;
  /** The curators' channel (TEAMS_ESCALATION_CHANNEL). */
  channel: string;
  /**
   * The asker's conversation, from the authenticated turn of their click: its service URL and
   * tenant reach the curators' channel when the bot has not yet heard from that channel itself.
   */
  origin: Partial<ConversationReference>;
  /** Where the asker's private note goes when the answer was in a channel or group chat. */
  userReferenceKey: string;
}

export interface TeamsEscalationAnswerPayload {
  escalationId: number;
  curatorName: string;
}

export interface TeamsDigestPayload extends DigestPayload {
  /** A digest kept while the channel could not be reached covers every week kept (from the first's start). */
  weeks?: string[];
}

/** The lane of a Teams channel: its conversation id, as a conversation's lane is. */
export function channelLane(channel: string): string {
  return teamsLane({ conversation: { id: channel } as ConversationReference['conversation'] });
}

export function escalationJob(payload: TeamsEscalationPayload): OutboxJobInput {
  return { kind: TEAMS_ESCALATION, lane: channelLane(payload.channel), payload: payload as unknown as Record<string, unknown> };
}

/** In the asker's lane: the reply to them waits behind nothing of the curators' channel. */
export function escalationAnswerJob(askerConversation: string, payload: TeamsEscalationAnswerPayload): OutboxJobInput {
  return { kind: TEAMS_ESCALATION_ANSWER, lane: channelLane(askerConversation), payload: payload as unknown as Record<string, unknown> };
}

export function digestJob(payload: TeamsDigestPayload): OutboxJobInput {
  return { kind: TEAMS_DIGEST, lane: channelLane(payload.channel), payload: payload as unknown as Record<string, unknown> };
}
