import type { types } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackDigestTarget } from '../../../config';
import { collectGaps } from '../../../curator';
import { queueWeeklyDigest as queueSharedDigest, scheduleDigestChecks, type DigestPayload } from '../../../curator/weeklyDigest';
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
import { isNotInChannel } from '../reply/slackErrors';
import { workspaceKey, type SlackCuratorChannels } from '../curatorChannels/curatorChannels';
import { reportUnreachable } from '../curatorChannels/unreachable';

/** The curators' weekly digest of gaps, posted to the curators' chosen channel (else DIGEST_CHANNEL) through the outbox. */
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
  /** The channel in force at each check (the curators' choice, else DIGEST_CHANNEL); none: no digest this time. */
  channel: string | (() => Promise<string | undefined>);
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

/** Once per ISO week and channel, across replicas (src/curator/weeklyDigest.ts); false when none was queued. */
export async function queueWeeklyDigest(deps: DigestDeps): Promise<boolean> {
  const channel = typeof deps.channel === 'string' ? deps.channel : await deps.channel();
  if (!channel) return false;
  return queueSharedDigest({ ...deps, channel, platform: 'slack', job: digestJobFor({ isEnterpriseInstall: false }) });
}

/** Checks at start and then hourly; the returned function stops it. */
export function scheduleWeeklyDigest(deps: DigestDeps): () => void {
  return scheduleDigestChecks({ ...deps, platform: 'slack' }, () => queueWeeklyDigest(deps));
}

export interface WorkspaceDigestDeps {
  store: Store;
  worker: Pick<OutboxWorker, 'wake'>;
  logger: Logger;
  metrics: Metrics;
  /** Each workspace with its channel, read at each check (the curators' choices over DIGEST_CHANNEL). */
  digests: readonly SlackDigestTarget[] | (() => Promise<readonly SlackDigestTarget[]>);
  now?: () => Date;
}

export type WorkspaceDigestOutcome = 'queued' | 'taken' | 'not_installed';

const workspaceId = (target: SlackDigestTarget) => target.enterpriseId ?? target.teamId ?? '';

/**
 * The distributed app: one digest per ISO week for each workspace with a digest channel (chosen
 * by its curators, else named in DIGEST_CHANNEL), to that channel, across replicas (the week's claim is keyed by workspace and channel). A
 * workspace that has not installed the app (or uninstalled it) is skipped without claiming the
 * week, so its digest goes out on the first check after it installs. The job is posted with the
 * workspace's own bot token from the installation store and lists that workspace's questions only.
 */
export async function queueWorkspaceDigests(deps: WorkspaceDigestDeps, notInstalled = new Set<string>()): Promise<WorkspaceDigestOutcome[]> {
  const outcomes: WorkspaceDigestOutcome[] = [];
  const targets = typeof deps.digests === 'function' ? await deps.digests() : deps.digests;
  for (const target of targets) {
    const id = workspaceId(target);
    const installed = await deps.store.getInstallation({ isEnterpriseInstall: target.isEnterpriseInstall, ...(target.teamId ? { teamId: target.teamId } : {}), ...(target.enterpriseId ? { enterpriseId: target.enterpriseId } : {}) });
    if (!installed) {
      // Said once per process and workspace, not every hour.
      if (!notInstalled.has(id)) deps.logger.warn({ event: 'slack_digest_not_installed', workspace: id }, 'a digest channel is set for a workspace that has not installed the app; its digest starts once it does');
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
export function digestJobHandlers(deps: SlackHandlerDeps & { store: Store; kb: KnowledgeBase; metrics: Metrics; channels: SlackCuratorChannels }): Record<string, JobHandler> {
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
      // Not in the channel: this week's digest is lost there, and whoever chose it is told how to invite the bot.
      if (isNotInChannel(err)) await reportUnreachable(deps, deps.clientFor(token), workspaceKey(p), 'digest', p.channel);
      throw classifySlackError(err);
    }
    deps.metrics.digests.inc({ platform: 'slack', outcome: 'posted' });
    deps.logger.info({ event: 'digest_posted', platform: 'slack', week: p.week, gaps: report.gaps.length, ...(workspace ? { workspace } : {}) }, 'weekly gaps digest posted');
    return { status: 'sent' };
  };
  return { [SLACK_DIGEST]: digest };
}
