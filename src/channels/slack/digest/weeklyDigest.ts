import type { types } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackDigestTarget } from '../../../config';
import { collectGaps } from '../../../curator';
import {
  queueWeeklyDigest as queueSharedDigest,
  scheduleDigestChecks,
  scheduleWeeklyDigest as scheduleSharedDigest,
  type DigestPayload,
  type WeeklyDigestDeps,
} from '../../../curator/weeklyDigest';
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
import { slackWorkspace } from '../workspace';

/** The curators' weekly digest of gaps, posted to DIGEST_CHANNEL through the outbox. */
export const SLACK_DIGEST = 'slack.digest';

export { isoWeek } from '../../../curator/weeklyDigest';

export interface SlackDigestPayload extends DigestPayload {
  isEnterpriseInstall: boolean;
  /** The distributed app: the workspace whose installation's token posts it, and whose questions it lists. */
  teamId?: string;
  enterpriseId?: string;
}

export interface DigestDeps {
  store: Store;
  worker: OutboxWorker;
  logger: Logger;
  metrics: Metrics;
  channel: string;
  now?: () => Date;
}

/** The job of one digest; with a workspace, its lane is that workspace's channel. */
function digestJobFor(target: Omit<SlackDigestTarget, 'channel'>) {
  return (week: DigestPayload) => {
    const payload: SlackDigestPayload = {
      ...week,
      isEnterpriseInstall: target.isEnterpriseInstall,
      ...(target.teamId ? { teamId: target.teamId } : {}),
      ...(target.enterpriseId ? { enterpriseId: target.enterpriseId } : {}),
    };
    return { kind: SLACK_DIGEST, lane: slackLane({ ...target, channel: week.channel }), payload: payload as unknown as Record<string, unknown> };
  };
}

const slackDigest = (deps: DigestDeps): WeeklyDigestDeps => ({
  ...deps,
  platform: 'slack',
  job: digestJobFor({ isEnterpriseInstall: false }),
});

/** Once per ISO week and channel, across replicas (src/curator/weeklyDigest.ts). */
export function queueWeeklyDigest(deps: DigestDeps): Promise<boolean> {
  return queueSharedDigest(slackDigest(deps));
}

/** Checks at start and then hourly; the returned function stops it. */
export function scheduleWeeklyDigest(deps: DigestDeps): () => void {
  return scheduleSharedDigest(slackDigest(deps));
}

export interface WorkspaceDigestDeps {
  store: Store;
  worker: Pick<OutboxWorker, 'wake'>;
  logger: Logger;
  metrics: Metrics;
  /** DIGEST_CHANNEL of the distributed app: each workspace with its channel. */
  digests: SlackDigestTarget[];
  now?: () => Date;
}

export type WorkspaceDigestOutcome = 'queued' | 'taken' | 'not_installed';

const workspaceId = (target: SlackDigestTarget) => target.enterpriseId ?? target.teamId ?? '';

/**
 * The distributed app: one digest per ISO week for each workspace in DIGEST_CHANNEL, to that
 * workspace's channel, across replicas (the week's claim is keyed by workspace and channel). A
 * workspace that has not installed the app (or uninstalled it) is skipped without claiming the
 * week, so its digest goes out on the first check after it installs. The job is posted with the
 * workspace's own bot token from the installation store and lists that workspace's questions only.
 */
export async function queueWorkspaceDigests(deps: WorkspaceDigestDeps, notInstalled = new Set<string>()): Promise<WorkspaceDigestOutcome[]> {
  const outcomes: WorkspaceDigestOutcome[] = [];
  for (const target of deps.digests) {
    const id = workspaceId(target);
    const installed = await deps.store.getInstallation({ isEnterpriseInstall: target.isEnterpriseInstall, ...(target.teamId ? { teamId: target.teamId } : {}), ...(target.enterpriseId ? { enterpriseId: target.enterpriseId } : {}) });
    if (!installed) {
      // Said once per process and workspace, not every hour.
      if (!notInstalled.has(id)) deps.logger.warn({ event: 'slack_digest_not_installed', workspace: id }, 'DIGEST_CHANNEL names a workspace that has not installed the app; its digest starts once it does');
      notInstalled.add(id);
      outcomes.push('not_installed');
      continue;
    }
    notInstalled.delete(id);
    const queued = await queueSharedDigest({
      store: deps.store,
      worker: deps.worker,
      logger: deps.logger,
      metrics: deps.metrics,
      platform: 'slack',
      channel: target.channel,
      scope: id,
      job: digestJobFor(target),
      ...(deps.now ? { now: deps.now } : {}),
    });
    outcomes.push(queued ? 'queued' : 'taken');
  }
  return outcomes;
}

/** Checks every workspace at start and then hourly; the returned function stops it. */
export function scheduleWorkspaceDigests(deps: WorkspaceDigestDeps): () => void {
  const notInstalled = new Set<string>();
  return scheduleDigestChecks({ ...deps, platform: 'slack' }, () => queueWorkspaceDigests(deps, notInstalled));
}

/** Renders the week's gaps when the job runs, so the digest is as fresh as its send. */
export function digestJobHandlers(deps: SlackHandlerDeps & { store: Store; kb: KnowledgeBase; metrics: Metrics }): Record<string, JobHandler> {
  const digest: JobHandler = async (job) => {
    const p = job.payload as unknown as SlackDigestPayload;
    // One workspace of the distributed app sees its own questions only; one workspace sees all.
    const workspace = p.teamId || p.enterpriseId ? slackWorkspace(p) : undefined;
    const token = await authorized(deps, { ...p });
    const report = await collectGaps(deps.store, deps.kb, { since: new Date(p.since), ...(workspace ? { workspace } : {}) });
    const gaps = renderSlackGaps(report, '7d');
    const header: types.KnownBlock = { type: 'header', text: { type: 'plain_text', text: `Weekly gaps digest (${p.week})`, emoji: false } };
    const message = { text: truncate(`Weekly gaps digest (${p.week}): ${gaps.text}`, SLACK_LIMITS.fallbackText), blocks: [header, ...gaps.blocks.slice(1)] };
    try {
      await deps.clientFor(token).chat.postMessage({ channel: p.channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false });
    } catch (err) {
      throw classifySlackError(err);
    }
    deps.metrics.digests.inc({ platform: 'slack', outcome: 'posted' });
    deps.logger.info({ event: 'digest_posted', platform: 'slack', week: p.week, gaps: report.gaps.length, ...(workspace ? { workspace } : {}) }, 'weekly gaps digest posted');
    return { status: 'sent' };
  };
  return { [SLACK_DIGEST]: digest };
}
