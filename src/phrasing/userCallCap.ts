import type { Store } from '../store/types';

/**
 * LLM_MAX_CALLS_PER_USER_PER_HOUR across all replicas: each call claims one numbered slot of
 * the user's current hour in the store (claimEvent is atomic), so two replicas cannot both
 * take the last slot. Slots expire with the hour.
 */
export class UserCallCap {
  /** Lowest slot that may still be free, per user and hour: slots below it are known taken. */
  private readonly hints = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  async take(platform: string, userId: string): Promise<boolean> {
    if (this.limit <= 0) return false;
    const hour = Math.floor(this.now() / 3_600_000);
    const prefix = `llm-cap:${this.store.hashUserId(platform, userId)}:${hour}`;
    for (let slot = this.hints.get(prefix) ?? 0; slot < this.limit; slot++) {
      if (await this.store.claimEvent(`${prefix}:${slot}`, 3_700)) {
        this.remember(prefix, slot + 1);
        return true;
      }
    }
    this.remember(prefix, this.limit);
    return false;
  }

  private remember(prefix: string, next: number): void {
    if (this.hints.size > 10_000) this.hints.clear(); // hints only save claims; losing them is harmless
    this.hints.set(prefix, next);
  }
}
