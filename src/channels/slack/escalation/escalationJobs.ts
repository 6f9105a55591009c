import type { OutboxJobInput } from '../../../store/types';
import { slackLane, type SlackJobTarget } from '../outbox/replyJobs';

/** Posts an escalation to the curators' channel, then tells the asker privately. */
export const SLACK_ESCALATION = 'slack.escalation';
/** Posts a curator's answer in the asker's thread and marks the curators' post answered. */
export const SLACK_ESCALATION_ANSWER = 'slack.escalation.answer';

/** Where the bot's answer was: the asker's note and the curator's reply go there. */
export interface EscalationOrigin {
  channel: string;
  threadTs?: string;
  /** The answer was ephemeral (the slash command): replies to the asker stay private too. */
  ephemeral: boolean;
}

export interface SlackEscalationPayload extends SlackJobTarget {
  escalationId: number;
  asker: string;
  origin: EscalationOrigin;
}

export interface SlackEscalationAnswerPayload extends SlackJobTarget {
  escalationId: number;
  asker: string;
  curator: string;
  answer: string;
  ephemeral: boolean;
  /** The curators' post, updated to show it was answered. */
  curatorChannel?: string;
  curatorTs?: string;
}

type Workspace = Pick<SlackJobTarget, 'teamId' | 'enterpriseId' | 'isEnterpriseInstall'>;

export function escalationJob(workspace: Workspace, curatorChannel: string, escalationId: number, asker: string, origin: EscalationOrigin): OutboxJobInput {
  const target: SlackJobTarget = { ...workspace, channel: curatorChannel };
  const payload: SlackEscalationPayload = { ...target, escalationId, asker, origin };
  return { kind: SLACK_ESCALATION, lane: slackLane(target), payload: payload as unknown as Record<string, unknown> };
}

export function escalationAnswerJob(
  workspace: Workspace,
  origin: EscalationOrigin,
  answer: Omit<SlackEscalationAnswerPayload, keyof SlackJobTarget | 'ephemeral'>,
): OutboxJobInput {
  const target: SlackJobTarget = { ...workspace, channel: origin.channel, ...(origin.threadTs ? { threadTs: origin.threadTs } : {}) };
  const payload: SlackEscalationAnswerPayload = { ...target, ...answer, ephemeral: origin.ephemeral };
  return { kind: SLACK_ESCALATION_ANSWER, lane: slackLane(target), payload: payload as unknown as Record<string, unknown> };
}
