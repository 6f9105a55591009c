import { toDate, toNumber, toOptionalDate } from './driver';
import type { Escalation, EscalationInput, EscalationState } from './types';

/** Column list of the escalations table, in the order `escalationFromRow` reads. */
export const ESCALATION_COLUMNS =
  'id, platform, workspace, asker, channel, thread_ts, question, answer_id, verdict, summary, cell, state, created_at, updated_at, curator_channel, curator_ts, curator, curator_answer, answered_at, proposal, asker_name';

const text = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

export function escalationFromRow(r: Record<string, unknown>): Escalation {
  const optional: Partial<Escalation> = {
    askerName: text(r.asker_name),
    threadTs: text(r.thread_ts),
    verdict: text(r.verdict),
    summary: text(r.summary),
    cell: text(r.cell),
    curatorChannel: text(r.curator_channel),
    curatorTs: text(r.curator_ts),
    curator: text(r.curator),
    curatorAnswer: text(r.curator_answer),
    answeredAt: toOptionalDate(r.answered_at),
    proposal: text(r.proposal),
  };
  const e: Escalation = {
    id: toNumber(r.id),
    platform: String(r.platform),
    workspace: String(r.workspace),
    asker: String(r.asker),
    channel: String(r.channel),
    question: String(r.question),
    answerId: String(r.answer_id),
    state: String(r.state) as EscalationState,
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (e as unknown as Record<string, unknown>)[k] = v;
  return e;
}

/** The insert's parameters $1..$13 (created_at = updated_at = $12). */
export function escalationInsertParams(input: EscalationInput, now: number): unknown[] {
  return [
    input.platform,
    input.workspace,
    input.asker,
    input.channel,
    input.threadTs ?? null,
    input.question,
    input.answerId,
    input.verdict ?? null,
    input.summary ?? null,
    input.cell ?? null,
    'open',
    now,
    input.askerName ?? null,
  ];
}
