import type { types } from '@slack/bolt';
import type { Logger } from 'pino';
import { collectGaps } from '../../../curator';
import { queueWeeklyDigest as queueSharedDigest, scheduleWeeklyDigest as scheduleSharedDigest, type DigestPayload, type WeeklyDigestDeps } from '../../../curator/weeklyDigest';
import type { KnowledgeBase } from '../../../knowledge/types';
import type { Metrics } from '../../../metrics';
import type { JobHandler } from '../../../outbox/worker';
import type { OutboxWorker } from '../../../outbox/worker';
import type { Store } from '../../../store/types';
import { authorized, classifySlackError, type SlackHandlerDeps } from '../outbox/handlers';
import { slackLane } from '../outbox/replyJobs';
import { truncate } from '../mrkdwn';
import { renderSlackGaps } from '../renderGaps';
import { SLACK_LIMITS } from '../slackLimits';

/** The curators' weekly digest of gaps, posted to DIGEST_CHANNEL through the outbox. */
export const SLACK_DIGEST = 'slack.digest';

export { isoWeek } from '../../../curator/weeklyDigest';

export interface SlackDigestPayload extends DigestPayload {
  isEnterpriseInstall: boolean;
}

export interface DigestDeps {
  store: Store;
  worker: OutboxWorker;
  logger: Logger;
  metrics: Metrics;
  channel: string;
  now?: () => Date;
}

const slackDigest = (deps: DigestDeps): WeeklyDigestDeps => ({
  ...deps,
  platform: 'slack',
  job: (week) => {
    const payload: SlackDigestPayload = { ...week, isEnterpriseInstall: false };
    return { kind: SLACK_DIGEST, lane: slackLane({ channel: deps.channel }), payload: payload as unknown as Record<string, unknown> };
  },
});

/** Once per ISO week and channel, across replicas (src/curator/weeklyDigest.ts). */
export function queueWeeklyDigest(deps: DigestDeps): Promise<boolean> {
  return queueSharedDigest(slackDigest(deps));
}

/** Checks at start and then hourly; the returned function stops it. */
export function scheduleWeeklyDigest(deps: DigestDeps): () => void {
  return scheduleSharedDigest(slackDigest(deps));
}

/** Renders the week's gaps when the job runs, so the digest is as fresh as its send. */
export function digestJobHandlers(deps: SlackHandlerDeps & { store: Store; kb: KnowledgeBase; metrics: Metrics }): Record<string, JobHandler> {
  const digest: JobHandler = async (job) => {
    const p = job.payload as unknown as SlackDigestPayload;
    const report = await collectGaps(deps.store, deps.kb, { since: new Date(p.since) });
    const gaps = renderSlackGaps(report, '7d');
    const header: types.KnownBlock = { type: 'header', text: { type: 'plain_text', text: `Weekly gaps digest (${p.week})`, emoji: false } };
    const message = { text: truncate(`Weekly gaps digest (${p.week}): ${gaps.text}`, SLACK_LIMITS.fallbackText), blocks: [header, ...gaps.blocks.slice(1)] };
    const token = await authorized(deps, { ...p });
    try {
      await deps.clientFor(token).chat.postMessage({ channel: p.channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false });
    } catch (err) {
      throw classifySlackError(err);
    }
    deps.metrics.digests.inc({ platform: 'slack', outcome: 'posted' });
    deps.logger.info({ event: 'digest_posted', platform: 'slack', week: p.week, gaps: report.gaps.length }, 'weekly gaps digest posted');
    return { status: 'sent' };
  };
  return { [SLACK_DIGEST]: digest };
}
