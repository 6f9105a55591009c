import { z } from 'zod';

/**
 * Every setting the process reads, validated once at start. Only src/index.ts calls
 * loadConfig(process.env); everything else receives the parsed Config.
 */

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : ['true', '1', 'yes'].includes(v)));
const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });
const list = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : undefined));
const optionalUrl = optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), 'must be an http(s) URL');

/** The public Teams/Bot Framework service hosts proactive messages may go to. */
export const DEFAULT_TEAMS_SERVICE_HOSTS = ['smba.trafficmanager.net', '*.botframework.com', '*.teams.microsoft.com'];

/** A Teams channel's conversation id, as Teams shows it in a channel link (the part before any `;messageid=`). */
export const TEAMS_CHANNEL_ID = /^19:[A-Za-z0-9_.-]{1,200}@thread\.(tacv2|skype)$/;

/** One DIGEST_CHANNEL entry: a channel id, optionally after its workspace (team `T…` or enterprise `E…`) id. */
const SLACK_DIGEST_ENTRY = /^(?:([TE][A-Z0-9]{2,20}):)?([CG][A-Z0-9]{2,20})$/;

/** Where a Slack weekly digest goes: the workspace (absent with one workspace) and its channel. */
export interface SlackDigestTarget {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
  channel: string;
}

export function parseSlackDigests(value: string | undefined): SlackDigestTarget[] {
  if (!value) return [];
  return value.split(',').flatMap((entry): SlackDigestTarget[] => {
    const m = SLACK_DIGEST_ENTRY.exec(entry.trim());
    if (!m) return [];
    const [, workspace, channel] = m;
    if (!workspace) return [{ isEnterpriseInstall: false, channel }];
    return [workspace.startsWith('E') ? { enterpriseId: workspace, isEnterpriseInstall: true, channel } : { teamId: workspace, isEnterpriseInstall: false, channel }];
  });
}

export const envSchema = z.object({
  PORT: int(3978, 0, 65535),
  /** Loopback for a local run; the container image sets 0.0.0.0 (reached through its published port). */
  HOST: optionalString.transform((v) => v ?? '127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
  LOG_QUESTIONS: bool(false),
  KNOWLEDGE_DIR: optionalString,

  DATABASE_URL: optionalString,
  DATA_DIR: z.string().optional().default('./data'),
  STORE_ENCRYPTION_KEY: optionalString,
  QUESTION_LOG_ENABLED: bool(true),
  QUESTION_LOG_DAYS: int(90, 1, 3650),
  /**
   * Question-log rows and cache entries (thread context, kept answers, phrasings) are written in
   * one transaction at most this long after they were made; 0 writes each at once. A SIGKILL
   * loses what was made in the last STORE_BATCH_MS; a normal stop writes it first.
   */
  STORE_BATCH_MS: int(250, 0, 10000),

  SLACK_BOT_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xoxb-'), 'must be a bot token (xoxb-...)'),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xapp-'), 'must be an app-level token (xapp-...)'),
  SLACK_API_URL: optionalUrl,
  /** The distributed app (OAuth install to many workspaces): all three together, instead of SLACK_BOT_TOKEN. */
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_STATE_SECRET: optionalString,
  /** Least time between two posts or updates in one Slack channel (Slack allows about one a second). */
  SLACK_POST_SPACING_MS: int(1000, 0, 10000),
  /** Distributed app: how long a request for a workspace not in the installation cache waits for the store before it is refused. */
  SLACK_INSTALLATION_MISS_MS: int(1000, 50, 2500),
  /** Distributed app: a cached installation is read again from the store after this long (uninstalls and rotations on other replicas). */
  SLACK_INSTALLATION_CACHE_SECONDS: int(10, 1, 3600),
  /** The Slack Home tab (app_home_opened -> views.publish). */
  SLACK_HOME_TAB_ENABLED: bool(true),
  /** The "Ask whosecures" message shortcut in Slack and the matching Teams message action. */
  MESSAGE_ACTION_ENABLED: bool(true),
  /**
   * The curators' Slack channel (an id such as C0123ABCD): when set, every answer carries an
   * "Ask the security team" button that posts the question there. Absent: no button.
   */
  ESCALATION_CHANNEL: optionalString.refine((v) => v === undefined || /^[CG][A-Z0-9]{2,20}$/.test(v), 'ESCALATION_CHANNEL must be a Slack channel id (C… or G…)'),
  /**
   * The curators' weekly gaps digest in Slack, sent once per ISO week (and workspace) across
   * replicas. One workspace (SLACK_BOT_TOKEN): a channel id. The distributed app
   * (SLACK_CLIENT_ID): each workspace's channel as `<team id>:<channel id>` (or
   * `<enterprise id>:<channel id>` for an org-wide install), comma-separated. Absent: no digest.
   */
  DIGEST_CHANNEL: optionalString.refine(
    (v) => v === undefined || v.split(',').every((entry) => SLACK_DIGEST_ENTRY.test(entry.trim())),
    'DIGEST_CHANNEL must be a Slack channel id (C… or G…), or with SLACK_CLIENT_ID a comma-separated list of <workspace id>:<channel id> (T0123:C0456)',
  ),
  /**
   * The curators' Teams channel (a channel conversation id, 19:…@thread.tacv2 or @thread.skype):
   * when set, every Teams answer carries "Ask the security team", posted there. Absent: no button.
   */
  TEAMS_ESCALATION_CHANNEL: optionalString.refine((v) => v === undefined || TEAMS_CHANNEL_ID.test(v), 'TEAMS_ESCALATION_CHANNEL must be a Teams channel id (19:…@thread.tacv2 or 19:…@thread.skype)'),
  /** A Teams channel id for the curators' weekly gaps digest, sent once per ISO week across replicas. Absent: no digest. */
  TEAMS_DIGEST_CHANNEL: optionalString.refine((v) => v === undefined || TEAMS_CHANNEL_ID.test(v), 'TEAMS_DIGEST_CHANNEL must be a Teams channel id (19:…@thread.tacv2 or 19:…@thread.skype)'),
  /**
   * The Entra tenant of the team that holds TEAMS_DIGEST_CHANNEL (default MicrosoftAppTenantId):
   * the digest's first post there uses the service URL of that tenant's latest activity.
   */
  TEAMS_TENANT_ID: optionalString.refine((v) => v === undefined || /^[0-9a-fA-F-]{36}$/.test(v), 'TEAMS_TENANT_ID must be a tenant id (a GUID)'),
  /**
   * A Bot Connector service URL for the digest's first post before the bot has heard from that
   * tenant (Microsoft's public one is https://smba.trafficmanager.net/teams/). Absent: the digest
   * waits, kept in the store, for the tenant's first activity.
   */
  TEAMS_PROACTIVE_SERVICE_URL: optionalUrl,
  RATE_LIMIT_PER_MINUTE: int(20, 1, 10000),
  /** Longest an event's ack waits for its outbox write before it is acked and held in memory. */
  OUTBOX_ACK_BOUND_MS: int(500, 0, 2500),
  /** Questions a channel may have waiting; past it the asker is told privately to ask again. */
  OUTBOX_MAX_CHANNEL_DEPTH: int(50, 1, 100000),
  /** A question still waiting after this long is not answered late: the asker is told privately. */
  OUTBOX_MAX_AGE_SECONDS: int(600, 10, 86400),
  /** Acked events held in memory while the store is slow or away, before events are refused. */
  OUTBOX_MAX_HELD: int(1000, 0, 100000),
  /** Channels (lanes) one replica sends to at once; each has at most one send in flight. */
  OUTBOX_CONCURRENCY: int(64, 1, 1000),

  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppType: z
    .enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI', ''])
    .optional()
    .transform((v) => v || undefined),
  MicrosoftAppTenantId: optionalString,
  TEAMS_ALLOW_UNAUTHENTICATED: bool(false),
  TEAMS_SERVICE_URL_ALLOWLIST: list,
  /** Least time between two messages the bot sends into one Teams conversation (Teams allows about 7 a second). */
  TEAMS_POST_SPACING_MS: int(200, 0, 10000),
  /** On SIGTERM, how long the Teams outbox keeps sending before what is left waits for the next process. */
  TEAMS_SHUTDOWN_DRAIN_MS: int(4000, 0, 5000),

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_MODEL: z.string().optional().default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: int(15000, 100, 600000),
  LLM_MAX_CALLS_PER_USER_PER_HOUR: int(30, 0, 100000),
  LLM_CHOOSE_READINGS: bool(true),
  /** Model calls per minute for one workspace (Slack team, Teams tenant), across replicas. */
  LLM_WORKSPACE_CALLS_PER_MINUTE: int(60, 0, 1_000_000),
  /** Model tokens (prompt and completion) per UTC day for one workspace, across replicas. */
  LLM_WORKSPACE_TOKENS_PER_DAY: int(500_000, 0, 1_000_000_000),
  /** Model calls per minute for all workspaces together. */
  LLM_GLOBAL_CALLS_PER_MINUTE: int(300, 0, 1_000_000),
  /** Model tokens per UTC day for all workspaces together. */
  LLM_GLOBAL_TOKENS_PER_DAY: int(2_000_000, 0, 1_000_000_000),

  ONBOARDING_ENABLED: bool(true),
  ONBOARDING_CHANNELS: list,
  ONBOARDING_ADMINS: list,
  /**
   * Slack curators (answer and close escalations, `/whosecures gaps`, the Home tab's gaps): user
   * ids (U…, W…) and user group ids (S…), comma-separated. Unset: ONBOARDING_ADMINS.
   */
  SLACK_CURATORS: list.refine((ids) => ids.every((id) => /^[UWS][A-Z0-9]{2,30}$/.test(id)), 'SLACK_CURATORS must list Slack user ids (U…, W…) and user group ids (S…)'),
  /** Teams curators (answer and close escalations): Entra (AAD) object ids, comma-separated. Unset: nobody. */
  TEAMS_CURATORS: list.refine((ids) => ids.every((id) => /^[0-9a-fA-F-]{36}$/.test(id)), 'TEAMS_CURATORS must list Entra (AAD) object ids (GUIDs)'),
  MATRIX_PAGE_ENABLED: bool(true),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  slackEnabled: boolean;
  slackMode: 'http' | 'socket' | 'off';
  /** Installed per workspace through OAuth; each event is authorized with its workspace's stored token. */
  slackOAuth: boolean;
  teamsEnabled: boolean;
  llmEnabled: boolean;
  teamsServiceHosts: string[];
  /** SLACK_CURATORS, or ONBOARDING_ADMINS when it is unset. */
  slackCurators: string[];
  /** DIGEST_CHANNEL read: one target without a workspace (SLACK_BOT_TOKEN), or one per workspace (SLACK_CLIENT_ID). */
  slackDigests: SlackDigestTarget[];
  /** The raw environment, for libraries that read their own keys: src/app.ts takes botbuilder's auth keys from it for the Teams channel. */
  raw: Record<string, string | undefined>;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    // Name the variable and what is wrong; never echo the value (it may be a secret).
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const oauthVars = { SLACK_CLIENT_ID: e.SLACK_CLIENT_ID, SLACK_CLIENT_SECRET: e.SLACK_CLIENT_SECRET, SLACK_STATE_SECRET: e.SLACK_STATE_SECRET };
  const oauthSet = Object.values(oauthVars).filter(Boolean).length;
  const slackOAuth = oauthSet === 3;
  if (oauthSet > 0 && !slackOAuth) {
    for (const [name, value] of Object.entries(oauthVars)) if (!value) problems.push(`${name}: required with the other SLACK_CLIENT_ID / SLACK_CLIENT_SECRET / SLACK_STATE_SECRET settings`);
  }
  if (slackOAuth) {
    // Installations hold every workspace's bot token; the store refuses to write them in clear.
    if (!e.STORE_ENCRYPTION_KEY) problems.push('STORE_ENCRYPTION_KEY: required with SLACK_CLIENT_ID (installation tokens are encrypted at rest)');
    if (!e.SLACK_SIGNING_SECRET) problems.push('SLACK_SIGNING_SECRET: required with SLACK_CLIENT_ID');
    if (e.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN: leave unset with SLACK_CLIENT_ID (each workspace gets its token when it installs the app)');
    if (e.SLACK_APP_TOKEN) problems.push('SLACK_APP_TOKEN: leave unset with SLACK_CLIENT_ID (the distributed app runs in HTTP mode)');
  } else {
    if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
      problems.push('SLACK_SIGNING_SECRET: required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
    }
    if (!e.SLACK_BOT_TOKEN && (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN)) problems.push('SLACK_BOT_TOKEN: required when Slack is configured');
  }
  const slackDigests = parseSlackDigests(e.DIGEST_CHANNEL);
  if (slackOAuth && slackDigests.some((d) => !d.teamId && !d.enterpriseId)) {
    problems.push('DIGEST_CHANNEL: with SLACK_CLIENT_ID name each workspace with its channel, as <team id>:<channel id> (T0123:C0456) or <enterprise id>:<channel id> for an org-wide install, comma-separated');
  }
  if (!slackOAuth && (slackDigests.length > 1 || slackDigests.some((d) => d.teamId || d.enterpriseId))) {
    problems.push('DIGEST_CHANNEL: with one workspace (SLACK_BOT_TOKEN) give one channel id (C0123); <workspace id>:<channel id> pairs are for the distributed app (SLACK_CLIENT_ID)');
  }
  if (e.MicrosoftAppId && e.MicrosoftAppType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword) problems.push('MicrosoftAppPassword: required with MicrosoftAppId');
  // Only with an app id: without one Teams is off, and a copied .env.example keeps its SingleTenant default.
  if (e.MicrosoftAppId && e.MicrosoftAppType === 'SingleTenant' && !e.MicrosoftAppTenantId) problems.push('MicrosoftAppTenantId: required when MicrosoftAppType is SingleTenant');
  if (problems.length) throw new ConfigError(problems);

  const slackMode = slackOAuth ? 'http' : !e.SLACK_BOT_TOKEN ? 'off' : e.SLACK_APP_TOKEN ? 'socket' : 'http';
  return {
    ...e,
    slackEnabled: slackMode !== 'off',
    slackMode,
    slackOAuth,
    teamsEnabled: Boolean(e.MicrosoftAppId) || e.TEAMS_ALLOW_UNAUTHENTICATED,
    llmEnabled: Boolean(e.OPENAI_API_KEY || e.OPENAI_BASE_URL),
    teamsServiceHosts: e.TEAMS_SERVICE_URL_ALLOWLIST.length ? e.TEAMS_SERVICE_URL_ALLOWLIST : DEFAULT_TEAMS_SERVICE_HOSTS,
    slackDigests,
    slackCurators: e.SLACK_CURATORS.length ? e.SLACK_CURATORS : e.ONBOARDING_ADMINS,
    raw: { ...env },
  };
}

/** Every configured secret value, for the logger to scrub from any line (src/logger.ts). */
export function secretValues(config: Config): string[] {
  return [
    config.SLACK_BOT_TOKEN,
    config.SLACK_SIGNING_SECRET,
    config.SLACK_APP_TOKEN,
    config.SLACK_CLIENT_SECRET,
    config.SLACK_STATE_SECRET,
    config.MicrosoftAppPassword,
    config.OPENAI_API_KEY,
    config.STORE_ENCRYPTION_KEY,
    ...(config.DATABASE_URL ? [passwordOf(config.DATABASE_URL)] : []),
  ].filter((v): v is string => typeof v === 'string' && v.length > 0);
}

function passwordOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}
