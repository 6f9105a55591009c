import type { Logger } from 'pino';

/**
 * Calls `sweep` every `intervalMs` while started. Teams has no scheduled-message API, so due
 * lessons are found by polling stored progress; a restart loses nothing because the schedule
 * is derived from the store. One sweep at a time: a slow sweep is never overlapped by the next.
 */
export class LessonTimer {
  private timer?: NodeJS.Timeout;
  private current?: Promise<void>;

  constructor(
    private readonly sweep: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    // The HTTP server keeps the process alive; this timer alone must not.
    this.timer.unref();
  }

  /** Runs one sweep now unless one is running; resolves when that sweep is over. */
  tick(): Promise<void> {
    this.current ??= this.sweep()
      .then(() => undefined)
      .catch((err: unknown) => this.logger.warn({ err, event: 'onboarding_sweep_failed', platform: 'teams' }, 'lesson sweep failed'))
      .finally(() => (this.current = undefined));
    return this.current;
  }

  /** Stops the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.current;
  }
}
