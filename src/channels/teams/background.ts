import type { Logger } from 'pino';
import type { Metrics } from '../../metrics';

/**
 * Work that outlives the turn that started it (the LLM phrasing of an answer already sent).
 * Failures are logged and counted, never thrown: nobody awaits them. `drain` lets shutdown
 * finish what was started instead of cutting an update off halfway.
 */
export class BackgroundTasks {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: { logger: Logger; metrics: Metrics }) {}

  run(name: string, task: () => Promise<void>): void {
    const promise: Promise<void> = Promise.resolve()
      .then(task)
      .catch((err: unknown) => {
        this.deps.metrics.errors.inc({ component: `teams_${name}` });
        this.deps.logger.warn({ err, event: 'teams_background_failed', task: name }, 'background task failed');
      })
      .finally(() => this.running.delete(promise));
    this.running.add(promise);
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves when every task, including ones started while waiting, has finished. */
  async drain(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }
}
