/**
 * Stops LLM calls for a while after a failure that retrying cannot fix (an exhausted quota, a
 * rejected key): every call would fail the same way and only add latency and log noise.
 */
export class Circuit {
  private openUntil = 0;
  private reason: string | undefined;

  constructor(
    private readonly openMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Opens (or extends) the circuit; true when it was closed, so the caller logs the incident once. */
  trip(reason: string): boolean {
    const wasOpen = this.isOpen();
    this.openUntil = this.now() + this.openMs;
    this.reason = reason;
    return !wasOpen;
  }

  isOpen(): boolean {
    return this.now() < this.openUntil;
  }

  get openReason(): string | undefined {
    return this.isOpen() ? this.reason : undefined;
  }
}
