import type { Logger } from 'pino';
import type { SlackDigestTarget } from '../../../config';
import type { Store, WorkspaceSetting } from '../../../store/types';
import { errorSummary } from '../reply/slackErrors';

/**
 * Where a workspace's curators get "Ask the security team" questions and the weekly digest.
 * A workspace's curators choose them from Slack (`/whosecures settings`, the Home tab); what
 * they chose is kept in the store per workspace. Until they choose, the process's settings hold:
 * ESCALATION_CHANNEL for every workspace, DIGEST_CHANNEL for the workspace it names.
 */
export const CURATOR_CHANNEL_KINDS = ['escalation', 'digest'] as const;
export type CuratorChannelKind = (typeof CURATOR_CHANNEL_KINDS)[number];

/** The store's setting names (table workspace_settings, platform `slack`). */
export const SETTING_NAME: Record<CuratorChannelKind, string> = { escalation: 'escalation_channel', digest: 'digest_channel' };

/** The environment setting each kind falls back to, as the command shows it. */
export const DEFAULT_SETTING: Record<CuratorChannelKind, string> = { escalation: 'ESCALATION_CHANNEL', digest: 'DIGEST_CHANNEL' };

export interface SlackWorkspaceRef {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
}

/** The id a workspace's settings are kept under: the enterprise for an org-wide install, else the team (as installations are keyed). */
export function workspaceKey(ref: SlackWorkspaceRef): string | undefined {
  return ref.isEnterpriseInstall && ref.enterpriseId ? ref.enterpriseId : (ref.teamId ?? ref.enterpriseId);
}

export interface CuratorChannel {
  kind: CuratorChannelKind;
  /** Where it goes; absent: nowhere (nothing set, or the curators switched it off). */
  channel?: string;
  /** `workspace`: the workspace's curators chose it (an absent channel means "off"); `default`: the process's setting. */
  source: 'workspace' | 'default';
  setBy?: string;
  setAt?: Date;
}

export interface CuratorChannelsDeps {
  store: Pick<Store, 'getWorkspaceSettings' | 'listWorkspaceSettings' | 'putWorkspaceSetting' | 'deleteWorkspaceSetting'>;
  logger: Logger;
  /** ESCALATION_CHANNEL: every workspace's default. */
  escalationDefault?: string;
  /** DIGEST_CHANNEL: a workspace's own (the distributed app), or one channel without a workspace (one workspace). */
  digestDefaults: readonly SlackDigestTarget[];
  /** Some curator is configured: without one nobody can choose, and the store is never read for it. */
  choosable: boolean;
  /** How long one replica keeps a workspace's settings before reading them again (another replica's change counts within it). */
  cacheMs?: number;
  now?: () => number;
}

const CACHE_MS = 30_000;
const MAX_CACHED = 5000;

export class SlackCuratorChannels {
  private readonly cache = new Map<string, { rows: WorkspaceSetting[]; at: number }>();
  private readonly now: () => number;

  constructor(private readonly deps: CuratorChannelsDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Curators can choose channels here (some curator is configured). */
  get choosable(): boolean {
    return this.deps.choosable;
  }

  /** Escalations may go somewhere in some workspace: the listeners are needed. */
  get mayEscalate(): boolean {
    return this.deps.choosable || Boolean(this.deps.escalationDefault);
  }

  /** Digests may go somewhere: the hourly check is needed. */
  get mayDigest(): boolean {
    return this.deps.choosable || this.deps.digestDefaults.length > 0;
  }

  /** The process's setting for this workspace and kind. */
  defaultFor(workspace: string | undefined, kind: CuratorChannelKind): string | undefined {
    if (kind === 'escalation') return this.deps.escalationDefault;
    const own = this.deps.digestDefaults.find((d) => (d.enterpriseId ?? d.teamId) === workspace && workspace !== undefined);
    // One workspace (SLACK_BOT_TOKEN): DIGEST_CHANNEL names no workspace and is that workspace's.
    return (own ?? this.deps.digestDefaults.find((d) => !d.teamId && !d.enterpriseId))?.channel;
  }

  async get(workspace: string | undefined, kind: CuratorChannelKind): Promise<CuratorChannel> {
    const rows = workspace ? await this.rowsOf(workspace) : [];
    return this.resolve(workspace, kind, rows);
  }

  async all(workspace: string | undefined): Promise<Record<CuratorChannelKind, CuratorChannel>> {
    const rows = workspace ? await this.rowsOf(workspace) : [];
    return { escalation: this.resolve(workspace, 'escalation', rows), digest: this.resolve(workspace, 'digest', rows) };
  }

  /**
   * Whether answers in this workspace carry "Ask the security team". Never fails an answer: a
   * store that cannot be read leaves the process's setting in force (logged).
   */
  async escalates(workspace: string | undefined): Promise<boolean> {
    if (!this.deps.choosable) return Boolean(this.deps.escalationDefault);
    try {
      return Boolean((await this.get(workspace, 'escalation')).channel);
    } catch (err) {
      this.deps.logger.warn({ event: 'slack_curator_channels_unreadable', err: errorSummary(err) }, 'could not read the workspace\u2019s escalation channel; using ESCALATION_CHANNEL');
      return Boolean(this.deps.escalationDefault);
    }
  }

  /** A curator's choice: a channel id, or `null` for "none in this workspace" (the default no longer holds either). */
  async choose(workspace: string, kind: CuratorChannelKind, channel: string | null, by: string): Promise<CuratorChannel> {
    await this.deps.store.putWorkspaceSetting({ platform: 'slack', workspace, name: SETTING_NAME[kind], value: channel ?? '', updatedBy: by });
    this.cache.delete(workspace);
    return this.get(workspace, kind);
  }

  /** Back to the process's setting. */
  async reset(workspace: string, kind: CuratorChannelKind): Promise<CuratorChannel> {
    await this.deps.store.deleteWorkspaceSetting('slack', workspace, SETTING_NAME[kind]);
    this.cache.delete(workspace);
    return this.get(workspace, kind);
  }

  /**
   * The distributed app's digests: each workspace DIGEST_CHANNEL names or whose curators chose
   * a channel, to the channel in force there (a workspace that switched it off is left out).
   */
  async workspaceDigestTargets(): Promise<SlackDigestTarget[]> {
    const chosen = this.deps.choosable ? await this.deps.store.listWorkspaceSettings('slack', SETTING_NAME.digest) : [];
    const byWorkspace = new Map<string, string>();
    for (const d of this.deps.digestDefaults) {
      const id = d.enterpriseId ?? d.teamId;
      if (id) byWorkspace.set(id, d.channel);
    }
    for (const row of chosen) byWorkspace.set(row.workspace, row.value);
    const targets: SlackDigestTarget[] = [];
    for (const [id, channel] of byWorkspace) {
      if (!channel) continue;
      // Enterprise ids start with E, team ids with T (as DIGEST_CHANNEL is read, src/config.ts).
      targets.push(id.startsWith('E') ? { enterpriseId: id, isEnterpriseInstall: true, channel } : { teamId: id, isEnterpriseInstall: false, channel });
    }
    return targets;
  }

  private resolve(workspace: string | undefined, kind: CuratorChannelKind, rows: WorkspaceSetting[]): CuratorChannel {
    const row = rows.find((r) => r.name === SETTING_NAME[kind]);
    if (row) return { kind, source: 'workspace', ...(row.value ? { channel: row.value } : {}), ...(row.updatedBy ? { setBy: row.updatedBy } : {}), setAt: row.updatedAt };
    const fallback = this.defaultFor(workspace, kind);
    return { kind, source: 'default', ...(fallback ? { channel: fallback } : {}) };
  }

  private async rowsOf(workspace: string): Promise<WorkspaceSetting[]> {
    if (!this.deps.choosable) return [];
    const cached = this.cache.get(workspace);
    if (cached && this.now() - cached.at < (this.deps.cacheMs ?? CACHE_MS)) return cached.rows;
    const rows = (await this.deps.store.getWorkspaceSettings('slack', workspace)).filter((r) => r.name === SETTING_NAME.escalation || r.name === SETTING_NAME.digest);
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(workspace, { rows, at: this.now() });
    return rows;
  }
}
