import type { types } from '@slack/bolt';
import type { Logger } from 'pino';
import { collectGaps } from '../../../curator';
import type { KnowledgeBase } from '../../../knowledge/types';
import type { Metrics } from '../../../metrics';
import type { JobHandler } from '../../../outbox/worker';
import type { OutboxWorker } from '../../../outbox/worker';
import type { Store } from '../../../store/types';
import { authorized, classifySlackError, type SlackHandlerDeps } from '../outbox/handlers';
import { slackLane } from '../outbox/replyJobs';
import { renderSlackGaps } from '../renderGaps';

/** The curators' weekly digest of gaps, posted to DIGEST_CHANNEL through the outbox. */
export const SLACK_DIGEST = 'slack.digest';

const DAY_MS = 86_400_000;
/** How often each replica checks whether this week's digest was sent. */
export const DIGEST_CHECK_MS = 3_600_000;

export interface SlackDigestPayload {
  channel: string;
  isEnterpriseInstall: boolean;
  week: string;
  since: string;
}

/** The ISO week of a date, e.g. `2026-W49`: one digest per week and channel. */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export interface DigestDeps {
  store: Store;
  worker: OutboxWorker;
  logger: Logger;
  metrics: Metrics;
  channel: string;
  now?: () => Date;
}

/**
 * Once per ISO week and channel, across replicas: the week's claim and the digest job are
 * written in one transaction (the outbox's admission), so whichever replica checks first in a
 * new week queues it and every other check that week finds the claim taken.
 */
export async function queueWeeklyDigest(deps: DigestDeps): Promise<boolean> {
  const now = deps.now?.() ?? new Date();
  const week = isoWeek(now);
  const payload: SlackDigestPayload = { channel: deps.channel, isEnterpriseInstall: false, week, since: new Date(now.getTime() - 7 * DAY_MS).toISOString() };
  const outcome = await deps.store.admitEvent({
    eventKey: `digest:slack:${deps.channel}:${week}`,
    claimTtlSeconds: 8 * 86_400,
    job: { kind: SLACK_DIGEST, lane: slackLane({ channel: deps.channel }), payload: payload as unknown as Record<string, unknown> },
  });
  if (!outcome.claimed) return false;
  deps.logger.info({ event: 'digest_queued', week }, 'weekly gaps digest queued');
  deps.worker.wake();
  return true;
}

/** Checks at start and then hourly; the returned function stops it. */
export function scheduleWeeklyDigest(deps: DigestDeps): () => void {
  const check = () =>
    void queueWeeklyDigest(deps).catch((err: unknown) => {
      deps.metrics.errors.inc({ component: 'slack_digest' });
      deps.logger.warn({ event: 'digest_check_failed', err: String((err as Error)?.message ?? err).slice(0, 300) }, 'could not check the weekly digest; next check in an hour');
    });
  check();
  const timer = setInterval(check, DIGEST_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Renders the week's gaps when the job runs, so the digest is as fresh as its send. */
export function digestJobHandlers(deps: SlackHandlerDeps & { store: Store; kb: KnowledgeBase }): Record<string, JobHandler> {
  const digest: JobHandler = async (job) => {
    const p = job.payload as unknown as SlackDigestPayload;
    const report = await collectGaps(deps.store, deps.kb, { since: new Date(p.since) });
    const gaps = renderSlackGaps(report, '7d');
    const header: types.KnownBlock = { type: 'header', text: { type: 'plain_text', text: `Weekly gaps digest (${p.week})`, emoji: false } };
    const message = { text: `Weekly gaps digest (${p.week}): ${gaps.text}`.slice(0, 3000), blocks: [header, ...gaps.blocks.slice(1)] };
    const token = await authorized(deps, { ...p });
    try {
      await deps.clientFor(token).chat.postMessage({ channel: p.channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false });
    } catch (err) {
      throw classifySlackError(err);
    }
    deps.logger.info({ event: 'digest_posted', week: p.week, gaps: report.gaps.length }, 'weekly gaps digest posted');
    return { status: 'sent' };
  };
  return { [SLACK_DIGEST]: digest };
}
