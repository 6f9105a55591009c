import type { Logger } from 'pino';
import type { Metrics } from '../metrics';
import type { OutboxJobInput, Store } from '../store/types';

/**
 * The curators' weekly gaps digest, the part every channel shares: once per ISO week and
 * channel across replicas. The week's claim and the channel's digest job are written in one
 * transaction (the outbox's admission), so whichever replica checks first in a new week queues
 * it and every other check that week finds the claim taken. The channel's job handler reads the
 * gaps and renders them when it is sent.
 */

const DAY_MS = 86_400_000;
/** How often each replica checks whether this week's digest was sent. */
export const DIGEST_CHECK_MS = 3_600_000;

/** What every channel's digest job carries. */
export interface DigestPayload {
  channel: string;
  week: string;
  /** The start of the 7 days the digest covers (ISO date-time). */
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

export interface WeeklyDigestDeps {
  store: Pick<Store, 'admitEvent'>;
  worker: { wake(): void };
  logger: Logger;
  metrics: Metrics;
  /** `slack`, `teams`: part of the week's claim key, so each channel kind has its own digest. */
  platform: string;
  /** The channel the digest goes to. */
  channel: string;
  /** The workspace the channel is in, when one process posts to many (the distributed Slack app): part of the claim key. */
  scope?: string;
  /** The channel's digest job for this week's payload. */
  job: (payload: DigestPayload) => OutboxJobInput;
  now?: () => Date;
}

/** The week's claim key: `digest:<platform>:<channel>:<week>`, or `digest:<platform>:<scope>:<channel>:<week>` for a workspace's own. */
export function digestClaimKey(platform: string, channel: string, week: string, scope?: string): string {
  return scope ? `digest:${platform}:${scope}:${channel}:${week}` : `digest:${platform}:${channel}:${week}`;
}

/** Queues this week's digest unless a replica (or an earlier check) already did; true when this call queued it. */
export async function queueWeeklyDigest(deps: WeeklyDigestDeps): Promise<boolean> {
  const now = deps.now?.() ?? new Date();
  const week = isoWeek(now);
  const payload: DigestPayload = { channel: deps.channel, week, since: new Date(now.getTime() - 7 * DAY_MS).toISOString() };
  const outcome = await deps.store.admitEvent({
    eventKey: digestClaimKey(deps.platform, deps.channel, week, deps.scope),
    claimTtlSeconds: 8 * 86_400,
    job: deps.job(payload),
  });
  if (!outcome.claimed) return false;
  deps.metrics.digests.inc({ platform: deps.platform, outcome: 'queued' });
  deps.logger.info({ event: 'digest_queued', platform: deps.platform, week, ...(deps.scope ? { workspace: deps.scope } : {}) }, 'weekly gaps digest queued');
  deps.worker.wake();
  return true;
}

/** Checks at start and then hourly; the returned function stops it. */
export function scheduleWeeklyDigest(deps: WeeklyDigestDeps): () => void {
  return scheduleDigestChecks(deps, () => queueWeeklyDigest(deps));
}

/** Runs `check` at start and then hourly, logging and counting a check that fails; the returned function stops it. */
export function scheduleDigestChecks(deps: Pick<WeeklyDigestDeps, 'logger' | 'metrics' | 'platform'>, run: () => Promise<unknown>): () => void {
  const check = () =>
    void run().catch((err: unknown) => {
      deps.metrics.errors.inc({ component: `${deps.platform}_digest` });
      deps.logger.warn({ event: 'digest_check_failed', platform: deps.platform, err: String((err as Error)?.message ?? err).slice(0, 300) }, 'could not check the weekly digest; next check in an hour');
    });
  check();
  const timer = setInterval(check, DIGEST_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
