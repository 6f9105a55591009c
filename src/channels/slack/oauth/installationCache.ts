import type { Installation } from '@slack/oauth';
import type { Logger } from 'pino';
import type { Metrics } from '../../../metrics';
import type { InstallationQuery, Store } from '../../../store/types';

type AnyInstallation = Installation<'v1' | 'v2', boolean>;

/** A workspace whose installation is not cached could not be read from the store in time. */
export class InstallationUnavailableError extends Error {
  readonly code = 'whosecures_installation_unavailable';
  constructor(message: string) {
    super(message);
    this.name = 'InstallationUnavailableError';
  }
}

export function isInstallationUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; original?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (e.code === 'whosecures_installation_unavailable') return true;
    e = (e.original ?? e.cause) as typeof e;
  }
  return false;
}

export interface InstallationCacheOptions {
  store: Store;
  logger: Logger;
  metrics: Metrics;
  /** How long a request waits for the store on a cache miss before it is refused (about 1 s). */
  missBoundMs?: number;
  /** Entries older than this are read again from the store on their next use. */
  revalidateMs?: number;
  /** How long that use waits for the read before it takes the cached entry (default 250 ms). */
  staleWaitMs?: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  installation: AnyInstallation;
  checkedAt: number;
}

/**
 * Installations in memory, so an ack never waits long on the store for a workspace this replica
 * has seen. The first use of an entry older than `revalidateMs` reads it again from the store and
 * waits up to `staleWaitMs` for the answer (then uses the cached one, the read finishing in the
 * background): an uninstall, a revocation or a rotated token written by another replica reaches
 * this one within that interval, and one seen here (this replica's own uninstall listener, its
 * own installs and refreshes) at once. A miss waits at most
 * `missBoundMs` for the store and then fails with InstallationUnavailableError, which the
 * receiver answers with an error status instead of holding the request to Slack's deadline.
 */
export class InstallationCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<AnyInstallation | undefined>>();
  private readonly missBoundMs: number;
  private readonly revalidateMs: number;
  private readonly staleWaitMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: InstallationCacheOptions) {
    this.missBoundMs = options.missBoundMs ?? 1000;
    this.revalidateMs = options.revalidateMs ?? 10_000;
    this.staleWaitMs = options.staleWaitMs ?? 250;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The installation for a query: cached, or read within the miss bound; undefined when there is none. */
  async get<T extends AnyInstallation>(query: InstallationQuery): Promise<T | undefined> {
    const key = cacheKey(query);
    const entry = this.entries.get(key);
    if (entry) {
      this.options.metrics.installationCache.inc({ outcome: 'hit' });
      if (this.now() - entry.checkedAt < this.revalidateMs) return entry.installation as T;
      // Due for a check: a store that answers quickly decides (an uninstall on another replica
      // takes effect here); a slow one does not hold the request, the cached entry is used.
      const reload = this.load(key, query).then((found) => ({ found }), () => undefined);
      let timer: NodeJS.Timeout | undefined;
      const wait = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), this.staleWaitMs);
      });
      const fresh = await Promise.race([reload, wait]);
      clearTimeout(timer);
      return (fresh ? fresh.found : entry.installation) as T | undefined;
    }
    this.options.metrics.installationCache.inc({ outcome: 'miss' });
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new InstallationUnavailableError(`the installation of ${keyOf(query) ?? 'this workspace'} could not be read within ${this.missBoundMs} ms`)), this.missBoundMs);
    });
    try {
      return (await Promise.race([this.load(key, query), bound])) as T | undefined;
    } catch (err) {
      this.options.metrics.installationCache.inc({ outcome: 'miss_unavailable' });
      if (err instanceof InstallationUnavailableError) throw err;
      throw new InstallationUnavailableError(`the installation of ${keyOf(query) ?? 'this workspace'} could not be read: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Writes to the store, then to the cache (an install, a refreshed token). */
  async save(installation: AnyInstallation): Promise<void> {
    await this.options.store.saveInstallation(installation);
    this.remember(installationCacheKey(installation), installation);
  }

  /** Forgets at once, then deletes from the store (an uninstall or revocation seen by this replica). */
  async delete(query: InstallationQuery): Promise<void> {
    this.entries.delete(cacheKey(query));
    await this.options.store.deleteInstallation(query);
    this.entries.delete(cacheKey(query));
  }

  /** Keeps an installation this replica has just stored itself. */
  put(installation: AnyInstallation): void {
    this.remember(installationCacheKey(installation), installation);
  }

  /** Forgets an entry without touching the store (Slack said its token is no longer good). */
  forget(query: InstallationQuery): void {
    this.entries.delete(cacheKey(query));
  }

  /** One store read per key at a time, shared by every request that waits for it. */
  private load(key: string, query: InstallationQuery): Promise<AnyInstallation | undefined> {
    let pending = this.loading.get(key);
    if (pending) return pending;
    pending = this.options.store
      .getInstallation<AnyInstallation>(query)
      .then((found) => {
        if (found) this.remember(key, found);
        else if (this.entries.delete(key)) this.options.logger.info({ event: 'slack_installation_gone', team: keyOf(query) }, 'cached Slack installation removed: it is no longer in the store');
        return found;
      })
      .catch((err: unknown) => {
        // Keep serving what is cached; try again at the next use after another interval.
        const entry = this.entries.get(key);
        if (entry) entry.checkedAt = this.now();
        throw err;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, pending);
    return pending;
  }

  private remember(key: string, installation: AnyInstallation): void {
    this.entries.delete(key);
    this.entries.set(key, { installation, checkedAt: this.now() });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}

function keyOf(query: InstallationQuery): string | undefined {
  return query.isEnterpriseInstall && query.enterpriseId ? query.enterpriseId : query.teamId;
}

function cacheKey(query: InstallationQuery): string {
  return query.isEnterpriseInstall && query.enterpriseId ? `enterprise:${query.enterpriseId}` : `team:${query.teamId ?? ''}`;
}

function installationCacheKey(i: AnyInstallation): string {
  return cacheKey({ isEnterpriseInstall: i.isEnterpriseInstall === true, ...(i.team?.id ? { teamId: i.team.id } : {}), ...(i.enterprise?.id ? { enterpriseId: i.enterprise.id } : {}) });
}
