/** Time as the pacer sees it; tests pass a fake one. */
export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: PacerClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Past this many remembered channels, those idle for longer than the spacing are forgotten. */
const PRUNE_ABOVE = 500;

/**
 * Slack accepts about one message per second per channel and answers bursts with 429s. Sends
 * to one channel go through a queue here, in the order they were asked for, each starting at
 * least `spacingMs` after the previous one started; each channel has its own queue, so a busy
 * channel never delays another. One pacer per process: replicas each pace their own sends.
 */
export class ChannelPacer {
  /** The last send queued for each channel, which the next one waits for. */
  private readonly tails = new Map<string, Promise<unknown>>();
  /** When the last send to each channel started. */
  private readonly lastStart = new Map<string, number>();

  constructor(
    private readonly spacingMs: number,
    private readonly clock: PacerClock = systemClock,
  ) {}

  /** Runs `send` when the channel's turn comes; resolves or rejects with its result. */
  run<T>(channel: string, send: () => Promise<T>): Promise<T> {
    if (this.spacingMs <= 0) return send();
    const previous = this.tails.get(channel) ?? Promise.resolve();
    // A failed send must not stop the queue behind it; its own caller sees the failure.
    const turn = previous.catch(() => undefined).then(async () => {
      const wait = (this.lastStart.get(channel) ?? -Infinity) + this.spacingMs - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait);
      this.lastStart.set(channel, this.clock.now());
      return send();
    });
    this.tails.set(channel, turn);
    const forget = () => {
      if (this.tails.get(channel) === turn) this.tails.delete(channel);
      this.prune();
    };
    turn.then(forget, forget);
    return turn;
  }

  /** Channels with a send queued or in progress. */
  get busyChannels(): number {
    return this.tails.size;
  }

  private prune(): void {
    if (this.lastStart.size <= PRUNE_ABOVE) return;
    const now = this.clock.now();
    for (const [channel, at] of this.lastStart) {
      if (now - at >= this.spacingMs && !this.tails.has(channel)) this.lastStart.delete(channel);
    }
  }
}
