/** Tracks work started after an ack, so a graceful stop can wait for answers in flight. */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  get size(): number {
    return this.running.size;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const done = () => this.running.delete(work);
    work.then(done, done);
    return work;
  }

  /** Resolves when everything in flight has settled, or after `timeoutMs`, whichever is first. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const settled = (async () => {
      while (this.running.size) await Promise.allSettled([...this.running]);
      return true as const;
    })();
    const result = await Promise.race([settled, timedOut]);
    clearTimeout(timer);
    return result;
  }
}
