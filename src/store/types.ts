import type { Logger } from 'pino';

import type { Platform } from '../platform';
export type { Platform };

/** One user's place in the onboarding course. `score` and `answered` are stored as given. */
export interface OnboardingProgress {
  platform: Platform | string;
  userId: string;
  startedAt: Date;
  currentLesson: number;
  completedAt?: Date;
  optedOut: boolean;
  score: number;
  answered: number;
  /** Ids of scheduled messages (Slack `chat.scheduleMessage`) so opting out can cancel them. */
  scheduledMessageIds: string[];
  channelId?: string;
  /**
   * The stored row's version, as read (every write of the row bumps it); absent for progress
   * that was not read from the store. `commitProgress` saves only over this version: absent,
   * only where the user has no progress yet.
   */
  version?: number;
}

/** A "first one wins" claim, as `claimEvent` takes it. */
export interface Claim {
  key: string;
  ttlSeconds: number;
}

/** An onboarding step that sends something: what it claims, the progress it leaves, what it sends. */
export interface ProgressCommit {
  /** Taken first; when any of them is taken already, nothing is written. */
  claims?: Claim[];
  /** A quiz answer the progress counts: recorded once per (platform, user, question); when it was recorded already, nothing is written. */
  answer?: QuizAnswer;
  /** Saved over `progress.version` (see OnboardingProgress.version); when the stored row moved on, nothing is written. */
  progress: OnboardingProgress;
  /** The messages that show the step (a lesson, a grade), for the outbox. */
  jobs: OutboxJobInput[];
}

/**
 * What `commitProgress` did. `claimed`: a claim was taken or the answer recorded already (the
 * step was done before: do not do it again). `stale`: the stored progress is no longer the
 * version the step read (another replica changed it): read again and decide again.
 */
export type ProgressCommitResult = { ok: true; version: number } | { ok: false; reason: 'claimed' | 'stale' };

export interface QuizAnswer {
  platform: string;
  userId: string;
  questionId: string;
  answer: string;
  correct: boolean;
  answeredAt: Date;
}

export interface FeedbackInput {
  answerId: string;
  platform: string;
  /** Keyed hash of the user id (see `Store.hashUserId`), never the raw id. */
  userHash: string;
  helpful: boolean;
  cells: string[];
  question?: string;
  /** Where the vote came from (`slack:T…`, `teams:<tenant>`); absent on rows older than the column. */
  workspace?: string;
  at: Date;
}

export type FeedbackRow = FeedbackInput;

export interface QuestionLogInput {
  question: string;
  intent: string;
  verdict: string;
  cells: string[];
  confidence: number;
  platform: string;
  /** Raw id: the store hashes it before writing and never persists it. */
  userId: string;
  /** Where it was asked (`slack:T…`, `teams:<tenant>`), when the channel knows. */
  workspace?: string;
  at: Date;
}

/** A logged question as stored: the raw user id replaced by its keyed hash. */
export interface QuestionLogRow extends Omit<QuestionLogInput, 'userId'> {
  id: number;
  userHash: string;
}

export interface PurgeResult {
  questions: number;
  claims: number;
  cache: number;
  /** Finished outbox jobs past retention (absent where nothing was purged from the outbox). */
  jobs?: number;
  /** Budget counters whose window is over. */
  budgets?: number;
}

/** `parked`: handed to `parkJob` by its handler, to be queued again by its trigger (not sent, not lost). */
export type OutboxJobStatus = 'pending' | 'sent' | 'failed' | 'expired' | 'parked';

/** A reply to send, as written into the outbox. */
export interface OutboxJobInput {
  kind: string;
  /** Pacing and ordering key: e.g. `slack:T1:C1` for a Slack channel. */
  lane: string;
  /** Who asked (per-user flood limits count by this); absent for jobs no user caused. */
  userKey?: string;
  payload: Record<string, unknown>;
  /** When the user asked (for the event-to-post latency); default: now. */
  eventAt?: Date;
}

export interface OutboxJob {
  id: number;
  eventKey?: string;
  kind: string;
  lane: string;
  userKey?: string;
  payload: Record<string, unknown>;
  status: OutboxJobStatus;
  /** Leases taken so far, this one included: above 1, an earlier attempt did not finish. */
  attempts: number;
  createdAt: Date;
  eventAt: Date;
}

export interface AdmitLimits {
  /** Pending jobs a lane may hold; past it the question gets `overflowNotice` instead. */
  maxLaneDepth: number;
  /** Questions per user per minute (across replicas); past it the user gets one `floodNotice`. */
  perUserPerMinute: number;
}

export interface AdmitInput {
  /** The event's claim key (Slack event_id): first one wins, across replicas and restarts. */
  eventKey: string;
  claimTtlSeconds: number;
  /** The reply job; absent for events that only need the claim. */
  job?: OutboxJobInput;
  limits?: AdmitLimits;
  /** Built when the lane is full or the user is over the limit: a private notice job. */
  overflowNotice?: OutboxJobInput;
  floodNotice?: OutboxJobInput;
  /**
   * Lease the reply job to this worker in the same transaction when it can be sent at once (its
   * lane has nothing pending and is not pacing), so the worker starts it without a lease query.
   */
  lease?: AdmitLease;
}

export interface AdmitLease {
  owner: string;
  leaseMs: number;
}

export type AdmitOutcome =
  /** The event was claimed before (a retry, or another replica has it): do nothing. */
  | { claimed: false }
  | {
      claimed: true;
      queued: 'job' | 'none' | 'overflow' | 'flood' | 'flood_silent';
      jobId?: number;
      /** The reply job, already leased to `lease.owner` (attempt 1): the caller starts it. */
      leased?: OutboxJob;
    };

export interface LeaseRequest {
  owner: string;
  leaseMs: number;
  limit: number;
  /** Lanes this replica already has a send in flight on. */
  skipLanes?: string[];
  /** Only jobs of these kinds (the ones this worker has handlers for); all kinds when absent. */
  kinds?: string[];
}

export interface JobDone {
  id: number;
  owner: string;
  status: Exclude<OutboxJobStatus, 'pending'>;
  lane: string;
  /** When the lane may send its next job (pacing). */
  laneNextAt: Date;
  error?: string;
}

export interface JobRetry {
  id: number;
  owner: string;
  lane: string;
  at: Date;
  error: string;
  /** Hold the whole lane until `at` (Slack's Retry-After applies to the channel). */
  holdLane?: boolean;
}

export interface OutboxStats {
  pending: number;
  oldestPendingAt?: Date;
}

/** The durable reply outbox: written before an event is acked, read by every replica's worker. */
export interface Outbox {
  /** In one transaction: claim the event and, if it is new, write its reply job (or a notice). */
  admitEvent(input: AdmitInput): Promise<AdmitOutcome>;
  /** A job that no event claim stands behind (e.g. an onboarding message). */
  enqueueJob(job: OutboxJobInput): Promise<number>;
  /** Leases the oldest due job of up to `limit` lanes that have none in flight. */
  leaseJobs(request: LeaseRequest): Promise<OutboxJob[]>;
  /** Marks a leased job finished; false (and nothing written) when the lease was lost. */
  finishJob(done: JobDone): Promise<boolean>;
  /** Puts a leased job back for another attempt at `at`. */
  retryJob(retry: JobRetry): Promise<boolean>;
  /** Gives back leases of jobs this owner has not started, so the next process takes them at once. */
  releaseLeases(owner: string, ids: number[]): Promise<number>;
  /** Pending jobs (of these kinds only, when given). */
  outboxStats(kinds?: string[]): Promise<OutboxStats>;
  getJob(id: number): Promise<OutboxJob | undefined>;
  /**
   * Keeps a job that cannot be sent until `trigger` happens (a Teams digest waiting for its
   * tenant's first activity). One row per key: parking the same key again changes nothing
   * (false). Durable or it throws: never softened.
   */
  parkJob(input: ParkJobInput): Promise<boolean>;
  /** The triggers something is parked on (few: a cheap check before `unparkJobs`). */
  parkedTriggers(): Promise<string[]>;
  /**
   * In one transaction: takes every job parked on `trigger` (oldest first) and writes the jobs
   * `merge` makes of them (default: each as it was) into the outbox. A job is taken once, by
   * one caller, across replicas. Returns the new jobs' ids (none when nothing was parked).
   */
  unparkJobs(trigger: string, merge?: (parked: ParkedJob[]) => OutboxJobInput[]): Promise<number[]>;
}

export interface ParkJobInput {
  /** One parked job per key (e.g. `digest:teams:<channel>:<week>`). */
  key: string;
  /** What queues it again (e.g. `teams:tenant:<tenant id>`). */
  trigger: string;
  job: OutboxJobInput;
}

export interface ParkedJob extends ParkJobInput {
  parkedAt: Date;
}

/** One counter of a shared budget (e.g. LLM calls this minute for one workspace). */
export interface BudgetTake {
  /** The counter's key, window included (`llm:calls:ws:slack:T1:29012345`). */
  key: string;
  /** Added to the counter when every take of the call fits. */
  amount: number;
  /** The counter may not go above this. */
  limit: number;
  /** When the counter's window is over (the row can be purged). */
  expiresAt: Date;
}

export type BudgetOutcome = { ok: true } | { ok: false; refused: string };

/** Counters shared by every replica, changed atomically (LLM budgets). */
export interface Budgets {
  /**
   * In one transaction: adds each take's amount to its counter if none would pass its limit;
   * otherwise changes nothing and names the first counter that was full.
   */
  takeBudget(takes: BudgetTake[]): Promise<BudgetOutcome>;
  /** Corrects counters after the fact (the tokens a call really used); never below zero. */
  adjustBudget(adjustments: Array<{ key: string; delta: number; expiresAt: Date }>): Promise<void>;
}

export const ESCALATION_STATES = ['open', 'answered', 'closed'] as const;
export type EscalationState = (typeof ESCALATION_STATES)[number];

/** "Ask the security team" on an answer: what the asker asked and where the answer was. */
export interface EscalationInput {
  platform: string;
  /** The Slack team (or enterprise) id, the Teams tenant. */
  workspace: string;
  /** The asker's platform id: the curators' reply mentions them in their thread. */
  asker: string;
  /** The asker's display name, where a mention needs it with the id (Teams). */
  askerName?: string;
  /** Where the bot's answer is: the curator's reply goes there. */
  channel: string;
  threadTs?: string;
  question: string;
  answerId: string;
  /** The bot's verdict and a short answer, as the asker saw them. */
  verdict?: string;
  summary?: string;
  /** The knowledge-base cell the answer came from, when it had one. */
  cell?: string;
}

export interface Escalation extends EscalationInput {
  id: number;
  state: EscalationState;
  createdAt: Date;
  updatedAt: Date;
  /** The post in the curators' channel (set once it is posted). */
  curatorChannel?: string;
  curatorTs?: string;
  /** Set when a curator answered. */
  curator?: string;
  curatorAnswer?: string;
  answeredAt?: Date;
  /** The curator's answer as a proposed knowledge change, for someone to review into knowledge/. */
  proposal?: string;
}

export type EscalationOpened = { created: true; escalation: Escalation; jobId?: number } | { created: false; escalation: Escalation };

export interface EscalationAnswerInput {
  id: number;
  curator: string;
  answer: string;
  proposal: string;
}

/** Escalations to the curators, kept in the store with their state. */
export interface Escalations {
  /**
   * In one transaction: opens the escalation unless this asker already escalated this answer,
   * and writes `job` (given the new id) into the outbox only when it is new.
   */
  openEscalation(input: EscalationInput, job?: (id: number) => OutboxJobInput): Promise<EscalationOpened>;
  getEscalation(id: number): Promise<Escalation | undefined>;
  /** Where the escalation was posted for the curators. */
  markEscalationPosted(id: number, channel: string, ts: string): Promise<void>;
  /**
   * In one transaction: records the curator's answer if the escalation is still open (and its
   * job, e.g. the reply in the asker's thread); undefined, and nothing written, otherwise.
   */
  answerEscalation(input: EscalationAnswerInput, job?: (e: Escalation) => OutboxJobInput): Promise<Escalation | undefined>;
  /** Closes an open or answered escalation; undefined when it was closed already or is unknown. */
  closeEscalation(id: number): Promise<Escalation | undefined>;
  /** Escalations changed since a date, newest first (the gaps report's "Answered by curators"). */
  listEscalations(since: Date, state?: EscalationState): Promise<Escalation[]>;
}

/** One setting a workspace's curators chose (e.g. the Slack channel of the weekly digest). */
export interface WorkspaceSettingInput {
  /** `slack`, `teams`. */
  platform: string;
  /** The Slack team id, or the enterprise id of an org-wide install; the Teams tenant. */
  workspace: string;
  name: string;
  /** The chosen value; an empty string is a choice too (e.g. "no digest here"). */
  value: string;
  /** Who chose it (a platform user id). */
  updatedBy?: string;
}

export interface WorkspaceSetting extends WorkspaceSettingInput {
  updatedAt: Date;
}

/** Settings kept per workspace, changed by its curators from the chat platform. */
export interface WorkspaceSettings {
  /** Every setting of one workspace. */
  getWorkspaceSettings(platform: string, workspace: string): Promise<WorkspaceSetting[]>;
  /** One setting across every workspace of a platform (e.g. each workspace's digest channel). */
  listWorkspaceSettings(platform: string, name: string): Promise<WorkspaceSetting[]>;
  /** Sets (or replaces) one setting. */
  putWorkspaceSetting(input: WorkspaceSettingInput): Promise<WorkspaceSetting>;
  /** Removes one setting, so the process's default holds again; false when it was not set. */
  deleteWorkspaceSetting(platform: string, workspace: string, name: string): Promise<boolean>;
}

/**
 * The fields of a Slack installation the store needs to key it. Structural, so Bolt's
 * `Installation` fits without importing Bolt here.
 */
export interface SlackInstallationLike {
  team?: { id: string } | undefined;
  enterprise?: { id: string } | undefined;
  isEnterpriseInstall?: boolean;
}

/** Same shape as Bolt's `InstallationQuery`. */
export interface InstallationQuery {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
}

export interface CacheEntry {
  key: string;
  value: string;
  expiresAt: Date;
}

export interface WriteBatch {
  questions: QuestionLogInput[];
  cache: CacheEntry[];
}

export interface BotStateItem {
  value: Record<string, unknown>;
  eTag: string;
}

export interface Store extends Outbox, Budgets, Escalations, WorkspaceSettings {
  readonly kind: 'sqlite' | 'postgres';

  /** Atomic "first one wins": true for exactly one caller per key until the claim expires. */
  claimEvent(key: string, ttlSeconds: number): Promise<boolean>;

  saveConversationReference(key: string, ref: object): Promise<void>;
  getConversationReference(key: string): Promise<object | undefined>;

  getProgress(platform: string, userId: string): Promise<OnboardingProgress | undefined>;
  /**
   * Writes the progress whatever is stored (and bumps its version), for seeding and imports.
   * The course itself writes only through `commitProgress`.
   */
  saveProgress(p: OnboardingProgress): Promise<void>;
  /**
   * In one transaction, as `admitEvent` writes a claim with its reply: takes every claim,
   * records the answer, saves the progress over the version it was read at, and writes the jobs
   * into the outbox. When a claim was taken or the answer recorded already (`claimed`), or the
   * stored progress changed since it was read (`stale`), nothing is written. A crash leaves the
   * step with its messages or neither, never a lesson recorded as delivered that nobody sends,
   * nor an answer counted without its grade. On PostgreSQL a concurrent commit for the same
   * user waits on the row and then finds it stale. Never softened by the resilient wrapper.
   */
  commitProgress(commit: ProgressCommit): Promise<ProgressCommitResult>;
  listProgress(): Promise<OnboardingProgress[]>;

  /** One vote per (answer, platform, user): voting again replaces the earlier vote. */
  recordFeedback(f: FeedbackInput): Promise<void>;
  listFeedback(since: Date): Promise<FeedbackRow[]>;

  /** No-op when the question log is disabled. */
  logQuestion(q: QuestionLogInput): Promise<void>;
  listQuestions(since: Date): Promise<QuestionLogRow[]>;
  /** The keyed hash the store uses for user ids, so feedback and the log can be joined. */
  hashUserId(platform: string, userId: string): string;

  /** Deletes expired claims, cache entries and question-log rows past retention. */
  purgeExpired(now?: Date): Promise<PurgeResult>;

  /**
   * A shared key-value cache with expiry, so every replica sees the same entries: LLM phrasings,
   * thread context for follow-ups, answers kept for "Share in channel". Keys carry their prefix.
   */
  getCached(key: string): Promise<string | undefined>;
  putCached(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Question-log rows and cache entries in one transaction (what a batch of the two writes above makes). */
  writeBatch(batch: WriteBatch): Promise<void>;

  /** Throws STORE_ENCRYPTION_KEY_MISSING when no encryption key was configured. */
  saveInstallation<T extends SlackInstallationLike>(installation: T): Promise<void>;
  getInstallation<T extends SlackInstallationLike>(query: InstallationQuery): Promise<T | undefined>;
  deleteInstallation(query: InstallationQuery): Promise<void>;

  bfRead(keys: string[]): Promise<Record<string, BotStateItem>>;
  /**
   * Writes one Bot Framework state item. With an `expectedETag` other than '*', the write only
   * succeeds if the stored item still has that eTag (or does not exist); otherwise throws
   * STORE_ETAG_CONFLICT. Returns the new eTag.
   */
  bfWrite(key: string, value: Record<string, unknown>, expectedETag?: string): Promise<string>;
  bfDelete(keys: string[]): Promise<void>;

  ping(): Promise<void>;
  /** Proves the store can write (readiness): a failed write fails readiness, not just a read. */
  pingWrite(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** DATABASE_URL: empty, a path or `sqlite:` URL -> SQLite; `postgres(ql)://` -> PostgreSQL. */
  url?: string;
  /** Folder of the default SQLite file (`./data`). */
  dataDir?: string;
  /** STORE_ENCRYPTION_KEY: 32 bytes as hex or base64, or a passphrase of 16+ characters. */
  encryptionKey?: string;
  /** Key of the user-id hash. Default: derived from encryptionKey, else a per-database secret. */
  hashKey?: string;
  questionLogEnabled?: boolean;
  questionLogDays?: number;
  logger?: Logger;
  now?: () => Date;
  /** Wrap in the resilient wrapper (default true): writes never throw when the DB goes away. */
  resilient?: boolean;
  /** PostgreSQL schema to use (created if missing); isolates parallel test runs. */
  schema?: string;
  /** SQLite busy_timeout in ms (default 5000). */
  busyTimeoutMs?: number;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** PostgreSQL connect timeout in ms (default 5000). */
  connectTimeoutMs?: number;
  /** Upper bound for one store call in the resilient wrapper before falling back (default 3000). */
  operationTimeoutMs?: number;
  /**
   * STORE_BATCH_MS: question-log rows and cache entries are written together, in one
   * transaction, at most this long after they were made (0: each write at once). See
   * ResilientStore for what a crash can lose.
   */
  batchMs?: number;
}
