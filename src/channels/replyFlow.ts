import type { Logger } from 'pino';
import type { Assistant } from '../conversation/assistant';
import type { Answer, Query } from '../engine/types';
import type { Metrics } from '../metrics';
import type { JobContext, JobOutcome } from '../outbox/worker';
import type { OutboxJob } from '../store/types';

/**
 * The part of a reply a channel writes: how it shows an answer and how it sends and changes
 * that message. `Message` is the channel's rendering (Block Kit, an Adaptive Card); `Posted` is
 * what it needs to find the message again (a channel and timestamp, an activity id).
 */
export interface ReplyTransport<Message, Posted> {
  /**
   * May wait for what the channel reads about the conversation (Slack: whether the workspace
   * escalates), which the channel starts reading when it builds the transport, alongside the answer.
   */
  render(answer: Answer): Message | Promise<Message>;
  /**
   * Sends the rendered answer; resolves with the handle `update` takes, or undefined when the
   * platform returned none (the message then stays as posted). A failure is thrown as the
   * outbox's decision (RetryLater, GiveUp). `answer` is there for a channel that renders it
   * again for another destination (a private copy where it cannot post).
   */
  post(message: Message, answer: Answer): Promise<Posted | undefined>;
  /** Replaces the posted message with another rendering: the phrased answer. */
  update(posted: Posted, message: Message): Promise<void>;
}

/** One question and where its reply goes. */
export interface Reply<Message, Posted> {
  query: Query;
  /** Whose question log and LLM budget the answer counts against (`slack:T…`, `teams:<tenant>`). */
  workspace?: string;
  transport: ReplyTransport<Message, Posted>;
}

/** A reply sent from an outbox job: also what the asker is told when no answer goes out. */
export interface JobReply<Message, Posted> extends Reply<Message, Posted> {
  /** Tells the asker, privately, that the question waited too long to be answered late. */
  expired(): Promise<void>;
  /** Said in place of the answer when none could be made. */
  apologise(): Promise<void>;
  /** Added to the log line of an answer that failed (what the channel knows of the conversation). */
  logContext?: Record<string, unknown>;
}

export interface ReplyFlowDeps {
  assistant: Assistant;
  logger: Logger;
  metrics: Metrics;
  /**
   * Runs an outbox reply's phrasing step. By default it runs in the job's follow-up (after the
   * job is marked, never holding its lane); a channel that drains such work itself at shutdown
   * hands it to its own task list.
   */
  runLater?: (step: () => Promise<void>) => void;
  /** What of a failed update is logged: SDK errors carry request data. Default: the message. */
  errorSummary?: (err: unknown) => unknown;
}

/**
 * Every channel's reply, in one order: the knowledge-base answer is posted first and never
 * waits for an LLM; the assistant's phrasing (or the reading an LLM picked, for a
 * low-confidence question) then replaces that same message when there is one. A channel
 * supplies only a `ReplyTransport`; the order, the outbox job's outcome, the failure handling,
 * the logs and the metrics are here.
 */
export class ReplyFlow {
  constructor(private readonly deps: ReplyFlowDeps) {}

  /**
   * A reply outside the outbox (a button, the assistant panel): answered, posted, phrased and
   * updated before it resolves. A failure to answer or post is the caller's to report.
   */
  async now<Message, Posted>(reply: Reply<Message, Posted>): Promise<Answer> {
    const answer = await this.answer(reply, false);
    const posted = await reply.transport.post(await reply.transport.render(answer), answer);
    if (posted !== undefined) await this.phrase(reply, answer, posted);
    return answer;
  }

  /**
   * An outbox job's reply. A stale job tells the asker instead of answering late; an answer that
   * cannot be made gets the apology once (retrying would fail the same way); a failed post is
   * thrown for the outbox to retry or give up. The phrasing runs after the job is marked sent.
   */
  async job<Message, Posted>(job: OutboxJob, context: JobContext, reply: JobReply<Message, Posted>): Promise<JobOutcome> {
    if (context.stale) {
      await reply.expired();
      return { status: 'expired' };
    }
    const platform = reply.query.platform;
    let answer: Answer;
    try {
      // The per-user limit was applied when the question was admitted, across replicas.
      answer = await this.answer(reply, true);
    } catch (err) {
      this.deps.metrics.errors.inc({ component: platform });
      this.deps.logger.error({ err, event: `${platform}_turn_failed`, jobId: job.id, ...reply.logContext }, 'the answer could not be made');
      await reply.apologise();
      return { status: 'sent' };
    }
    const posted = await reply.transport.post(await reply.transport.render(answer), answer);
    if (posted === undefined) return { status: 'sent' };
    const step = () => this.phrase(reply, answer, posted);
    const { runLater } = this.deps;
    return { status: 'sent', afterwards: runLater ? async () => runLater(step) : step };
  }

  private answer(reply: Reply<unknown, unknown>, skipRateLimit: boolean): Promise<Answer> {
    return this.deps.assistant.answer(reply.query, { ...(skipRateLimit ? { skipRateLimit } : {}), ...(reply.workspace ? { workspace: reply.workspace } : {}) });
  }

  /** Asks for the phrasing and updates the posted answer with it; never throws. */
  private async phrase<Message, Posted>(reply: Reply<Message, Posted>, answer: Answer, posted: Posted): Promise<void> {
    const { assistant, logger, metrics, errorSummary } = this.deps;
    const platform = reply.query.platform;
    const phrased = await assistant.phrase(answer, reply.query, { workspace: reply.workspace });
    if (!phrased) return;
    try {
      await reply.transport.update(posted, await reply.transport.render(phrased));
    } catch (err) {
      metrics.errors.inc({ component: `${platform}_phrasing` });
      metrics.replyUpdates.inc({ platform, outcome: 'failed' });
      logger.warn({ err: errorSummary ? errorSummary(err) : { message: String((err as Error)?.message ?? err).slice(0, 300) }, event: `${platform}_update_failed`, answerId: answer.id }, 'could not update the answer with its phrasing');
      return;
    }
    metrics.replyUpdates.inc({ platform, outcome: 'updated' });
    logger.info({ event: `${platform}_answer_phrased`, answerId: answer.id }, 'answer replaced with its phrasing');
  }
}
